import { EventEmitter } from 'node:events';
import { Logger as QueueLogger, run, type Runner, type WorkerEvents } from 'graphile-worker';
import type { Logger } from '../log.js';
import type { Store } from './database.js';
import { QUEUE_TASKS, queueSchema, requirePostgres, type QueueTask } from './job-queue.js';

/** What a runner of the queue is told: how to run a job's payload, how many at once, and which kinds to leave for now. */
export interface QueueRunnerOptions {
  run: (payload: unknown) => Promise<void>;
  concurrency: number;
  pollMs: number;
  log: Logger;
  /** Called as each queue worker or pool is created, with its id (its jobs are locked by it). */
  onWorker: (queueId: string) => void;
  /** Kinds no job may be taken of now (asked before each take), when there are limits. */
  forbidden?: () => Promise<QueueTask[]>;
  /** Called when a take ends (a job started, none found, or the take failed). */
  onTaken?: () => void;
}

/** A running set of queue workers: `promise` settles when it stops (or fails), `stop` stops it. */
export interface QueueRunner {
  promise: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts taking jobs from the queue (graphile-worker, PostgreSQL only). The
 * queue library lives here, beside the queue's tables: the rest of herowatch
 * knows only this runner.
 */
export async function startQueueRunner(store: Store, what: string, options: QueueRunnerOptions): Promise<QueueRunner> {
  const connectionString = requirePostgres(store, what);
  const events: WorkerEvents = new EventEmitter();
  // Jobs are locked by the pool that fetched them (and by a worker, in older releases of the queue): both ids are told.
  events.on('pool:create', ({ workerPool }) => options.onWorker(workerPool.id));
  events.on('worker:create', ({ worker }) => options.onWorker(worker.workerId));
  if (options.onTaken) for (const outcome of ['job:start', 'worker:getJob:empty', 'worker:getJob:error'] as const) events.on(outcome, options.onTaken);
  const runner: Runner = await run({
    events,
    connectionString,
    schema: queueSchema(store),
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.pollMs,
    taskList: Object.fromEntries(QUEUE_TASKS.map((name) => [name, (payload: unknown) => options.run(payload)])),
    // Each job's flag is its kind: kinds at their limit are left for later.
    ...(options.forbidden ? { forbiddenFlags: options.forbidden } : {}),
    logger: queueLogger(options.log),
  });
  return { promise: runner.promise, stop: () => runner.stop() };
}

/** graphile-worker's log lines, through herowatch's logger (its errors carry job errors, which never hold a token). */
function queueLogger(log: Logger): QueueLogger {
  return new QueueLogger(() => (level, message) => {
    if (level === 'error') log.error({ source: 'queue' }, message);
    else if (level === 'warning') log.warn({ source: 'queue' }, message);
    else log.debug({ source: 'queue' }, message);
  });
}
