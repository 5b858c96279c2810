import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The packages a slug holds under each (ecosystem, name), kept beside the
 * index row: after an advisory update, a re-match reads only the rows of
 * the packages the update names, instead of every slug's whole package
 * list, and the findings on those packages by name; and each scan's
 * ecosystems, which every test is judged by. Rows written before these
 * columns are null, and read the older way.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('hw_slug_packages')
    .addColumn('entries', dialect === 'postgres' ? 'jsonb' : 'text')
    .execute();
  // The ecosystems of each slug, kept with its scan (older scans: answered from the index alone).
  await db.schema.alterTable('hw_slug_scans').addColumn('ecosystems', 'text').execute();
  await db.schema.dropIndex('hw_slug_packages_checksum').execute();
  await db.schema.createIndex('hw_slug_packages_checksum').on('hw_slug_packages').columns(['checksum', 'ecosystem']).execute();
  await db.schema.createIndex('hw_vulnerabilities_package').on('hw_vulnerabilities').columns(['package', 'connection_id']).execute();
}
