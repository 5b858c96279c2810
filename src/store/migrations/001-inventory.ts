import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Connections, sync runs with coverage, versioned records, the ETag cache and the audit trail. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const json = dialect === 'postgres' ? sql`jsonb` : sql`text`;

  await db.schema
    .createTable('hw_connections')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('api_url', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('account_email', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_complete_run', 'integer')
    .execute();

  await db.schema
    .createTable('hw_sync_runs')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_modified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rate_limit_low', 'integer')
    .addColumn('throttled_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('items', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hw_sync_runs_connection').on('hw_sync_runs').columns(['connection_id', 'status']).execute();

  await db.schema
    .createTable('hw_coverage')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('hw_sync_runs.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('fix', 'text')
    .addColumn('items', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parents', 'integer')
    .addPrimaryKeyConstraint('hw_coverage_pk', ['run_id', 'resource', 'parent_key'])
    .execute();

  await db.schema
    .createTable('hw_records')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('data', json, (c) => c.notNull())
    .addColumn('valid_from', 'integer', (c) => c.notNull())
    .addColumn('valid_to', 'integer')
    .execute();
  // Covers what every sync reads per resource (its open versions' keys, hashes and parents).
  await db.schema
    .createIndex('hw_records_open')
    .on('hw_records')
    .columns(['connection_id', 'resource', 'valid_to', 'valid_from', 'key', 'hash', 'parent_key'])
    .execute();
  await db.schema.createIndex('hw_records_key').on('hw_records').columns(['connection_id', 'resource', 'key', 'valid_from']).execute();
  await db.schema.createIndex('hw_records_run').on('hw_records').columns(['valid_from']).execute();

  await db.schema
    .createTable('hw_http_cache')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('next_range', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hw_http_cache_pk', ['connection_id', 'key'])
    .execute();

  await db.schema
    .createTable('hw_audit_events')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_email', 'text')
    .addColumn('app_name', 'text')
    .addColumn('team_name', 'text')
    .addColumn('data', json, (c) => c.notNull())
    .addColumn('first_seen_run', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('hw_audit_events_pk', ['connection_id', 'id'])
    .execute();
  await db.schema.createIndex('hw_audit_events_day').on('hw_audit_events').columns(['connection_id', 'enterprise_id', 'day']).execute();

  await db.schema
    .createTable('hw_audit_cursors')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('complete_through', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hw_audit_cursors_pk', ['connection_id', 'enterprise_id'])
    .execute();
}
