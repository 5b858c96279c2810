import type { Kysely } from 'kysely';

/**
 * The webhook's outbox: an evaluation made by a scheduled job while a
 * webhook is configured is `pending` until its changes are delivered, then
 * `sent`. Its changes are its finding events, written in the same
 * transaction, so a process that dies between the two loses nothing: the
 * next job (on any worker) delivers what is still pending.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('hw_evaluations').addColumn('notify', 'text').execute();
  await db.schema.alterTable('hw_evaluations').addColumn('notified_at', 'text').execute();
  await db.schema.createIndex('hw_evaluations_notify').on('hw_evaluations').columns(['connection_id', 'notify']).execute();
}
