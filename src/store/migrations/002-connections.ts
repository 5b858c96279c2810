import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Connections gain a state, an enterprise and their last test; credentials and monitored apps get tables. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('hw_connections')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .execute();
  await db.schema.alterTable('hw_connections').addColumn('enterprise', 'text').execute();
  await db.schema.alterTable('hw_connections').addColumn('last_status', 'text').execute();
  await db.schema.alterTable('hw_connections').addColumn('last_tested_at', 'text').execute();
  await db.schema.alterTable('hw_connections').addColumn('disabled_at', 'text').execute();

  await db.schema
    .createTable('hw_credentials')
    .addColumn('connection_id', 'integer', (c) => c.primaryKey().references('hw_connections.id').onDelete('cascade'))
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hw_monitored_apps')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('app_name', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('deactivated_at', 'text')
    .addPrimaryKeyConstraint('hw_monitored_apps_pk', ['connection_id', 'app_id'])
    .execute();
}
