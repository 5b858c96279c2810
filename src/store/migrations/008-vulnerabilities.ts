import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * What monitored apps deploy and what is known against it: each slug's
 * packages once per checksum (an unchanged slug is never read again), an
 * index from package to slug for re-matching after an advisory update, the
 * last vulnerability test of each monitored app, and the vulnerability
 * findings with their lifecycle.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const primaryId = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('hw_slug_scans')
    .addColumn('checksum', 'text', (c) => c.primaryKey())
    .addColumn('scanner', 'text', (c) => c.notNull())
    .addColumn('scanned_at', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint')
    .addColumn('packages', json, (c) => c.notNull())
    .addColumn('files', json, (c) => c.notNull())
    .addColumn('gaps', json, (c) => c.notNull())
    .addColumn('entries', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('hw_slug_packages')
    .addColumn('checksum', 'text', (c) => c.notNull().references('hw_slug_scans.checksum').onDelete('cascade'))
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hw_slug_packages_package').on('hw_slug_packages').columns(['ecosystem', 'name']).execute();
  await db.schema.createIndex('hw_slug_packages_checksum').on('hw_slug_packages').columns(['checksum']).execute();

  await db.schema
    .createTable('hw_vuln_tests')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('app_name', 'text', (c) => c.notNull())
    .addColumn('tested_at', 'text', (c) => c.notNull())
    .addColumn('release_version', 'integer')
    .addColumn('slug_id', 'text')
    .addColumn('checksum', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('packages', 'integer', (c) => c.notNull())
    .addColumn('files', json, (c) => c.notNull())
    .addPrimaryKeyConstraint('hw_vuln_tests_pk', ['connection_id', 'app_id'])
    .execute();

  await db.schema
    .createTable('hw_vulnerabilities')
    .addColumn('id', id, primaryId)
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('app_name', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('vuln_id', 'text', (c) => c.notNull())
    .addColumn('advisories', json, (c) => c.notNull())
    .addColumn('aliases', json, (c) => c.notNull())
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('cvss', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('fixed', 'text')
    .addColumn('locations', json, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('introduced_release', 'integer')
    .addColumn('fixed_release', 'integer')
    .addColumn('ignored_reason', 'text')
    .addColumn('ignored_by', 'text')
    .addColumn('ignored_at', 'text')
    .addColumn('ignored_until', 'text')
    .addUniqueConstraint('hw_vulnerabilities_key', ['connection_id', 'app_id', 'key'])
    .execute();
  await db.schema.createIndex('hw_vulnerabilities_status').on('hw_vulnerabilities').columns(['connection_id', 'status']).execute();
}
