import { hostname } from 'node:os';
import { makeWorkerUtils, type WorkerUtils } from 'graphile-worker';
import { sql } from 'kysely';
import { InputError } from '../errors.js';
import type { Store } from './database.js';
import { dialectOf } from './dialects/index.js';

/**
 * The job queue of scaled deployments: graphile-worker's tables, in the
 * herowatch PostgreSQL database (schema `herowatch_queue`, HEROWATCH_QUEUE_SCHEMA). The jobs of one
 * Heroku account's rate-limit pool share a named queue, which graphile-worker
 * runs one job at a time across every worker; a job key makes enqueueing the
 * same due work again a no-op until a worker takes it.
 */
export const QUEUE_TASKS = ['inventory', 'audit'] as const;
export type QueueTask = (typeof QUEUE_TASKS)[number];

/** Attempts of a job that throws (a run another process holds, a database that went away) before it is left failed. */
const MAX_ATTEMPTS = 8;

/** What a queued job carries: the connection, and the last run of its kind the planner saw (null: none): a complete run after it means the work is done. */
export interface QueuedWork {
  kind: QueueTask;
  connectionId: number;
  after: string | null;
  /** An inventory sync that reads everything (asked for from the dashboard). */
  full?: boolean;
}

export interface EnqueueRequest extends QueuedWork {
  /** The rate-limit pool the work spends: see rateLimitPool. */
  pool: string;
  /** Someone asked for it: it runs as soon as the pool is free, replacing the same work if it is waiting. */
  now?: boolean;
}

/** The rate-limit pool a connection's work spends: its Heroku account (or, before its account is known, the connection itself). */
export function rateLimitPool(connection: { id: number; account_id: string | null }): string {
  return connection.account_id ?? `connection-${connection.id}`;
}

/** The key of a connection's work of one kind in the queue: at most one waits at a time. */
function jobKey(kind: QueueTask, connectionId: number): string {
  return `${kind}:${connectionId}`;
}

/** The job queue's schema (its tables and functions). */
export function queueSchema(store: Store): string {
  return store.location.queueSchema ?? 'herowatch_queue';
}

/** Whether this store can hold the job queue (PostgreSQL; on SQLite one process does everything). */
export function hasJobQueue(store: Store): boolean {
  return dialectOf(store).jobQueue && store.location.databaseUrl !== undefined;
}

/** The refusal of queue work on SQLite, said the same way everywhere. */
export function requirePostgres(store: Store, what: string): string {
  if (!hasJobQueue(store)) {
    throw new InputError(
      'HW_QUEUE_UNAVAILABLE',
      `${what} needs PostgreSQL: set DATABASE_URL (postgres://user:password@host:5432/database). On the embedded SQLite database one process does everything (the scheduler runs the syncs itself).`,
    );
  }
  return store.location.databaseUrl!;
}

/** Installs the queue's tables (once; later calls are quick) and hands back its utilities. */
export async function openJobQueue(store: Store): Promise<JobQueue> {
  const utils = await makeWorkerUtils({ connectionString: requirePostgres(store, 'The job queue'), schema: queueSchema(store) });
  try {
    await utils.migrate();
  } catch (error) {
    await utils.release();
    throw error;
  }
  return new JobQueue(utils);
}

export class JobQueue {
  constructor(private readonly utils: WorkerUtils) {}

  /**
   * Queues work unless the same work is already waiting; work asked for
   * `now` replaces it (a job already running is left to finish, and this one
   * waits behind it in the pool's queue). The job's flag is its kind, for
   * the per-kind limits.
   */
  async enqueue(request: EnqueueRequest): Promise<void> {
    const payload: QueuedWork = { kind: request.kind, connectionId: request.connectionId, after: request.after, ...(request.full ? { full: true } : {}) };
    await this.utils.addJob(request.kind, payload, {
      queueName: `pool:${request.pool}`,
      jobKey: jobKey(request.kind, request.connectionId),
      jobKeyMode: request.now ? 'replace' : 'preserve_run_at',
      ...(request.now ? { runAt: new Date() } : {}),
      maxAttempts: MAX_ATTEMPTS,
      flags: [request.kind],
    });
  }

  /** Hands the jobs these (dead) workers held back to the queue. */
  async unlockWorkers(queueWorkerIds: string[]): Promise<void> {
    if (queueWorkerIds.length > 0) await this.utils.forceUnlockWorkers(queueWorkerIds);
  }

  async close(): Promise<void> {
    await this.utils.release();
  }
}

/** One job of the queue, as the CLI and the dashboard show it. */
export interface QueueJobRow {
  id: number;
  task: string;
  queue: string | null;
  key: string | null;
  payload: unknown;
  run_at: string;
  attempts: number;
  max_attempts: number;
  /** Every attempt spent and none running: the queue keeps it, but no worker takes it again. */
  failed: boolean;
  last_error: string | null;
  locked_by: string | null;
  locked_at: string | null;
}

async function queueInstalled(store: Store): Promise<boolean> {
  if (!dialectOf(store).jobQueue) return false;
  const { rows } = await sql<{ present: string | null }>`SELECT to_regclass(${`${queueSchema(store)}.jobs`})::text AS present`.execute(store.db);
  return rows[0]?.present != null;
}

/** The jobs in the queue (waiting, running, or failed for good), running first, then failed, then by when they run; or only those of one connection's work of a kind. */
export async function queueJobs(store: Store, limit: number, of?: { kind: QueueTask; connectionId: number }): Promise<QueueJobRow[]> {
  if (!(await queueInstalled(store))) return [];
  const only = of ? sql`WHERE j.task_identifier = ${of.kind} AND (p.payload->>'connectionId')::int = ${of.connectionId}` : sql``;
  const { rows } = await sql<QueueJobRow & { run_at: Date | string; locked_at: Date | string | null }>`
    SELECT j.id::int AS id, j.task_identifier AS task, j.queue_name AS queue, j.key AS key, p.payload AS payload, j.run_at, j.attempts, j.max_attempts, (j.locked_at IS NULL AND j.attempts >= j.max_attempts) AS failed, j.last_error, j.locked_by, j.locked_at
    FROM ${sql.table(`${queueSchema(store)}.jobs`)} j JOIN ${sql.table(`${queueSchema(store)}._private_jobs`)} p ON p.id = j.id
    ${only}
    ORDER BY (j.locked_at IS NULL), (j.attempts < j.max_attempts), j.run_at
    LIMIT ${limit}`.execute(store.db);
  const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
  return rows.map((row) => ({ ...row, run_at: iso(row.run_at)!, locked_at: iso(row.locked_at) }));
}

/** Per task: jobs waiting, running, and failed for good. */
export async function queueDepth(store: Store): Promise<{ task: string; waiting: number; running: number; failed: number }[]> {
  if (!(await queueInstalled(store))) return [];
  const { rows } = await sql<{ task: string; waiting: string; running: string; failed: string }>`
    SELECT task_identifier AS task,
      count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts) AS waiting,
      count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
      count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts) AS failed
    FROM ${sql.table(`${queueSchema(store)}.jobs`)} GROUP BY task_identifier ORDER BY task_identifier`.execute(store.db);
  return rows.map((row) => ({ task: row.task, waiting: Number(row.waiting), running: Number(row.running), failed: Number(row.failed) }));
}

/** A worker process says it is alive, with the queue's ids of its workers. */
export async function workerAlive(store: Store, id: string, at: Date, queueWorkers: string[]): Promise<void> {
  const seen = at.toISOString();
  await store.db
    .insertInto('hw_workers')
    .values({ id, host: hostname(), pid: process.pid, started_at: seen, seen_at: seen, queue_workers: JSON.stringify(queueWorkers), stopped_at: null })
    // A worker taken for dead that speaks again (a long pause, a partition) is alive again.
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: seen, queue_workers: JSON.stringify(queueWorkers), stopped_at: null }))
    .execute();
}

export async function workerStopped(store: Store, id: string, at: Date): Promise<void> {
  await store.db.updateTable('hw_workers').set({ stopped_at: at.toISOString() }).where('id', '=', id).execute();
}

/** Workers that stopped saying they are alive before `before` without stopping cleanly: their jobs are for others. */
export async function deadWorkers(store: Store, before: Date): Promise<{ id: string; host: string; pid: number; queueWorkers: string[] }[]> {
  const rows = await store.db.selectFrom('hw_workers').selectAll().where('stopped_at', 'is', null).where('seen_at', '<', before.toISOString()).execute();
  return rows.map((row) => ({ id: row.id, host: row.host, pid: row.pid, queueWorkers: JSON.parse(row.queue_workers) as string[] }));
}

/** Marks dead workers as stopped once their jobs were handed on. */
export async function buryWorkers(store: Store, ids: string[], at: Date): Promise<void> {
  if (ids.length > 0) await store.db.updateTable('hw_workers').set({ stopped_at: at.toISOString() }).where('id', 'in', ids).execute();
}

/** Worker processes seen since `since`. */
export async function liveWorkers(store: Store, since: Date): Promise<{ id: string; host: string; pid: number; seen_at: string }[]> {
  return store.db
    .selectFrom('hw_workers')
    .select(['id', 'host', 'pid', 'seen_at'])
    .where('stopped_at', 'is', null)
    .where('seen_at', '>=', since.toISOString())
    .orderBy('id')
    .execute();
}
