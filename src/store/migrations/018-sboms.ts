import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * SBOMs imported for apps whose deployed code herowatch cannot read (a Fir
 * app's OCI image, a container app): each names the commit it was built
 * from, when it says, and the release it was attributed to at import. Its
 * packages are kept as a scan is (hw_slug_scans, under `sbom:<sha256>`), so
 * matching and re-matching read them as they read a slug's. A test says
 * where its packages came from (`slug` or `sbom`) and which commit.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  await db.schema
    .createTable('hw_sboms')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('app_name', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull().references('hw_slug_scans.checksum').onDelete('cascade'))
    .addColumn('commit', 'text')
    .addColumn('release_version', 'integer')
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('tool', 'text')
    .addColumn('components', 'integer', (c) => c.notNull())
    .addColumn('packages', 'integer', (c) => c.notNull())
    .addColumn('skipped', json, (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text')
    .addPrimaryKeyConstraint('hw_sboms_pk', ['connection_id', 'app_id', 'checksum'])
    .execute();
  await db.schema
    .alterTable('hw_vuln_tests')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('slug'))
    .execute();
  await db.schema.alterTable('hw_vuln_tests').addColumn('commit', 'text').execute();
}
