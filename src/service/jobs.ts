import { listConnections } from '../store/connections.js';
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
