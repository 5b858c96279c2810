import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The vulnerability advisory database (OSV), compiled at import: one row per
 * advisory with its facts, one per (advisory, package) with its ranges ready
 * to match, indexed by ecosystem and package name so that matching a
 * package is one lookup; and per ecosystem, where it was last imported from.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  await db.schema
    .createTable('hw_advisories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('modified', 'text')
    .addColumn('facts', json, (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('hw_advisory_packages')
    .addColumn('advisory_id', 'text', (c) => c.notNull().references('hw_advisories.id').onDelete('cascade'))
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('entry', json, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hw_advisory_packages_package').on('hw_advisory_packages').columns(['ecosystem', 'name']).execute();
  await db.schema.createIndex('hw_advisory_packages_advisory').on('hw_advisory_packages').columns(['advisory_id']).execute();
  await db.schema
    .createTable('hw_advisory_imports')
    .addColumn('ecosystem', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('newest_modified', 'text')
    .execute();
}
