import { ConflictError } from '../errors.js';
import { requireActive } from './policy.js';
import { listConnections } from '../store/connections.js';
import { hasJobQueue, liveWorkers, queueDepth, queueJobs, rateLimitPool, requirePostgres, type JobQueue, type QueueJobRow } from '../store/job-queue.js';
import { listJobs } from '../store/jobs.js';
import { requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

export interface JobView {
  id: number;
  connection: string;
  kind: 'inventory' | 'audit';
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'complete' | 'failed' | 'interrupted';
  error: string | null;
}

/** What the scheduler (herowatch run) ran lately, newest first, including jobs that failed before a sync could start. */
export async function schedulerJobs(hw: Herowatch, limit = 50): Promise<JobView[]> {
  const names = new Map((await listConnections(hw.store)).map((c) => [c.id, c.name]));
  return (await listJobs(hw.store, limit)).map((job) => ({
    id: Number(job.id),
    connection: names.get(job.connection_id) ?? String(job.connection_id),
    kind: job.kind,
    started_at: job.started_at,
    finished_at: job.finished_at,
    status: job.status,
    error: job.error,
  }));
}

/** The job queue of a scaled deployment: per task, jobs waiting, running and failed for good; the jobs; the live workers. */
export interface QueueView {
  depth: { task: string; waiting: number; running: number; failed: number }[];
  jobs: (Omit<QueueJobRow, 'payload'> & { connection: string | null })[];
  workers: { id: string; host: string; pid: number; seen_at: string }[];
}

/** Whether work can be queued for workers here (PostgreSQL), rather than done by one process. */
export function jobQueueAvailable(hw: Herowatch): boolean {
  return hasJobQueue(hw.store);
}

export async function queueView(hw: Herowatch, limit = 50, now = new Date()): Promise<QueueView> {
  requirePostgres(hw.store, 'The job queue');
  const names = new Map((await listConnections(hw.store)).map((c) => [c.id, c.name]));
  const jobs = (await queueJobs(hw.store, limit)).map(({ payload, ...job }) => {
    const id = (payload as { connectionId?: unknown } | null)?.connectionId;
    return { ...job, connection: typeof id === 'number' ? (names.get(id) ?? String(id)) : null };
  });
  return { depth: await queueDepth(hw.store), jobs, workers: await liveWorkers(hw.store, new Date(now.getTime() - hw.config.runLeaseMs)) };
}

/**
 * Queues an inventory sync of the connection to run as soon as its
 * rate-limit pool is free ("sync now" on a scaled deployment): a worker takes
 * it, and the web server keeps nothing. Refused when no worker is alive to
 * take it, or the connection is disconnected.
 */
export async function queueSyncNow(
  hw: Herowatch,
  queue: JobQueue,
  name: string,
  options: { full?: boolean } = {},
  now = new Date(),
): Promise<{ workers: number }> {
  const connection = requireActive(await requireConnection(hw.store, name));
  const workers = await liveWorkerCount(hw, now);
  if (workers === 0) throw new ConflictError('HW_NO_WORKER', 'No herowatch worker is running to take the sync.', { remedy: { do: 'start-worker' } });
  // A complete run that starts after this moment does what was asked: the job is skipped then.
  await queue.enqueue({
    kind: 'inventory',
    connectionId: connection.id,
    after: now.toISOString(),
    full: options.full,
    pool: rateLimitPool(connection),
    now: true,
  });
  return { workers };
}

/** Worker processes that said they were alive within the run lease. */
export async function liveWorkerCount(hw: Herowatch, now = new Date()): Promise<number> {
  return (await liveWorkers(hw.store, new Date(now.getTime() - hw.config.runLeaseMs))).length;
}

/**
 * The connection's inventory sync in the queue, if any: waiting or running,
 * or failed for good (every attempt spent; `last_error` says why).
 */
export async function queuedSync(hw: Herowatch, name: string): Promise<QueueJobRow | null> {
  const connection = await requireConnection(hw.store, name);
  const [job] = await queueJobs(hw.store, 1, { kind: 'inventory', connectionId: connection.id });
  return job ?? null;
}
