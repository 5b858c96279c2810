import { timingSafeEqual, createHash } from 'node:crypto';
import { Counter, Gauge, Registry } from 'prom-client';
import { hasJobQueue, liveWorkers, queueDepth } from '../store/job-queue.js';
import { jobTotals, lastInventoryRuns, pingStore } from '../store/metrics.js';
import { lastStatus } from './connection-status.js';
import { listConnections } from './connections.js';
import type { Herowatch } from './herowatch.js';

/**
 * What a scaled deployment is doing, in the Prometheus text format: the
 * queue, the jobs run and how long they took, and per connection how old its
 * inventory is and how much of its rate limit was left. Read from the
 * database at each scrape, so every process (server or worker) answers the
 * same and none keeps state of its own. Connection names are labels;
 * nothing secret is.
 */
export async function metricsText(hw: Herowatch, now = new Date()): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });

  const queued = gauge('herowatch_queue_jobs', 'Jobs in the queue (PostgreSQL deployments), by task and state: waiting, running, failed for good.', [
    'task',
    'state',
  ]);
  const workers = gauge('herowatch_workers_alive', 'Worker processes that said they were alive within the run lease.');
  if (hasJobQueue(hw.store)) {
    for (const depth of await queueDepth(hw.store)) {
      for (const state of ['waiting', 'running', 'failed'] as const) queued.set({ task: depth.task, state }, depth[state]);
    }
    workers.set((await liveWorkers(hw.store, new Date(now.getTime() - hw.config.runLeaseMs))).length);
  }

  const jobs = new Counter({
    name: 'herowatch_jobs_total',
    help: 'Scheduled jobs run, by kind and how they ended.',
    labelNames: ['kind', 'status'],
    registers: [registry],
  });
  const seconds = new Counter({
    name: 'herowatch_job_duration_seconds_total',
    help: 'Time spent in scheduled jobs, by kind and how they ended.',
    labelNames: ['kind', 'status'],
    registers: [registry],
  });
  for (const total of await jobTotals(hw.store)) {
    jobs.inc({ kind: total.kind, status: total.status }, total.count);
    seconds.inc({ kind: total.kind, status: total.status }, Math.max(0, total.seconds));
  }

  const age = gauge('herowatch_inventory_age_seconds', "Seconds since the connection's last complete inventory run finished.", ['connection']);
  const low = gauge('herowatch_sync_rate_limit_low', "The fewest rate-limit tokens the connection's last complete inventory run saw left.", ['connection']);
  for (const run of await lastInventoryRuns(hw.store)) {
    if (run.finished_at) age.set({ connection: run.connection }, Math.max(0, (now.getTime() - Date.parse(run.finished_at)) / 1000));
    if (run.rate_limit_low !== null) low.set({ connection: run.connection }, run.rate_limit_low);
  }
  const remaining = gauge('herowatch_rate_limit_remaining', "Rate-limit tokens left on the connection's account at its last connection test.", ['connection']);
  for (const connection of await listConnections(hw.store)) {
    const status = connection.state === 'active' ? lastStatus(connection) : null;
    if (status?.rate_limit.remaining != null) remaining.set({ connection: connection.name }, status.rate_limit.remaining);
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Why a scrape is refused (null: it is not): with HEROWATCH_METRICS_TOKEN
 * set, the request must carry it as a bearer token; without, only loopback
 * may scrape (connection names are in the labels).
 */
export function metricsRefusal(
  token: string | undefined,
  remoteAddress: string | undefined,
  authorization: string | undefined,
): { status: 401 | 403; message: string } | null {
  if (token === undefined) {
    return remoteAddress !== undefined && LOOPBACK.has(remoteAddress)
      ? null
      : { status: 403, message: 'Metrics are served to loopback only; set HEROWATCH_METRICS_TOKEN and scrape with it as a bearer token.' };
  }
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token)) ? null : { status: 401, message: 'Scrape /metrics with HEROWATCH_METRICS_TOKEN as a bearer token.' };
}

/** Whether this process can reach its database: what a health check asks. */
export async function health(hw: Herowatch): Promise<{ ok: boolean; database: string }> {
  try {
    await pingStore(hw.store);
    return { ok: true, database: 'reachable' };
  } catch {
    return { ok: false, database: 'unreachable' };
  }
}
