import type { Kysely } from 'kysely';

/**
 * What a sync run has seen, kept in the database while it runs rather than
 * in memory (a 50,000-app account has over a million records):
 * `hw_run_keys` holds the keys of records the run found unchanged (the
 * changed ones are its new versions in hw_records), `hw_run_lists` every
 * list it read and how (`status` as in coverage; `verified_at` when it
 * counts as verified). Completing the run reads them in SQL, then deletes
 * them; an unfinished run's rows are purged with its records.
 *
 * What a run asks of a batch of records (their open versions, by key) and
 * what it asks per record as it completes (is its parent still open?) is a
 * lookup by key and `valid_to`: the key index takes `valid_to` after the
 * key, and the hash, so that both are answered from it alone (a lookup
 * through the open-versions index read every open record of the resource).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('hw_records_key').execute();
  await db.schema.createIndex('hw_records_key').on('hw_records').columns(['connection_id', 'resource', 'key', 'valid_to', 'valid_from', 'hash']).execute();
  await db.schema
    .createTable('hw_run_keys')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('hw_sync_runs.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hw_run_keys_pk', ['run_id', 'resource', 'key'])
    .execute();
  await db.schema
    .createTable('hw_run_lists')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('hw_sync_runs.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    .addPrimaryKeyConstraint('hw_run_lists_pk', ['run_id', 'resource', 'parent_key'])
    .execute();
}
