import { describe, expect, it } from 'vitest';
import { cycleBudget, planReads, ReadPlanner, SWEEP_PACE, type PlanInput } from './plan.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const RESOURCES = ['config_vars', 'domains', 'sni_endpoints', 'collaborators', 'formations', 'log_drains', 'releases'].map((name) => ({
  name,
  cost: name === 'releases' ? 2 : 1,
}));

/** Apps a1..aN, every list verified `ageMs` ago, released long before. */
function input(apps: number, ageMs: number, extra: Partial<PlanInput> = {}): Omit<PlanInput, 'verified'> & { verified: Map<string, Map<string, number>> } {
  const list = Array.from({ length: apps }, (_, i) => ({ id: `a${i + 1}`, name: `app-${i + 1}`, releasedAt: new Date(NOW - 30 * DAY).toISOString() }));
  const verified = new Map(RESOURCES.map((r) => [r.name, new Map(list.map((a) => [a.id, NOW - ageMs]))]));
  return {
    now: NOW,
    apps: list,
    resources: RESOURCES,
    events: [],
    budget: 0,
    mandatoryBudget: 10_000,
    sweepQuota: 0,
    maxStalenessMs: 7 * DAY,
    intervalMs: HOUR,
    ...extra,
    verified,
  };
}

const read = (plan: ReturnType<typeof planReads>): string[] =>
  [...plan.reads].flatMap(([resource, apps]) => [...apps].map((app) => `${resource}:${app}`)).sort();

describe('planReads', () => {
  it('sweeps within the budget when the quota is not a number (a maximum staleness of 0)', () => {
    const plan = planReads(input(3, 2 * DAY, { budget: 5, sweepQuota: NaN }));
    expect(plan.reasons.sweep).toBe(5); // all of equal age: the first five lists, of one request each
    expect(plan.requests).toBeLessThanOrEqual(5);
  });

  it('plans the same fed a page of apps at a time, holding only the oldest lists the sweep can reach', () => {
    // A seeded world: ages, releases and events spread so that every reason and many equal ages occur.
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const base = input(3_000, 0, { budget: 700.5, sweepQuota: 450, mandatoryBudget: 7_000 });
    for (const app of base.apps) {
      if (random() < 0.3) app.releasedAt = new Date(NOW - Math.floor(random() * 3) * DAY).toISOString();
      if (random() < 0.1) (app as { previousReleasedAt?: string | null }).previousReleasedAt = null;
      for (const r of RESOURCES)
        if (random() < 0.02) base.verified.get(r.name)!.delete(app.id);
        else base.verified.get(r.name)!.set(app.id, NOW - Math.floor(random() * 16) * HOUR * 12);
    }
    base.events = base.apps.filter(() => random() < 0.05).map((a) => ({ app: a.name, type: random() < 0.5 ? 'domain' : 'log_drain', at: NOW - HOUR }));
    const whole = planReads(base);
    expect(whole.reasons.sweep).toBeGreaterThan(0);
    expect(whole.reasons).toEqual(expect.objectContaining({ new: expect.any(Number) }));
    expect(
      Object.entries(whole.reasons)
        .filter(([, n]) => n > 0)
        .map(([reason]) => reason),
    ).toEqual(['new', 'release', 'event', 'overdue', 'sweep']);
    expect(whole.deferred).toBeGreaterThan(0);
    const planner = new ReadPlanner(base);
    for (let i = 0; i < base.apps.length; i += 37) planner.add(base.apps.slice(i, i + 37), (resource, app) => base.verified.get(resource)?.get(app));
    const paged = planner.finish();
    expect(read(paged)).toEqual(read(whole));
    expect([paged.reasons, paged.requests, paged.deferred]).toEqual([whole.reasons, whole.requests, whole.deferred]);
  });

  it('reads nothing per app when nothing changed and the sweep has no budget', () => {
    const plan = planReads(input(3, HOUR));
    expect(read(plan)).toEqual([]);
    expect(plan.requests).toBe(0);
  });

  it('reads every list of an app never read, counting the slug under releases', () => {
    const base = input(2, HOUR);
    const plan = planReads({ ...base, apps: [...base.apps, { id: 'new', name: 'brand-new', releasedAt: null }] });
    expect(read(plan)).toEqual(RESOURCES.map((r) => `${r.name}:new`).sort());
    expect(plan.reasons.new).toBe(7);
    expect(plan.requests).toBe(8);
  });

  it('re-reads releases, config vars and formation after a release newer than the last read, and only those', () => {
    const base = input(2, 3 * HOUR);
    base.apps[1]!.releasedAt = new Date(NOW - HOUR).toISOString();
    const plan = planReads(base);
    expect(read(plan)).toEqual(['config_vars:a2', 'formations:a2', 'releases:a2']);
    expect(plan.reasons.release).toBe(3);
  });

  it('follows an audit event to the lists it touches, and ignores one older than the last read', () => {
    const plan = planReads(
      input(3, 3 * HOUR, {
        events: [
          { app: 'app-1', type: 'domain', at: NOW - HOUR },
          { app: 'app-2', type: 'collaborator', at: NOW - 5 * HOUR },
          { app: 'app-3', type: 'log_drain', at: NOW - 10 * 60_000 },
          { app: 'gone-app', type: 'domain', at: NOW - HOUR },
          { app: 'app-3', type: 'account', at: NOW - HOUR },
        ],
      }),
    );
    expect(read(plan)).toEqual(['domains:a1', 'log_drains:a3', 'sni_endpoints:a1']);
    expect(plan.reasons.event).toBe(3);
  });

  it('reads what is about to pass the maximum staleness, even without a sweep budget', () => {
    const base = input(2, HOUR);
    base.verified.get('domains')!.set('a2', NOW - 7 * DAY + HOUR);
    const plan = planReads(base);
    expect(read(plan)).toEqual(['domains:a2']);
    expect(plan.reasons.overdue).toBe(1);
  });

  it('leaves signalled reads for the next cycle when the pool cannot spare them', () => {
    const base = input(4, 3 * HOUR, { mandatoryBudget: 5 });
    for (const app of base.apps) app.releasedAt = new Date(NOW - HOUR).toISOString();
    const plan = planReads(base);
    // Each app's release costs 4 (releases with its slug, config vars, formation): one app fits, and one more list.
    expect(plan.requests).toBeLessThanOrEqual(5);
    expect(plan.deferred).toBeGreaterThan(0);
    expect(plan.reasons.release + plan.deferred).toBe(12);
  });

  it('sweeps the least recently verified first, within its quota and budget', () => {
    const base = input(3, 2 * DAY, { sweepQuota: 2, budget: 100 });
    base.verified.get('domains')!.set('a3', NOW - 5 * DAY);
    base.verified.get('collaborators')!.set('a1', NOW - 4 * DAY);
    let plan = planReads(base);
    expect(read(plan)).toEqual(['collaborators:a1', 'domains:a3']);
    expect(plan.reasons.sweep).toBe(2);
    plan = planReads({ ...base, sweepQuota: 100, budget: 1 });
    expect(read(plan)).toEqual(['domains:a3']);
  });
});

describe('cycleBudget', () => {
  const base = {
    now: NOW,
    lastRunAt: NOW - HOUR,
    share: 0.2,
    refillPerMinute: 75,
    poolSize: 4500,
    reserve: 450,
    available: 4500,
    spent: 0,
    lists: 70_000,
    maxStalenessMs: 7 * DAY,
  };

  it('accrues the share of the refill since the last run, less what the run spent on the lists', () => {
    expect(cycleBudget(base).budget).toBe(900);
    expect(cycleBudget({ ...base, spent: 100 }).budget).toBe(800);
    expect(cycleBudget({ ...base, lastRunAt: NOW - 2 * DAY }).budget).toBe(2250); // a day's share at most, then the pool's half
  });

  it('yields to other traffic: the sweep never takes the pool below half', () => {
    expect(cycleBudget({ ...base, available: 2500 }).budget).toBe(250);
    expect(cycleBudget({ ...base, available: 2000 }).budget).toBe(0);
    expect(cycleBudget({ ...base, available: 2000 }).mandatoryBudget).toBe(1550);
  });

  it('paces the sweep to go round every list within a share of the maximum staleness', () => {
    const quota = cycleBudget(base).sweepQuota;
    expect(quota).toBe(Math.round(70_000 / (SWEEP_PACE * 7 * 24)));
    expect(SWEEP_PACE).toBeLessThan(1);
  });
});
