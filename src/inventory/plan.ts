/**
 * The incremental sync's planner: which per-app lists to read this cycle,
 * within a request budget. Pure: it sees the apps just listed, when each of
 * their lists was last verified, and the audit trail events naming apps; it
 * returns what to read and why.
 *
 * Priorities, in order: lists never read (a new app), lists a change signal
 * says are stale (a release newer than the app's releases list; an audit
 * event newer than the list it touches), lists about to pass the maximum
 * staleness, then a rolling sweep of the least recently verified, paced to
 * go round every list well within the maximum staleness. The first three
 * are read whatever the budget allows the sweep, up to what the account's
 * pool can spare; the sweep only within the budget.
 */

export type ReadReason = 'new' | 'release' | 'event' | 'overdue' | 'sweep';

/** Clock difference tolerated between Heroku's timestamps and the time a list was read. */
export const SIGNAL_MARGIN_MS = 2 * 60_000;

/** What a release re-reads: its list (and the current slug under it), the config var names, the formation (a deploy may add process types). */
export const RELEASE_READS = ['releases', 'config_vars', 'formations'] as const;

/**
 * Per-app lists an audit trail event stands for, by event type: Heroku's
 * types and the spellings seen for the same resources. Types about people
 * and teams (team_member, enterprise_account_member) touch account-wide
 * lists, which every cycle reads anyway.
 */
export const EVENT_READS: Readonly<Record<string, readonly string[]>> = {
  app: ['collaborators'],
  collaborator: ['collaborators'],
  addon: ['config_vars', 'releases'],
  addon_attachment: ['config_vars', 'releases'],
  config_var: ['config_vars', 'releases'],
  domain: ['domains', 'sni_endpoints'],
  sni_endpoint: ['sni_endpoints', 'domains'],
  ssl_endpoint: ['sni_endpoints', 'domains'],
  certificate: ['sni_endpoints', 'domains'],
  formation: ['formations'],
  dyno: ['formations'],
  log_drain: ['log_drains'],
  drain: ['log_drains'],
  release: ['releases', 'config_vars', 'formations'],
  build: ['releases', 'config_vars', 'formations'],
  deploy: ['releases', 'config_vars', 'formations'],
};

export interface PlannedApp {
  id: string;
  name: string;
  /** When the current release was made, as the apps list says. */
  releasedAt: string | null;
  /** What the inventory held for it before this run (undefined: the app was not in it). */
  previousReleasedAt?: string | null;
}

export interface PlanInput {
  now: number;
  apps: PlannedApp[];
  /** The per-app lists and what reading one costs in requests (releases: the list and the current slug). */
  resources: { name: string; cost: number }[];
  /** resource -> app id -> when that list was last verified (epoch ms). */
  verified: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Audit trail events naming an app, by app name. */
  events: { app: string; type: string; at: number }[];
  /** Requests the sweep may spend this cycle. */
  budget: number;
  /** Requests the signalled and overdue reads may spend (what the pool can spare above its reserve). */
  mandatoryBudget: number;
  /** Lists the sweep should verify this cycle to go round within the staleness target. */
  sweepQuota: number;
  maxStalenessMs: number;
  /** How long until the next cycle, expected: a list that would pass the maximum staleness before then is overdue now. */
  intervalMs: number;
}

export interface ReadPlan {
  /** resource -> app ids to read. */
  reads: Map<string, Set<string>>;
  /** Lists chosen, by reason. */
  reasons: Record<ReadReason, number>;
  /** Requests the chosen reads should cost. */
  requests: number;
  /** Signalled or overdue lists left for a later cycle: the pool could not spare them. */
  deferred: number;
}

interface Candidate {
  resource: string;
  app: string;
  cost: number;
  verifiedAt: number;
}

/** When a list was last verified (epoch ms; undefined: never). */
export type VerifiedAt = (resource: string, app: string) => number | undefined;

/** The order in which signalled lists take the pool's spare requests. */
const MANDATORY_ORDER: ReadReason[] = ['new', 'release', 'event', 'overdue'];

/**
 * The planner, fed the apps a page at a time (`add`), so that what it
 * holds is the lists it chose and the sweep's oldest candidates, never a
 * record of every list of the account: `finish` says what to read.
 */
export class ReadPlanner {
  private readonly cost: Map<string, number>;
  private readonly eventsByApp = new Map<string, { type: string; at: number }[]>();
  private readonly overdueAge: number;
  /** Lists a signal (or their age) says to read, with why. */
  private readonly mandatory: (Candidate & { reason: ReadReason })[] = [];
  /** The least recently verified of the other lists: at most `sweepRoom` once trimmed, oldest first. */
  private sweep: Candidate[] = [];
  private readonly sweepRoom: number;

  constructor(private readonly input: Omit<PlanInput, 'apps' | 'verified'>) {
    this.cost = new Map(input.resources.map((r) => [r.name, r.cost]));
    this.overdueAge = input.maxStalenessMs - 2 * input.intervalMs;
    for (const event of input.events) (this.eventsByApp.get(event.app) ?? this.eventsByApp.set(event.app, []).get(event.app)!).push(event);
    // Every list costs a request or more: no more than the budget's worth can be swept, nor more than the quota.
    // A quota or budget that is not a number (a maximum staleness of 0 makes the quota 0/0) bounds nothing, as in the comparisons below.
    const bound = (n: number): number => (Number.isNaN(n) ? Infinity : n);
    this.sweepRoom = Math.max(0, Math.min(bound(Math.ceil(input.sweepQuota)), bound(Math.floor(input.budget))));
  }

  /** A page of the apps just listed, with when their lists were last verified. */
  add(apps: readonly PlannedApp[], verifiedAt: VerifiedAt): void {
    for (const app of apps) {
      // A release newer than the last read of a list it changes, or a current release other than the one the inventory holds.
      const signals = {
        released: app.releasedAt ? Date.parse(app.releasedAt) : NaN,
        moved: app.previousReleasedAt !== undefined && app.previousReleasedAt !== app.releasedAt,
        events: this.eventsByApp.get(app.name) ?? [],
      };
      for (const { name, cost } of this.input.resources) {
        const at = verifiedAt(name, app.id);
        const reason = this.reasonFor(name, at, signals);
        const candidate = { resource: name, app: app.id, cost, verifiedAt: at ?? -Infinity };
        if (reason) this.mandatory.push({ ...candidate, reason });
        else this.sweep.push(candidate);
      }
      if (this.sweep.length > 2 * this.sweepRoom + 1024) this.trimSweep();
    }
  }

  /** Why a list must be read now (the first reason that picks it), or null: it waits for the sweep. */
  private reasonFor(
    name: string,
    at: number | undefined,
    app: { released: number; moved: boolean; events: { type: string; at: number }[] },
  ): ReadReason | null {
    if (at === undefined) return 'new';
    const newer = (signalAt: number): boolean => signalAt > at - SIGNAL_MARGIN_MS;
    if ((RELEASE_READS as readonly string[]).includes(name) && (app.moved || (Number.isFinite(app.released) && newer(app.released)))) return 'release';
    if (app.events.some((e) => (EVENT_READS[e.type] ?? []).includes(name) && newer(e.at))) return 'event';
    if (this.input.now - at >= this.overdueAge) return 'overdue';
    return null;
  }

  /** What to read: the signalled and overdue lists, new apps first, then the oldest, as many as the pool can spare; then the sweep. */
  finish(): ReadPlan {
    const reasons: Record<ReadReason, number> = { new: 0, release: 0, event: 0, overdue: 0, sweep: 0 };
    const reads = new Map<string, Set<string>>(this.input.resources.map((r) => [r.name, new Set<string>()]));
    let requests = 0;
    let deferred = 0;
    this.mandatory.sort((a, b) => MANDATORY_ORDER.indexOf(a.reason) - MANDATORY_ORDER.indexOf(b.reason) || a.verifiedAt - b.verifiedAt);
    for (const c of this.mandatory) {
      if (requests + c.cost > this.input.mandatoryBudget) {
        deferred++;
        continue;
      }
      requests += c.cost;
      reads.get(c.resource)!.add(c.app);
      reasons[c.reason]++;
    }
    // The sweep: the least recently verified, within the budget and the pace.
    this.trimSweep();
    let sweepSpent = 0;
    for (const c of this.sweep) {
      if (reasons.sweep >= this.input.sweepQuota || sweepSpent + c.cost > this.input.budget) break;
      sweepSpent += c.cost;
      reasons.sweep++;
      reads.get(c.resource)!.add(c.app);
    }
    return { reads, reasons, requests: requests + sweepSpent, deferred };
  }

  /** Keeps the sweep's oldest candidates (a stable sort: of equal age, the first listed first). */
  private trimSweep(): void {
    this.sweep.sort((a, b) => a.verifiedAt - b.verifiedAt);
    this.sweep.length = Math.min(this.sweep.length, this.sweepRoom);
  }
}

/** The plan for apps listed at once (what the planner does a page at a time). */
export function planReads(input: PlanInput): ReadPlan {
  const planner = new ReadPlanner(input);
  planner.add(input.apps, (resource, app) => input.verified.get(resource)?.get(app));
  return planner.finish();
}

export interface BudgetInput {
  now: number;
  /** When the connection's previous run started (null: none). */
  lastRunAt: number | null;
  /** Share of the account's hourly refill herowatch may spend on average (0.2). */
  share: number;
  refillPerMinute: number;
  poolSize: number;
  reserve: number;
  /** What the pool holds now, as the last answer said (null: not known). */
  available: number | null;
  /** Requests this run has spent already (the account-wide lists and the audit trail). */
  spent: number;
  /** Per-app lists in the account, and the maximum staleness. */
  lists: number;
  maxStalenessMs: number;
}

/** The sweep goes round every list within this share of the maximum staleness, so that none reaches it between cycles. */
export const SWEEP_PACE = 0.85;

/** Above this share of the pool left, herowatch's sweep yields: the rest is for the people and deploys spending it. */
export const YIELD_FLOOR = 0.5;

/**
 * The cycle's budget: the share of the refill accrued since the last run
 * (at most a day's), less what this run has spent; the sweep's pace; and
 * what the pool can spare. Other traffic seen in `RateLimit-Remaining`
 * shrinks the sweep first: it never takes the pool below half.
 */
export function cycleBudget(input: BudgetInput): { budget: number; mandatoryBudget: number; sweepQuota: number; elapsedMs: number } {
  const elapsedMs = input.lastRunAt === null ? input.maxStalenessMs : Math.min(Math.max(0, input.now - input.lastRunAt), 86_400_000);
  const accrued = input.share * input.refillPerMinute * (elapsedMs / 60_000);
  const available = input.available ?? input.poolSize;
  const spare = Math.max(0, Math.floor(available - input.reserve));
  const yielding = Math.max(0, Math.floor(available - input.poolSize * YIELD_FLOOR));
  const budget = Math.max(0, Math.min(Math.floor(accrued - input.spent), yielding));
  const sweepQuota = Math.round((input.lists * Math.min(elapsedMs, input.maxStalenessMs)) / (SWEEP_PACE * input.maxStalenessMs));
  return { budget, mandatoryBudget: spare, sweepQuota, elapsedMs };
}

/** An incremental run's choice, in a sentence: lists read by reason, and what was left for later. */
export function describePlan(plan: Omit<ReadPlan, 'reads'> & { lists: number }): string {
  const r = plan.reasons;
  const why = (
    [
      [r.new, 'new'],
      [r.release, 'after a release'],
      [r.event, 'after an audit event'],
      [r.overdue, 'overdue'],
      [r.sweep, 'sweep'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`);
  const deferred = plan.deferred > 0 ? `; ${plan.deferred} left for the next cycle (the pool could not spare them)` : '';
  return `read ${plan.lists} per-app list${plan.lists === 1 ? '' : 's'}${why.length > 0 ? ` (${why.join(', ')})` : ''}${deferred}; the rest stand as last verified`;
}
