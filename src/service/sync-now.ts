import { fork, type ChildProcess } from 'node:child_process';
import { ConflictError } from '../errors.js';
import { requireActive } from './policy.js';
import { describePlan } from '../inventory/plan.js';
import type { SyncProgress } from '../inventory/sync.js';
import { scriptBeside } from '../script-path.js';
import { openJobQueue, type JobQueue } from '../store/job-queue.js';
import { requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';
import { syncRuns } from './history.js';
import { jobQueueAvailable, liveWorkerCount, queuedSync, queueSyncNow } from './jobs.js';
import type { SyncChildJob, SyncChildMessage } from './sync-child.js';

/**
 * A sync asked for now (the dashboard's "sync now"), and how to follow it.
 * Where it runs is decided here, not by the door that asks: on PostgreSQL
 * with a live worker, in the job queue; otherwise in a process of its own
 * (sync-child.ts), never on the event loop of the server that asked. A sync
 * this server did not start (a worker's, the scheduler's, the CLI's) is
 * followed through the database.
 */

/** What the live view of a sync shows: progress, notes, and the end. */
export type LiveEvent =
  { type: 'progress'; phase: string; done: number; total: number } | { type: 'note'; text: string } | { type: 'done'; text: string; ok: boolean };

/** How often a sync followed through the database is looked at. */
const POLL_MS = 2000;
/** Events kept per sync, so that a view opened late shows the whole run (progress events replace each other). */
const KEPT_EVENTS = 200;

function describe(event: SyncProgress): LiveEvent | null {
  switch (event.type) {
    case 'progress':
      return { type: 'progress', phase: event.phase, done: event.done, total: event.total };
    case 'start':
      return { type: 'note', text: `Sync run ${event.runId} started.` };
    case 'gap':
      return { type: 'note', text: `Could not read ${event.resource}${event.parentKey ? ` of ${event.parentKey}` : ''}: ${event.reason ?? event.status}.` };
    case 'rate-limit-wait':
      return {
        type: 'note',
        text: `Waiting for the rate limit: ${event.remaining} requests left, keeping ${event.reserve}; resuming in ${Math.ceil(event.resumesInMs / 1000)} s.`,
      };
    case 'plan':
      return { type: 'note', text: `Plan: ${describePlan(event.plan)}.` };
    case 'estimate':
      return {
        type: 'note',
        text: `Estimated ${event.requests} requests, about ${Math.max(1, Math.round(event.seconds))} s${event.apps !== null ? ` for ${event.apps} apps` : ''}.`,
      };
    default:
      return null;
  }
}

interface ChildSync {
  child: ChildProcess;
  events: LiveEvent[];
  listeners: Set<(event: LiveEvent) => void>;
  running: boolean;
  done: Promise<void>;
}

export class SyncNow {
  private readonly children = new Map<string, ChildSync>();
  private queue: Promise<JobQueue> | null = null;

  constructor(private readonly hw: Herowatch) {}

  /** Starts a sync of the connection (incremental unless `full`): queued when a worker is alive, else in a process of its own. */
  async start(connection: string, options: { full?: boolean } = {}): Promise<'queued' | 'started'> {
    requireActive(await requireConnection(this.hw.store, connection));
    const queue = await this.workersTake();
    if (queue) {
      await queueSyncNow(this.hw, queue, connection, options);
      return 'queued';
    }
    this.startChild(connection, options.full === true);
    return 'started';
  }

  /**
   * Tells `listener` how the connection's sync goes, from its start when
   * this server started it, else by following its run (or its queued job)
   * in the database; `keepAlive` is called while nothing new happens.
   * Returns how to stop listening.
   */
  async follow(connection: string, listener: (event: LiveEvent) => void, keepAlive: (what: string) => void): Promise<() => void> {
    const own = this.children.get(connection);
    if (own) {
      for (const event of own.events) listener(event);
      if (!own.running) return () => {};
      own.listeners.add(listener);
      return () => own.listeners.delete(listener);
    }
    return this.followStored(connection, listener, keepAlive);
  }

  /** Interrupts the syncs this server started (each marks its run interrupted) and waits for them. */
  async close(): Promise<void> {
    for (const sync of this.children.values()) if (sync.running) sync.child.kill('SIGTERM');
    await Promise.all([...this.children.values()].map((s) => s.done));
    if (this.queue) await (await this.queue.catch(() => null))?.close();
  }

  private async workersTake(): Promise<JobQueue | null> {
    if (!jobQueueAvailable(this.hw) || (await liveWorkerCount(this.hw)) === 0) return null;
    this.queue ??= openJobQueue(this.hw.store).catch((error: unknown) => {
      this.queue = null;
      throw error;
    });
    return this.queue;
  }

  private startChild(connection: string, full: boolean): void {
    if (this.children.get(connection)?.running) throw new ConflictError('HW_SYNC_RUNNING', `A sync of ${connection} is already under way.`);
    const { entry, execArgv } = scriptBeside(import.meta.url, 'sync-child');
    const child = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const sync: ChildSync = { child, events: [], listeners: new Set(), running: true, done: Promise.resolve() };
    const tell = (event: LiveEvent): void => {
      if (event.type === 'progress' && sync.events.at(-1)?.type === 'progress') sync.events[sync.events.length - 1] = event;
      else sync.events.push(event);
      if (sync.events.length > KEPT_EVENTS) sync.events.splice(0, sync.events.length - KEPT_EVENTS);
      for (const listener of sync.listeners) listener(event);
    };
    sync.done = new Promise<void>((resolve) => {
      let ended = false;
      child.on('message', (message: SyncChildMessage) => {
        if ('progress' in message) {
          const live = describe(message.progress);
          if (live) tell(live);
        } else {
          ended = true;
          tell({ type: 'done', ...message.end });
        }
      });
      child.once('exit', (code, signal) => {
        if (!ended)
          tell({ type: 'done', ok: false, text: `The sync's process ended before it said how the sync went (${signal ?? `exit ${code}`}); see Runs.` });
        sync.running = false;
        resolve();
      });
    });
    this.children.set(connection, sync);
    child.send({ config: this.hw.config, connection, full } satisfies SyncChildJob);
  }

  /** A sync of another process, followed through the database, waiting first for a worker to take a queued one. */
  private async followStored(connection: string, send: (event: LiveEvent) => void, keepAlive: (what: string) => void): Promise<() => void> {
    const [latest] = await syncRuns(this.hw, { connection, limit: 1 });
    let following = latest?.status === 'running' ? latest.id : null;
    const queued = following === null && jobQueueAvailable(this.hw) ? await queuedSync(this.hw, connection) : null;
    if (following === null && queued?.failed) {
      send(failedForGood(queued));
      return () => {};
    }
    if (following === null && !queued) {
      send({ type: 'done', ok: true, text: 'No sync of this connection is running.' });
      return () => {};
    }
    send({
      type: 'note',
      text:
        following !== null
          ? `Sync run ${following} was started by another herowatch process; following it.`
          : "The sync is queued: a worker takes it as soon as the account's rate-limit pool is free.",
    });
    let reported = queued?.last_error ?? null;
    const timer = setInterval(async () => {
      const [now] = await syncRuns(this.hw, { connection, limit: 1 }).catch(() => [undefined]);
      if (following === null) {
        if (now && now.id !== latest?.id) {
          following = now.id;
          send({ type: 'note', text: `Sync run ${now.id} started.` });
        } else {
          const waiting = await queuedSync(this.hw, connection).catch(() => null);
          if (waiting?.failed) {
            clearInterval(timer);
            return send(failedForGood(waiting));
          }
          if (waiting) {
            if (waiting.last_error && waiting.last_error !== reported)
              send({ type: 'note', text: `Attempt ${waiting.attempts} did not run: ${waiting.last_error}. It is tried again.` });
            reported = waiting.last_error;
            return keepAlive('queued');
          }
          clearInterval(timer);
          return send({
            type: 'done',
            ok: true,
            text: 'The queued sync left the queue without a run of its own: a run that started after it was asked did the work. See Runs.',
          });
        }
      }
      if (now && now.id === following && now.status === 'running') return keepAlive('still running');
      clearInterval(timer);
      send({ type: 'done', ok: now?.status === 'complete', text: `Sync run ${following} ended: ${now?.id === following ? now.status : 'see Runs'}.` });
    }, POLL_MS);
    return () => clearInterval(timer);
  }
}

/** The end of a queued sync whose every attempt failed before a run of its own started. */
function failedForGood(job: { attempts: number; last_error: string | null }): LiveEvent {
  const why = job.last_error ? `: ${job.last_error}` : '';
  return {
    type: 'done',
    ok: false,
    text: `The queued sync failed after ${job.attempts} attempts${why}. The next scheduled sync tries again; "Sync now" asks for one at once.`,
  };
}
