import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Findings are listed with the suppression in force on each: an index finds it by check and resource. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('hw_suppressions_resource').on('hw_suppressions').columns(['connection_id', 'check_id', 'resource_key']).execute();
}
