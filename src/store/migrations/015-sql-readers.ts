import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * PostgreSQL's SQL console logs in as roles of its own (see
 * store/sql-postgres.ts): this table says which connections each one may
 * read, and the console's views keep only the rows of the connections
 * listed for `current_user`, which a session cannot change. A row without a
 * connection name lets its role read every connection. SQLite's console
 * builds a database per query instead, and has no use for it.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await db.schema
    .createTable('hw_sql_readers')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('connection_name', 'text')
    .execute();
  await db.schema.createIndex('hw_sql_readers_role').on('hw_sql_readers').columns(['role', 'connection_name']).unique().execute();
}
