import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * hw_meta: small facts about the database itself, such as the fingerprint of
 * the dataset views' definitions (so views are rebuilt only when herowatch's
 * declarations change, not on every start).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('hw_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
