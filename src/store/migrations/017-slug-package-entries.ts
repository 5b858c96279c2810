import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The packages a slug holds under each (ecosystem, name), kept beside the
 * index row: after an advisory update, a re-match reads only the rows of
 * the packages the update names, instead of every slug's whole package
 * list, and the findings on those packages by name; and each scan's
 * ecosystems, which every test is judged by. Rows written before these
 * columns are null: their slugs were read under older rules, and are read
 * again at the next test (scans' ecosystems are then taken from the index).
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
  // Which package each finding is on, for a re-match to pick the findings of the packages an update names.
  await db.schema.createIndex('hw_vulnerabilities_package').on('hw_vulnerabilities').columns(['connection_id', 'ecosystem', 'package']).execute();
}
