import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { EventEmitter } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger as QueueLogger, run, type Runner, type Task, type WorkerEvents } from 'graphile-worker';
import { z } from 'zod';
import type { HerokuClientOptions } from '../heroku/client.js';
import type { Logger } from '../log.js';
import type { WebhookSettings } from '../notify/webhook.js';
import { runJob } from '../scheduler/job.js';
import type { SchedulerEvent } from '../scheduler/scheduler.js';
import type { Herowatch } from '../service/herowatch.js';
import { health, metricsRefusal, metricsText } from '../service/metrics.js';
import { findConnectionById } from '../store/connections.js';
import { QUEUE_TASKS, queueSchema, requirePostgres, workerAlive, workerStopped } from '../store/job-queue.js';
import { completeRunSince } from '../store/jobs.js';

export interface WorkerOptions {
  hw: Herowatch;
  /** Jobs this process runs at once (each on a different rate-limit pool). */
  concurrency: number;
  log: Logger;
  onEvent?: (event: SchedulerEvent) => void;
  webhook?: WebhookSettings;
  webhookSecret?: string | null;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl' | 'etagCache'>;
  /** How often it says it is alive (a third of the run lease by default). */
  heartbeatMs?: number;
  /** How often it looks for jobs when no notification wakes it. */
  pollMs?: number;
  /** Where to serve /metrics and /healthz (none by default). */
  metrics?: { host: string; port: number; onListening?: (url: string) => void };
}

const work = z.object({ kind: z.enum(QUEUE_TASKS), connectionId: z.number().int().positive(), after: z.string().nullable() });

/** A job that could not run now and goes back to the queue, to be retried with backoff. */
class NotNow extends Error {}

/**
 * A worker process: takes jobs from the queue (PostgreSQL only) and runs
 * them with the same service functions as every other door. Work another
 * run already did is skipped, so running a job twice does nothing twice.
 * Says it is alive every few seconds; on `signal` (SIGTERM) the job in
 * progress is interrupted cleanly and handed back to the queue.
 */
export async function runWorker(options: WorkerOptions, signal: AbortSignal): Promise<void> {
  const { hw, log } = options;
  const connectionString = requirePostgres(hw.store, 'herowatch worker');
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const queueWorkers = new Set<string>();
  const context = { hw, log, now: () => new Date(), emit: (event: SchedulerEvent) => options.onEvent?.(event), webhook: options.webhook, webhookSecret: options.webhookSecret, client: options.client };

  const task: Task = async (payload) => {
    const job = work.parse(payload);
    const connection = await findConnectionById(hw.store, job.connectionId);
    if (!connection || connection.state !== 'active') return; // disconnected or removed since it was planned
    if (await completeRunSince(hw.store, job.connectionId, job.kind, job.after)) return; // done already
    const outcome = await runJob(context, { connection: connection.name, connectionId: connection.id, kind: job.kind }, signal);
    if (outcome.status === 'skipped') throw new NotNow(outcome.error ?? 'another process is running this connection');
    if (outcome.status === 'interrupted') throw new NotNow('the worker stopped during the job; another takes it');
  };

  await workerAlive(hw.store, id, new Date(), []);
  // Listening before the pool starts: its workers are created while it does, and the planner can free only the jobs of ids it knows.
  const events: WorkerEvents = new EventEmitter();
  // Jobs are locked by the pool that fetched them (and by a worker, in older releases of the queue): both ids are recorded.
  const remember = (queueId: string): void => {
    queueWorkers.add(queueId);
    workerAlive(hw.store, id, new Date(), [...queueWorkers]).catch(() => {});
  };
  events.on('pool:create', ({ workerPool }) => remember(workerPool.id));
  events.on('worker:create', ({ worker }) => remember(worker.workerId));
  const runner: Runner = await run({
    events,
    connectionString,
    schema: queueSchema(hw.store),
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.pollMs ?? 2000,
    taskList: Object.fromEntries(QUEUE_TASKS.map((name) => [name, task])),
    logger: queueLogger(log),
  });
  const heartbeat = setInterval(() => {
    workerAlive(hw.store, id, new Date(), [...queueWorkers]).catch((error: unknown) => log.warn({ error: (error as Error).message }, 'could not say the worker is alive'));
  }, options.heartbeatMs ?? Math.max(1000, Math.floor(hw.config.runLeaseMs / 3)));
  log.info({ worker: id, concurrency: options.concurrency }, 'worker started');
  const metrics = options.metrics ? await serveMetrics(hw, options.metrics) : null;
  try {
    await new Promise<void>((resolve, reject) => {
      runner.promise.then(resolve, reject);
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(heartbeat);
    metrics?.close();
    await runner.stop().catch(() => {});
    await workerStopped(hw.store, id, new Date()).catch(() => {});
    log.info({ worker: id }, 'worker stopped');
  }
}

/** /metrics and /healthz of a worker process, as the server answers them. */
async function serveMetrics(hw: Herowatch, where: NonNullable<WorkerOptions['metrics']>): Promise<HttpServer> {
  const server = createServer((request, response) => {
    const send = (status: number, type: string, body: string): void => void response.writeHead(status, { 'content-type': type }).end(body);
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send(405, 'application/json', JSON.stringify({ error: 'GET only' }));
    if (path === '/healthz') {
      void health(hw).then((state) => send(state.ok ? 200 : 503, 'application/json', JSON.stringify(state)));
      return;
    }
    if (path !== '/metrics') return send(404, 'application/json', JSON.stringify({ error: 'GET /metrics or /healthz' }));
    const refusal = metricsRefusal(hw.config.metricsToken, request.socket.remoteAddress, request.headers.authorization);
    if (refusal) return send(refusal.status, 'application/json', JSON.stringify({ error: refusal.message }));
    metricsText(hw).then(
      (metrics) => send(200, metrics.contentType, metrics.body),
      () => send(503, 'application/json', JSON.stringify({ error: 'the database could not be read' })),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(where.port, where.host, resolve));
  const address = server.address() as AddressInfo;
  where.onListening?.(`http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${address.port}`);
  return server;
}

/** graphile-worker's log lines, through herowatch's logger (its errors carry job errors, which never hold a token). */
function queueLogger(log: Logger): QueueLogger {
  return new QueueLogger(() => (level, message) => {
    if (level === 'error') log.error({ source: 'queue' }, message);
    else if (level === 'warning') log.warn({ source: 'queue' }, message);
    else log.debug({ source: 'queue' }, message);
  });
}
