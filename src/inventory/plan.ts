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

export function planReads(input: PlanInput): ReadPlan {
  const reasons: Record<ReadReason, number> = { new: 0, release: 0, event: 0, overdue: 0, sweep: 0 };
  const reads = new Map<string, Set<string>>(input.resources.map((r) => [r.name, new Set<string>()]));
  const cost = new Map(input.resources.map((r) => [r.name, r.cost]));
  const byName = new Map(input.apps.map((a) => [a.name, a]));
  const overdueAge = input.maxStalenessMs - 2 * input.intervalMs;

  // Each list once, under the first reason that picks it.
  const chosen = new Map<string, ReadReason>();
  const candidates: Candidate[] = [];
  const key = (resource: string, app: string): string => `${resource}\u0000${app}`;
  const verifiedAt = (resource: string, app: string): number | undefined => input.verified.get(resource)?.get(app);
  const want = (resource: string, app: string, reason: ReadReason): void => {
    if (!cost.has(resource)) return;
    const k = key(resource, app);
    if (!chosen.has(k)) chosen.set(k, reason);
  };
  const stale = (resource: string, app: string, at: number): boolean => at > (verifiedAt(resource, app) ?? -Infinity) - SIGNAL_MARGIN_MS;

  for (const app of input.apps) {
    for (const { name } of input.resources) if (verifiedAt(name, app.id) === undefined) want(name, app.id, 'new');
    // A release newer than the last read of a list it changes, or a current release other than the one the inventory holds.
    const released = app.releasedAt ? Date.parse(app.releasedAt) : NaN;
    const moved = app.previousReleasedAt !== undefined && app.previousReleasedAt !== app.releasedAt;
    for (const name of RELEASE_READS) if (moved || (Number.isFinite(released) && stale(name, app.id, released))) want(name, app.id, 'release');
  }
  for (const event of input.events) {
    const app = byName.get(event.app);
    if (!app) continue;
    for (const name of EVENT_READS[event.type] ?? []) if (stale(name, app.id, event.at)) want(name, app.id, 'event');
  }
  for (const app of input.apps) {
    for (const { name } of input.resources) {
      const at = verifiedAt(name, app.id);
      if (at !== undefined && input.now - at >= overdueAge) want(name, app.id, 'overdue');
      candidates.push({ resource: name, app: app.id, cost: cost.get(name)!, verifiedAt: at ?? -Infinity });
    }
  }

  let requests = 0;
  let deferred = 0;
  // Signalled and overdue lists, new apps first, then the oldest: as many as the pool can spare.
  const order: ReadReason[] = ['new', 'release', 'event', 'overdue'];
  const mandatory = candidates.filter((c) => chosen.has(key(c.resource, c.app)));
  mandatory.sort(
    (a, b) => order.indexOf(chosen.get(key(a.resource, a.app))!) - order.indexOf(chosen.get(key(b.resource, b.app))!) || a.verifiedAt - b.verifiedAt,
  );
  for (const c of mandatory) {
    if (requests + c.cost > input.mandatoryBudget) {
      deferred++;
      continue;
    }
    requests += c.cost;
    reads.get(c.resource)!.add(c.app);
    reasons[chosen.get(key(c.resource, c.app))!]++;
  }

  // The sweep: the least recently verified, within the budget and the pace.
  const sweep = candidates.filter((c) => !chosen.has(key(c.resource, c.app))).sort((a, b) => a.verifiedAt - b.verifiedAt);
  let swept = 0;
  let sweepSpent = 0;
  for (const c of sweep) {
    if (swept >= input.sweepQuota || sweepSpent + c.cost > input.budget) break;
    sweepSpent += c.cost;
    swept++;
    reads.get(c.resource)!.add(c.app);
  }
  reasons.sweep = swept;
  return { reads, reasons, requests: requests + sweepSpent, deferred };
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
