import { listConnections } from '../store/connections.js';
import { liveWorkers, queueDepth, queueJobs, requirePostgres, type QueueJobRow } from '../store/job-queue.js';
import { listJobs } from '../store/jobs.js';
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

export async function queueView(hw: Herowatch, limit = 50, now = new Date()): Promise<QueueView> {
  requirePostgres(hw.store, 'The job queue');
  const names = new Map((await listConnections(hw.store)).map((c) => [c.id, c.name]));
  const jobs = (await queueJobs(hw.store, limit)).map(({ payload, ...job }) => {
    const id = (payload as { connectionId?: unknown } | null)?.connectionId;
    return { ...job, connection: typeof id === 'number' ? (names.get(id) ?? String(id)) : null };
  });
  return { depth: await queueDepth(hw.store), jobs, workers: await liveWorkers(hw.store, new Date(now.getTime() - hw.config.runLeaseMs)) };
}
