import { createHash } from 'node:crypto';
import type { HerokuClientOptions } from '../heroku/client.js';
import type { Logger } from '../log.js';
import type { WebhookSettings } from '../notify/webhook.js';
import { schedulableConnections } from '../service/dispatch.js';
import type { Herowatch } from '../service/herowatch.js';
import { runJob, type JobKind, type SchedulerEvent } from '../service/job-run.js';
import type { Settings } from '../settings.js';
import { sleep } from '../time.js';

export type { SchedulerEvent } from '../service/job-run.js';

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
  random?: (key: string) => number;
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
  /** When the last run it counts from started (null: never): a complete run after it means the work is done. */
  after: string | null;
  /** The rate-limit pool it spends: the Heroku account (or the connection, before its account is known). */
  pool: string;
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
  private readonly random: (key: string) => number;
  /** The jitter drawn for each (connection, kind, last run), so a due time does not move between looks. */
  private readonly jitters = new Map<string, number>();

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? sleep;
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
    // Every inventory run collects the audit trail: audit-only runs are for schedules where they fall between.
    const auditBetween = schedule.audit_every < schedule.inventory_every;
    for (const { connection, runs, pool, enterprise } of await schedulableConnections(hw, { enterprise: auditBetween })) {
      const lastInventory = runs.find((r) => r.kind === 'inventory');
      planned.push({
        connection: connection.name,
        connectionId: connection.id,
        kind: 'inventory',
        due: this.dueAfter(connection.name, 'inventory', lastInventory, schedule.inventory_every),
        after: lastInventory?.started_at ?? null,
        pool,
      });
      if (!enterprise) continue;
      // An inventory run collects the audit trail too, so the last run of either kind counts.
      planned.push({
        connection: connection.name,
        connectionId: connection.id,
        kind: 'audit',
        due: this.dueAfter(connection.name, 'audit', runs[0], schedule.audit_every),
        after: runs[0]?.started_at ?? null,
        pool,
      });
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

  /** Runs one job; false when it or its notification failed. */
  private async runJob(job: Planned, signal: AbortSignal): Promise<boolean> {
    return (await runJob({ ...this.options, now: this.now, emit: (event) => this.emit(event) }, job, signal)).ok;
  }

  private emit(event: SchedulerEvent): void {
    this.options.onEvent?.(event);
  }
}
