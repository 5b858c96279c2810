import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * What says which vulnerabilities to fix first, by CVE: CISA's Known
 * Exploited Vulnerabilities catalog and FIRST's EPSS scores, each replaced
 * whole by an update; and on each finding, what they say of its CVEs
 * (written after every update and every test, as VEX statements are).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  await db.schema
    .createTable('hw_kev')
    .addColumn('cve', 'text', (c) => c.primaryKey())
    .addColumn('date_added', 'text')
    .addColumn('due_date', 'text')
    .addColumn('ransomware', 'integer', (c) => c.notNull())
    .addColumn('name', 'text')
    .execute();
  await db.schema
    .createTable('hw_epss')
    .addColumn('cve', 'text', (c) => c.primaryKey())
    .addColumn('score', real, (c) => c.notNull())
    .addColumn('percentile', real, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('hw_vulnerabilities').addColumn('kev_added', 'text').execute();
  await db.schema.alterTable('hw_vulnerabilities').addColumn('kev_ransomware', 'integer').execute();
  await db.schema.alterTable('hw_vulnerabilities').addColumn('epss', real).execute();
  await db.schema.alterTable('hw_vulnerabilities').addColumn('epss_percentile', real).execute();
  await db.schema.createIndex('hw_vulnerabilities_epss').on('hw_vulnerabilities').columns(['connection_id', 'epss']).execute();
}
