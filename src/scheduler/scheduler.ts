import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import type { HerokuClientOptions } from '../heroku/client.js';
import { SyncAlreadyRunning } from '../inventory/sync.js';
import type { Logger } from '../log.js';
import { sendWebhook, webhookOrigin, type Delivery, type VulnerabilityNotice, type WebhookSettings } from '../notify/webhook.js';
import type { EvaluationSummary } from '../service/compliance.js';
import { listConnections } from '../service/connections.js';
import type { Herowatch } from '../service/herowatch.js';
import { syncAuditTrailOnly, syncConnection } from '../service/sync.js';
import type { Settings } from '../settings.js';
import { connectionIdsWithCredentials } from '../store/credentials.js';
import { countDataset } from '../store/datasets.js';
import { finishJob, recentRuns, startJob } from '../store/jobs.js';
import { recoverInterruptedRuns } from '../store/runs.js';
import type { JobKind } from '../store/schema.js';

export type SchedulerEvent =
  | { type: 'job-start'; connection: string; kind: JobKind; at: string }
  | { type: 'job-done'; connection: string; kind: JobKind; at: string; status: string; error: string | null; durationMs: number; findings: { opened: number; resolved: number } | null }
  | { type: 'notified'; connection: string; at: string; delivered: boolean; attempts: number; error: string | null }
  | { type: 'waiting'; at: string; until: string };

export interface SchedulerOptions {
  hw: Herowatch;
  schedule: Settings['schedule'];
  webhook?: WebhookSettings;
  /** Signs each notification (see webhookSecret). */
  webhookSecret?: string | null;
  log: Logger;
  onEvent?: (event: SchedulerEvent) => void;
  /** The clock and the wait, replaceable so tests run days in milliseconds. */
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Draws each jitter (default: a stable draw per connection, kind and last run, the same in every process). */
  random?: () => number;
  /** How long to wait at most before looking again for new connections and settings. */
  pollMs?: number;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl' | 'etagCache'>;
  webhookDelayMs?: number;
}

export interface Planned {
  connection: string;
  connectionId: number;
  kind: JobKind;
  due: number;
}

const FAILURE_RETRY_SHARE = 0.25;

/** A number in [0, 1) drawn from a key: the same key always draws the same, so `run --once` from cron sees due times that hold still. */
function stableDraw(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** What a `run` did: jobs run, and how many of them (or their notifications) failed. */
export interface RunSummary {
  jobs: number;
  failed: number;
  next: Planned | null;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Keeps every connection fresh: the inventory (with the connection test and
 * the checks) every `inventory_every`, the audit trail every `audit_every`,
 * each wait moved by up to `jitter` either way. Due times count from the last
 * run of the connection, whoever started it, so a restart catches up at once
 * on what fell due while it was down, and a manual sync counts. A failed run
 * is retried after a quarter of its interval. One job at a time: runs of a
 * connection never overlap (and a run another process holds is left alone).
 * Disconnected connections are not scheduled.
 */
export class Scheduler {
  private readonly now: () => Date;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: ((key: string) => number);
  /** The jitter drawn for each (connection, kind, last run), so a due time does not move between looks. */
  private readonly jitters = new Map<string, number>();

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? stableDraw;
  }

  /**
   * Runs until `signal` aborts (SIGTERM): the job in progress is interrupted
   * cleanly, its partial data discarded. With `once`, runs what is due and
   * returns.
   */
  async run(signal: AbortSignal, options: { once?: boolean } = {}): Promise<RunSummary> {
    let jobs = 0;
    let failed = 0;
    while (!signal.aborted) {
      const plan = await this.plan();
      const now = this.now().getTime();
      // An inventory run collects the audit trail too: when both are due, the inventory goes first and covers the other.
      const due = plan.filter((p) => p.due <= now).sort((a, b) => (a.kind === b.kind ? a.due - b.due : a.kind === 'inventory' ? -1 : 1));
      if (due.length > 0) {
        if (!(await this.runJob(due[0]!, signal))) failed++;
        jobs++;
        continue;
      }
      if (options.once) return { jobs, failed, next: plan.sort((a, b) => a.due - b.due)[0] ?? null };
      const next = Math.min(...plan.map((p) => p.due), now + (this.options.pollMs ?? 60_000));
      this.emit({ type: 'waiting', at: new Date(now).toISOString(), until: new Date(next).toISOString() });
      await this.sleep(Math.max(0, next - now), signal);
    }
    return { jobs, failed, next: null };
  }

  /** When each job of each connected account falls due. */
  async plan(): Promise<Planned[]> {
    const { hw, schedule } = this.options;
    const planned: Planned[] = [];
    const withCredentials = await connectionIdsWithCredentials(hw.store);
    for (const connection of await listConnections(hw.store)) {
      if (connection.state !== 'active' || !withCredentials.has(connection.id)) continue;
      // Runs left behind by a process that died are marked so; a live one elsewhere means: not now.
      if ((await recoverInterruptedRuns(hw.store, connection.id)).running) continue;
      const runs = await recentRuns(hw.store, connection.id);
      const lastInventory = runs.find((r) => r.kind === 'inventory');
      planned.push({ connection: connection.name, connectionId: connection.id, kind: 'inventory', due: this.dueAfter(connection.name, 'inventory', lastInventory, schedule.inventory_every) });
      // Every inventory run collects the audit trail: audit-only runs are for schedules where they fall between.
      if (connection.last_complete_run === null || schedule.audit_every >= schedule.inventory_every) continue;
      if ((await countDataset(hw.store, 'enterprise_accounts', { connection: connection.name })) === 0) continue;
      // An inventory run collects the audit trail too, so the last run of either kind counts.
      planned.push({ connection: connection.name, connectionId: connection.id, kind: 'audit', due: this.dueAfter(connection.name, 'audit', runs[0], schedule.audit_every) });
    }
    return planned;
  }

  private dueAfter(connection: string, kind: JobKind, last: { status: string; started_at: string } | undefined, interval: number): number {
    if (!last) return this.now().getTime();
    const key = `${connection}\u0000${kind}\u0000${last.started_at}`;
    let factor = this.jitters.get(key);
    if (factor === undefined) {
      factor = 1 + this.options.schedule.jitter * (2 * this.random(key) - 1);
      this.jitters.set(key, factor);
    }
    const wait = last.status === 'complete' ? interval : interval * FAILURE_RETRY_SHARE;
    return Date.parse(last.started_at) + wait * factor;
  }

  /** Runs one job and notifies its findings; false when the job or the notification failed. */
  private async runJob(job: Planned, signal: AbortSignal): Promise<boolean> {
    const { hw, log } = this.options;
    const started = this.now();
    const jobId = await startJob(hw.store, job.connectionId, job.kind, started);
    this.emit({ type: 'job-start', connection: job.connection, kind: job.kind, at: started.toISOString() });
    let status: string;
    let error: string | null;
    let compliance: EvaluationSummary | null = null;
    let vulnerabilities: VulnerabilityNotice[] = [];
    try {
      if (job.kind === 'inventory') {
        const result = await syncConnection(hw, { connection: job.connection, client: this.options.client, now: this.now(), sync: { signal, now: this.now, logger: log } });
        status = result.status;
        error = result.error;
        compliance = result.compliance;
        vulnerabilities = (result.vulnerabilities?.changes ?? []).map((c) => ({ event: c.event, app: c.app, ...c.vulnerability }));
      } else {
        const result = await syncAuditTrailOnly(hw, { connection: job.connection, client: this.options.client, now: this.now(), signal });
        status = result.status;
        error = result.error;
        compliance = result.compliance;
      }
    } catch (caught) {
      status = caught instanceof SyncAlreadyRunning ? 'skipped' : 'failed';
      error = (caught as Error).message;
      if (!(caught instanceof InputError) && !(caught instanceof SyncAlreadyRunning)) log.error({ connection: job.connection, kind: job.kind, error: error }, 'scheduled job failed');
    }
    const finished = this.now();
    await finishJob(hw.store, jobId, status === 'skipped' ? 'failed' : (status as 'complete' | 'failed' | 'interrupted'), finished, error);
    const findings = compliance ? { opened: compliance.changes.filter((c) => c.event !== 'resolved').length, resolved: compliance.changes.filter((c) => c.event === 'resolved').length } : null;
    this.emit({ type: 'job-done', connection: job.connection, kind: job.kind, at: finished.toISOString(), status, error, durationMs: finished.getTime() - started.getTime(), findings });
    const notified = compliance ? await this.notify(compliance, vulnerabilities) : true;
    return status === 'complete' && notified;
  }

  /** Sends the changes to the webhook; false when they could not be delivered. */
  private async notify(summary: EvaluationSummary, vulnerabilityChanges: VulnerabilityNotice[]): Promise<boolean> {
    const webhook = this.options.webhook;
    if (!webhook) return true;
    const changes = summary.changes.filter((c) => webhook.events.includes(c.event));
    const vulnerabilities = vulnerabilityChanges.filter((c) => webhook.events.includes(c.event));
    if (changes.length === 0 && vulnerabilities.length === 0) return true;
    const delivery: Delivery = await sendWebhook(webhook, { connection: summary.connection, evaluatedAt: summary.evaluatedAt, changes, vulnerabilities }, { secret: this.options.webhookSecret, baseDelayMs: this.options.webhookDelayMs });
    if (!delivery.delivered) this.options.log.warn({ connection: summary.connection, webhook: webhookOrigin(webhook.url), error: delivery.error, attempts: delivery.attempts }, 'notification not delivered');
    this.emit({ type: 'notified', connection: summary.connection, at: this.now().toISOString(), delivered: delivery.delivered, attempts: delivery.attempts, error: delivery.error });
    return delivery.delivered;
  }

  private emit(event: SchedulerEvent): void {
    this.options.onEvent?.(event);
  }
}
