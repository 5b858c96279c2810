import { hostname } from 'node:os';
import type { Selectable } from 'kysely';
import type { Store } from './database.js';
import type { JobKind, JobsTable } from './schema.js';

/** The scheduler's log of what it ran and how it ended. */
export async function startJob(store: Store, connectionId: number, kind: JobKind, at: Date): Promise<number> {
  const row = await store.db
    .insertInto('hw_jobs')
    .values({
      connection_id: connectionId,
      kind,
      started_at: at.toISOString(),
      finished_at: null,
      status: 'running',
      error: null,
      pid: process.pid,
      host: hostname(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function finishJob(store: Store, jobId: number, status: 'complete' | 'failed' | 'interrupted', at: Date, error: string | null): Promise<void> {
  await store.db.updateTable('hw_jobs').set({ status, finished_at: at.toISOString(), error }).where('id', '=', jobId).execute();
}

/** The scheduler's latest jobs, newest first. */
export async function listJobs(store: Store, limit: number): Promise<Selectable<JobsTable>[]> {
  return store.db.selectFrom('hw_jobs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/** The latest runs of a connection, newest first, as the scheduler plans from them. */
export async function recentRuns(store: Store, connectionId: number, limit = 50): Promise<{ kind: JobKind; status: string; started_at: string }[]> {
  return store.db
    .selectFrom('hw_sync_runs')
    .select(['kind', 'status', 'started_at'])
    .where('connection_id', '=', connectionId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Whether a complete run that does this kind of work started after `after` (an inventory run collects the audit trail too). */
export async function completeRunSince(store: Store, connectionId: number, kind: JobKind, after: string | null): Promise<boolean> {
  let query = store.db
    .selectFrom('hw_sync_runs')
    .select('id')
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'complete')
    .where('kind', 'in', kind === 'audit' ? ['audit', 'inventory'] : ['inventory']);
  if (after !== null) query = query.where('started_at', '>', after);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}
