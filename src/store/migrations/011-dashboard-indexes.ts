import type { Kysely } from 'kysely';

/**
 * Indexes the dashboard's pages read through: an app's records and its
 * children's (its history of changes), without reading the connection's
 * others; and the findings counted per check (framework reports), from the
 * index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('hw_records_parent').on('hw_records').columns(['connection_id', 'parent_key', 'valid_from']).execute();
  await db.schema
    .createIndex('hw_findings_counts')
    .on('hw_findings')
    .columns(['connection_id', 'removed_at', 'check_id', 'status', 'result', 'resource_key'])
    .execute();
}
