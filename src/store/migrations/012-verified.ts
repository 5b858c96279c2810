import type { Kysely } from 'kysely';

/**
 * When each list was last read from Heroku ("verified"): one row per
 * connection, resource and parent (an app's domains; '' for an account-wide
 * list such as the apps). A record was verified when its list was. A sync run
 * says whether it read everything (`full`) or what the planner chose
 * (`incremental`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('hw_verified')
    .addColumn('connection_id', 'integer', (c) => c.notNull().references('hw_connections.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('parent_key', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text', (c) => c.notNull())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('hw_verified_pk', ['connection_id', 'resource', 'parent_key'])
    .execute();
  // What a finding's data age reads: an app's lists.
  await db.schema.createIndex('hw_verified_parent').on('hw_verified').columns(['connection_id', 'parent_key', 'verified_at']).execute();
  await db.schema
    .alterTable('hw_sync_runs')
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('full'))
    .execute();
}
