import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { JobLimits } from '../config.js';
import { ConflictError, type ErrorOptions } from '../errors.js';
import type { Logger } from '../log.js';
import { sleep } from '../time.js';
import { connectionIdsWithCredentials } from '../store/credentials.js';
import { countDataset } from '../store/datasets.js';
import { findConnectionById, listConnections, type ConnectionRecord } from '../store/connections.js';
import {
  buryWorkers,
  deadWorkers,
  openJobQueue,
  QUEUE_TASKS,
  queueDepth,
  rateLimitPool,
  workerAlive,
  workerStopped,
  type JobQueue,
  type QueueTask,
} from '../store/job-queue.js';
import { completeRunSince, recentRuns } from '../store/jobs.js';
import { Leadership } from '../store/leader.js';
import { pingStore } from '../store/metrics.js';
import { startQueueRunner, type QueueRunner } from '../store/queue-runner.js';
import { recoverInterruptedRuns } from '../store/runs.js';
import type { Herowatch } from './herowatch.js';
import { runJob, type JobContext, type JobKind } from './job-run.js';

export type { JobQueue, QueueTask } from '../store/job-queue.js';
export type { Leadership } from '../store/leader.js';

/**
 * Where work runs, and the plumbing of scaled deployments: what the
 * scheduler needs to know to plan, the planner's queue and leadership, the
 * worker's taking of queued jobs (job limits, its heartbeat, waiting out a
 * database outage). The scheduler, the planner and the worker are doors
 * onto this; none of them reaches the store.
 */

/** A connection the scheduler may plan for, with the runs its due times count from. */
export interface SchedulableConnection {
  connection: ConnectionRecord;
  /** Its jobs' runs, newest first. */
  runs: { kind: JobKind; status: string; started_at: string }[];
  /** The rate-limit pool its jobs spend. */
  pool: string;
  /** Whether it reads an enterprise account (which has an audit trail to collect between syncs); false unless asked. */
  enterprise: boolean;
}

/**
 * The connections with work to plan: connected, with a token, and not
 * running elsewhere. Runs left behind by a process that died are marked
 * interrupted on the way.
 */
export async function schedulableConnections(hw: Herowatch, options: { enterprise: boolean }): Promise<SchedulableConnection[]> {
  const withCredentials = await connectionIdsWithCredentials(hw.store);
  const out: SchedulableConnection[] = [];
  for (const connection of await listConnections(hw.store)) {
    if (connection.state !== 'active' || !withCredentials.has(connection.id)) continue;
    // A live run elsewhere means: not now.
    if ((await recoverInterruptedRuns(hw.store, connection.id)).running) continue;
    out.push({
      connection,
      runs: await recentRuns(hw.store, connection.id),
      pool: rateLimitPool(connection),
      enterprise:
        options.enterprise &&
        connection.last_complete_run !== null &&
        (await countDataset(hw.store, 'enterprise_accounts', { connection: connection.name })) > 0,
    });
  }
  return out;
}

/** The planner's hold on planning (one planner plans; the others wait to take over), and its queue. */
export async function plannerHold(hw: Herowatch): Promise<{ leadership: Leadership; queue: JobQueue }> {
  return { leadership: Leadership.forStore(hw.store), queue: await openJobQueue(hw.store) };
}

/**
 * Hands the jobs of workers that stopped saying they are alive (for longer
 * than the run lease) back to the queue, and forgets those workers. Returns
 * them, to be told.
 */
export async function reclaimLostWorkers(hw: Herowatch, queue: JobQueue, now: Date): Promise<{ host: string; pid: number }[]> {
  const dead = await deadWorkers(hw.store, new Date(now.getTime() - hw.config.runLeaseMs));
  if (dead.length === 0) return [];
  await queue.unlockWorkers(dead.flatMap((w) => w.queueWorkers));
  await buryWorkers(
    hw.store,
    dead.map((w) => w.id),
    now,
  );
  return dead;
}

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
class NotNow extends ConflictError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_BUSY', message, options);
  }
}

const work = z.object({ kind: z.enum(QUEUE_TASKS), connectionId: z.number().int().positive(), after: z.string().nullable(), full: z.boolean().optional() });

export interface QueueWorkOptions {
  /** What running a job needs (see runJob). */
  context: JobContext;
  /** Jobs this process runs at once (each on a different rate-limit pool). */
  concurrency: number;
  log: Logger;
  /** How often it says it is alive (a third of the run lease by default). */
  heartbeatMs?: number;
  /** How often it looks for jobs when no notification wakes it. */
  pollMs?: number;
}

/**
 * Takes jobs from the queue (PostgreSQL only) and runs them, until `signal`
 * aborts: the job in progress is then interrupted cleanly and handed back.
 * Work another run already did is skipped, so running a job twice does
 * nothing twice. Says it is alive every few seconds; when the database fails
 * under it, waits for it to answer again and starts over.
 */
export async function takeQueuedWork(hw: Herowatch, options: QueueWorkOptions, signal: AbortSignal): Promise<void> {
  const { log } = options;
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const queueWorkers = new Set<string>();

  const runOne = async (payload: unknown): Promise<void> => {
    const job = work.parse(payload);
    try {
      const connection = await findConnectionById(hw.store, job.connectionId);
      if (!connection || connection.state !== 'active') return; // disconnected or removed since it was planned
      if (await completeRunSince(hw.store, job.connectionId, job.kind, job.after)) return; // done already
      const outcome = await runJob(options.context, { connection: connection.name, connectionId: connection.id, kind: job.kind, full: job.full }, signal);
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
  // Told before the pool starts: its workers are created while it does, and the planner can free only the jobs of ids it knows.
  const remember = (queueId: string): void => {
    queueWorkers.add(queueId);
    workerAlive(hw.store, id, new Date(), [...queueWorkers]).catch(() => {});
  };
  // With job limits, this process's workers take jobs one at a time: the count each reads includes the job the one before took.
  const limited = Object.keys(hw.config.jobLimits).length > 0;
  const gate = new TakeGate();
  const start = (): Promise<QueueRunner> =>
    startQueueRunner(hw.store, 'herowatch worker', {
      run: runOne,
      concurrency: options.concurrency,
      pollMs: options.pollMs ?? 2000,
      log,
      onWorker: remember,
      ...(limited
        ? {
            forbidden: async () => {
              await gate.enter();
              return kindsAtLimit(Object.fromEntries((await queueDepth(hw.store)).map((d) => [d.task, d.running])), hw.config.jobLimits);
            },
            onTaken: () => gate.leave(),
          }
        : {}),
    });
  let runner = await start();
  const heartbeat = setInterval(
    () => {
      workerAlive(hw.store, id, new Date(), [...queueWorkers]).catch((error: unknown) =>
        log.warn({ error: (error as Error).message }, 'could not say the worker is alive'),
      );
    },
    options.heartbeatMs ?? Math.max(1000, Math.floor(hw.config.runLeaseMs / 3)),
  );
  log.info({ worker: id, concurrency: options.concurrency }, 'worker started');
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
      await sleep(delay, signal);
    }
  }
}
