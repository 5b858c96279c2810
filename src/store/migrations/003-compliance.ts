import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Compliance: evaluations of the checks, findings (one per check and
 * resource) with their history, suppressions; audit-trail-only runs; and
 * the scheduler's record of jobs.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const primaryId = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .alterTable('hw_sync_runs')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('inventory'))
    .execute();
  await db.schema.alterTable('hw_audit_cursors').addColumn('first_day', 'text').execute();

  await db.schema
    .createTable('hw_evaluations')
    .addColumn('id', id, primaryId)
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('run_id', 'integer')
    .addColumn('evaluated_at', 'text', (c) => c.notNull())
    .addColumn('checks', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('unknown', 'integer', (c) => c.notNull())
    .addColumn('opened', 'integer', (c) => c.notNull())
    .addColumn('resolved', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hw_findings')
    .addColumn('id', id, primaryId)
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_key', 'text', (c) => c.notNull())
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text')
    .addColumn('last_seen_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('hw_findings_key', ['connection_id', 'check_id', 'resource_key'])
    .execute();
  await db.schema.createIndex('hw_findings_status').on('hw_findings').columns(['connection_id', 'status']).execute();

  await db.schema
    .createTable('hw_finding_events')
    .addColumn('finding_id', 'integer', (c) => c.notNull().references('hw_findings.id').onDelete('cascade'))
    .addColumn('evaluation_id', 'integer')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('hw_finding_events_finding').on('hw_finding_events').columns(['finding_id', 'at']).execute();

  await db.schema
    .createTable('hw_suppressions')
    .addColumn('id', id, primaryId)
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('resource_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('lapse_noted_at', 'text')
    .execute();

  await db.schema
    .createTable('hw_jobs')
    .addColumn('id', id, primaryId)
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hw_jobs_latest').on('hw_jobs').columns(['connection_id', 'kind', 'started_at']).execute();
}
