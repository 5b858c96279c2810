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
import { abortableSleep } from '../scheduler/scheduler.js';
import type { SchedulerEvent } from '../scheduler/scheduler.js';
import type { Herowatch } from '../service/herowatch.js';
import { health, metricsRefusal, metricsText } from '../service/metrics.js';
import { findConnectionById } from '../store/connections.js';
import type { JobLimits } from '../config.js';
import { openJobQueue, QUEUE_TASKS, queueDepth, queueSchema, requirePostgres, workerAlive, workerStopped, type QueueTask } from '../store/job-queue.js';
import { completeRunSince } from '../store/jobs.js';
import { pingStore } from '../store/metrics.js';

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

const work = z.object({ kind: z.enum(QUEUE_TASKS), connectionId: z.number().int().positive(), after: z.string().nullable(), full: z.boolean().optional() });

/**
 * The kinds of job no worker may start now, given the jobs running across
 * every worker: all of them at the overall limit, each at its own. Checked as
 * each job is taken, so workers taking jobs at the same instant can pass a
 * limit by a job each.
 */
export function kindsAtLimit(running: Partial<Record<QueueTask, number>>, limits: JobLimits): QueueTask[] {
  const total = QUEUE_TASKS.reduce((sum, kind) => sum + (running[kind] ?? 0), 0);
  if (limits.all !== undefined && total >= limits.all) return [...QUEUE_TASKS];
  return QUEUE_TASKS.filter((kind) => limits[kind] !== undefined && (running[kind] ?? 0) >= limits[kind]!);
}

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
  const context = {
    hw,
    log,
    now: () => new Date(),
    emit: (event: SchedulerEvent) => options.onEvent?.(event),
    webhook: options.webhook,
    webhookSecret: options.webhookSecret,
    client: options.client,
  };

  const task: Task = async (payload) => {
    const job = work.parse(payload);
    try {
      const connection = await findConnectionById(hw.store, job.connectionId);
      if (!connection || connection.state !== 'active') return; // disconnected or removed since it was planned
      if (await completeRunSince(hw.store, job.connectionId, job.kind, job.after)) return; // done already
      const outcome = await runJob(context, { connection: connection.name, connectionId: connection.id, kind: job.kind, full: job.full }, signal);
      if (outcome.status === 'skipped') throw new NotNow(outcome.error ?? 'another process is running this connection');
      if (outcome.status === 'interrupted') throw new NotNow('the worker stopped during the job; another takes it');
    } catch (error) {
      // A job the database failed under (a restart, a failover) goes back to the queue once the database answers again:
      // the queue records it there, and a worker that cannot reach it for long gives up (its supervisor restarts it).
      await databaseBack(hw, log, signal);
      throw error;
    }
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
  // With job limits, this process's workers take jobs one at a time: the count each reads includes the job the one before took.
  const limited = Object.keys(hw.config.jobLimits).length > 0;
  const gate = new TakeGate();
  for (const outcome of ['job:start', 'worker:getJob:empty', 'worker:getJob:error'] as const) events.on(outcome, () => gate.leave());
  const start = (): Promise<Runner> =>
    run({
      events,
      connectionString,
      schema: queueSchema(hw.store),
      concurrency: options.concurrency,
      noHandleSignals: true,
      pollInterval: options.pollMs ?? 2000,
      taskList: Object.fromEntries(QUEUE_TASKS.map((name) => [name, task])),
      // Each job's flag is its kind: kinds at their limit are left for later.
      ...(limited
        ? {
            forbiddenFlags: async () => {
              await gate.enter();
              return kindsAtLimit(Object.fromEntries((await queueDepth(hw.store)).map((d) => [d.task, d.running])), hw.config.jobLimits);
            },
          }
        : {}),
      logger: queueLogger(log),
    });
  let runner: Runner = await start();
  const heartbeat = setInterval(
    () => {
      workerAlive(hw.store, id, new Date(), [...queueWorkers]).catch((error: unknown) =>
        log.warn({ error: (error as Error).message }, 'could not say the worker is alive'),
      );
    },
    options.heartbeatMs ?? Math.max(1000, Math.floor(hw.config.runLeaseMs / 3)),
  );
  log.info({ worker: id, concurrency: options.concurrency }, 'worker started');
  const metrics = options.metrics ? await serveMetrics(hw, options.metrics) : null;
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    for (;;) {
      const ended = await Promise.race([
        stopped.then(() => null),
        runner.promise.then(
          () => null,
          (error: unknown) => error as Error,
        ),
      ]);
      if (signal.aborted) break;
      // The queue's runner gives up when the database fails as it records a job's end. Once the database answers again,
      // the jobs it held go back to the queue and a new runner takes over; after a long outage the process stops.
      log.warn({ error: ended?.message ?? 'stopped' }, 'the job queue stopped; restarting it once the database answers');
      await databaseBack(hw, log, signal);
      if (signal.aborted) break;
      const held = [...queueWorkers];
      const queue = await openJobQueue(hw.store);
      try {
        await queue.unlockWorkers(held);
      } finally {
        await queue.close();
      }
      for (const old of held) queueWorkers.delete(old);
      runner = await start();
    }
  } finally {
    clearInterval(heartbeat);
    metrics?.close();
    await runner.stop().catch(() => {});
    await workerStopped(hw.store, id, new Date()).catch(() => {});
    log.info({ worker: id }, 'worker stopped');
  }
}

/**
 * Lets one of a process's queue workers at a time between reading the job
 * counts and taking a job (or finding none). A worker that never reports
 * back is let go after a while.
 */
class TakeGate {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;

  async enter(): Promise<void> {
    const before = this.tail;
    let open!: () => void;
    this.tail = new Promise<void>((resolve) => (open = resolve));
    await before;
    const timer = setTimeout(() => this.leave(), 30_000);
    this.release = () => {
      clearTimeout(timer);
      open();
    };
  }

  leave(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }
}

/** How long a worker waits for its database to come back before it gives up its job and stops. */
const DATABASE_OUTAGE_MS = 5 * 60_000;

/** Resolves once the database answers (at once, usually), checking with backoff for up to DATABASE_OUTAGE_MS. */
async function databaseBack(hw: Herowatch, log: Logger, signal: AbortSignal): Promise<void> {
  const until = Date.now() + DATABASE_OUTAGE_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      await pingStore(hw.store);
      return;
    } catch (error) {
      if (Date.now() > until || signal.aborted) return;
      log.warn({ error: (error as Error).message, retryInMs: delay }, 'the database does not answer; waiting for it');
      await abortableSleep(delay, signal);
    }
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
