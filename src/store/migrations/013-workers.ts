import type { Kysely } from 'kysely';

/**
 * The worker processes of a scaled deployment (herowatch worker, on
 * PostgreSQL): each says it is alive every few seconds; the planner hands the
 * jobs of one that stopped saying so to the others. `queue_workers` lists the
 * job queue's worker ids the process runs (JSON).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('hw_workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('queue_workers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('stopped_at', 'text')
    .execute();
}
