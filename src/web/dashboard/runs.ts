import type { FastifyInstance } from 'fastify';
import type { SyncProgress } from '../../inventory/sync.js';
import { ConflictError, InputError } from '../../errors.js';
import { listConnections, requireConnection } from '../../service/connections.js';
import type { Herowatch } from '../../service/herowatch.js';
import { syncRuns } from '../../service/history.js';
import { EVERYTHING } from '../../service/scope.js';
import { syncConnection } from '../../service/sync.js';
import { describePlan } from '../../inventory/plan.js';
import { liveWorkerCount, queuedSync, queueSyncNow, queueView, schedulerJobs } from '../../service/jobs.js';
import { openJobQueue, type JobQueue } from '../../store/job-queue.js';
import { runsView } from '../../service/views.js';
import { field } from './form.js';
import { page } from './render.js';

/** What the live view of a sync shows: progress, notes, and the end. */
export type LiveEvent = { type: 'progress'; phase: string; done: number; total: number } | { type: 'note'; text: string } | { type: 'done'; text: string; ok: boolean };

/** Starts syncs for the dashboard's "sync now" and tells who watches how they go. */
export interface SyncRunner {
  /** Starts a sync of the connection (incremental unless `full`); a ConflictError when one of this runner's is under way. */
  start(connection: string, options?: { full?: boolean }): void;
  /** The events so far of the connection's current (or last) sync, then each new one; returns how to stop listening, or null when this runner has none. */
  watch(connection: string, listener: (event: LiveEvent) => void): (() => void) | null;
  /** Resolves once every sync started has ended (for a clean shutdown). */
  idle(): Promise<void>;
}

function describe(event: SyncProgress): LiveEvent | null {
  switch (event.type) {
    case 'progress':
      return { type: 'progress', phase: event.phase, done: event.done, total: event.total };
    case 'start':
      return { type: 'note', text: `Sync run ${event.runId} started.` };
    case 'gap':
      return { type: 'note', text: `Could not read ${event.resource}${event.parentKey ? ` of ${event.parentKey}` : ''}: ${event.reason ?? event.status}.` };
    case 'rate-limit-wait':
      return { type: 'note', text: `Waiting for the rate limit: ${event.remaining} requests left, keeping ${event.reserve}; resuming in ${Math.ceil(event.resumesInMs / 1000)} s.` };
    case 'plan':
      return { type: 'note', text: `Plan: ${describePlan(event.plan)}.` };
    case 'estimate':
      return { type: 'note', text: `Estimated ${event.requests} requests, about ${Math.max(1, Math.round(event.seconds))} s${event.apps !== null ? ` for ${event.apps} apps` : ''}.` };
    default:
      return null;
  }
}

/**
 * Syncs started from the dashboard run in the server's own process, one per
 * connection at a time; their events are kept (the last 200) so a page
 * opened late still shows the whole run. A sync started elsewhere (herowatch
 * run, the CLI) is seen through the database instead.
 */
export class InProcessSyncRunner implements SyncRunner {
  private readonly runs = new Map<string, { events: LiveEvent[]; listeners: Set<(event: LiveEvent) => void>; running: boolean; done: Promise<void> }>();

  constructor(private readonly hw: Herowatch) {}

  start(connection: string, options: { full?: boolean } = {}): void {
    if (this.runs.get(connection)?.running) throw new ConflictError(`A sync of ${connection} is already under way.`);
    const run = { events: [] as LiveEvent[], listeners: new Set<(event: LiveEvent) => void>(), running: true, done: Promise.resolve() };
    const tell = (event: LiveEvent): void => {
      if (event.type === 'progress' && run.events.at(-1)?.type === 'progress') run.events[run.events.length - 1] = event;
      else run.events.push(event);
      if (run.events.length > 200) run.events.splice(0, run.events.length - 200);
      for (const listener of run.listeners) listener(event);
    };
    this.runs.set(connection, run);
    run.done = syncConnection(this.hw, { connection, full: options.full, sync: { onProgress: (event) => { const live = describe(event); if (live) tell(live); } } })
      .then((result) => {
        const findings = result.compliance ? ` Checks: ${result.compliance.failed} failing, ${result.compliance.changes.length} findings changed.` : '';
        tell({ type: 'done', ok: result.status === 'complete', text: result.status === 'complete' ? `Sync ${result.runId} complete: ${result.requests} requests, ${result.items} records.${findings}` : `Sync ${result.runId} ${result.status}: ${result.error ?? 'see Runs'}` });
      })
      .catch((error: unknown) => tell({ type: 'done', ok: false, text: `The sync failed: ${error instanceof Error ? error.message : String(error)}` }))
      .finally(() => {
        run.running = false;
      });
  }

  watch(connection: string, listener: (event: LiveEvent) => void): (() => void) | null {
    const run = this.runs.get(connection);
    if (!run) return null;
    for (const event of run.events) listener(event);
    if (!run.running) return () => {};
    run.listeners.add(listener);
    return () => run.listeners.delete(listener);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }
}

const POLL_MS = 2000;

export async function registerRuns(web: FastifyInstance, hw: Herowatch, given?: SyncRunner): Promise<void> {
  const runner = given ?? new InProcessSyncRunner(hw);
  if (!given) web.addHook('onClose', async () => runner.idle());
  // On PostgreSQL with workers running, "sync now" goes to the queue: the server runs nothing itself.
  let queue: Promise<JobQueue> | null = null;
  const workersTake = async (): Promise<JobQueue | null> => {
    if (given || hw.store.dialect !== 'postgres' || (await liveWorkerCount(hw)) === 0) return null;
    queue ??= openJobQueue(hw.store).catch((error: unknown) => {
      queue = null;
      throw error;
    });
    return queue;
  };
  web.addHook('onClose', async () => {
    if (queue) await (await queue.catch(() => null))?.close();
  });

  web.get('/runs', { config: { access: 'viewer' } }, async (request, reply) => {
    const { runs } = await runsView(hw, EVERYTHING, { limit: 30 });
    const connections = (await listConnections(hw.store)).filter((c) => c.state === 'active').map((c) => c.name);
    // What the scheduler (or the workers) ran, failures with their reason; on PostgreSQL, the queue and its workers too.
    const jobs = await schedulerJobs(hw, 20);
    const queue = hw.store.dialect === 'postgres' ? await queueView(hw, 20) : null;
    return page(request, reply, 'runs', { title: 'Runs', runs, connections, jobs, queue });
  });

  web.post('/runs/sync', { config: { access: 'admin' } }, async (request, reply) => {
    const connection = field(request, 'connection');
    const record = await requireConnection(hw.store, connection);
    if (record.state === 'disabled') throw new InputError(`Connection "${connection}" is disconnected; reconnect it on its Integrations page first.`);
    const full = field(request, 'full') === 'on';
    const workers = await workersTake();
    if (workers) await queueSyncNow(hw, workers, connection, { full });
    else runner.start(connection, { full });
    return reply.redirect(`/runs/live?connection=${encodeURIComponent(connection)}`, 303);
  });

  web.get<{ Querystring: { connection?: string } }>('/runs/live', { config: { access: 'viewer' } }, async (request, reply) => {
    const connection = (await requireConnection(hw.store, request.query.connection ?? '')).name;
    return page(request, reply, 'run-live', { title: `Sync of ${connection}`, connection });
  });

  // Server-sent events: the live progress of the connection's sync.
  web.get<{ Querystring: { connection?: string } }>('/runs/events', { config: { access: 'viewer' } }, async (request, reply) => {
    const connection = (await requireConnection(hw.store, request.query.connection ?? '')).name;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const send = (event: LiveEvent): void => {
      raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      if (event.type === 'done') raw.end();
    };
    let stop: (() => void) | null = runner.watch(connection, send);
    if (stop) {
      request.raw.on('close', () => stop?.());
      return;
    }
    // Not a sync of this server's: follow it through the database, whoever runs it, waiting first for a worker to take a queued one.
    const [latest] = await syncRuns(hw, { connection, limit: 1 });
    let following = latest?.status === 'running' ? latest.id : null;
    const queued = following === null && hw.store.dialect === 'postgres' ? await queuedSync(hw, connection) : null;
    if (following === null && queued?.failed) return send(failedForGood(queued));
    if (following === null && !queued) return send({ type: 'done', ok: true, text: 'No sync of this connection is running.' });
    send({ type: 'note', text: following !== null ? `Sync run ${following} was started by another herowatch process; following it.` : 'The sync is queued: a worker takes it as soon as the account\'s rate-limit pool is free.' });
    let reported = queued?.last_error ?? null;
    const timer = setInterval(async () => {
      const [now] = await syncRuns(hw, { connection, limit: 1 }).catch(() => [undefined]);
      if (following === null) {
        if (now && now.id !== latest?.id) {
          following = now.id;
          send({ type: 'note', text: `Sync run ${now.id} started.` });
        } else {
          const waiting = await queuedSync(hw, connection).catch(() => null);
          if (waiting?.failed) {
            clearInterval(timer);
            return send(failedForGood(waiting));
          }
          if (waiting) {
            if (waiting.last_error && waiting.last_error !== reported) send({ type: 'note', text: `Attempt ${waiting.attempts} did not run: ${waiting.last_error}. It is tried again.` });
            reported = waiting.last_error;
            return raw.write(': queued\n\n');
          }
          clearInterval(timer);
          return send({ type: 'done', ok: true, text: 'The queued sync left the queue without a run of its own: a run that started after it was asked did the work. See Runs.' });
        }
      }
      if (now && now.id === following && now.status === 'running') return raw.write(`: still running\n\n`);
      clearInterval(timer);
      send({ type: 'done', ok: now?.status === 'complete', text: `Sync run ${following} ended: ${now?.id === following ? now.status : 'see Runs'}.` });
    }, POLL_MS);
    stop = () => clearInterval(timer);
    request.raw.on('close', () => stop?.());
  });
}

/** The end of a queued sync whose every attempt failed before a run of its own started. */
function failedForGood(job: { attempts: number; last_error: string | null }): LiveEvent {
  const why = job.last_error ? `: ${job.last_error}` : '';
  return { type: 'done', ok: false, text: `The queued sync failed after ${job.attempts} attempts${why}. The next scheduled sync tries again; "Sync now" asks for one at once.` };
}
