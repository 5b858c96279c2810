/**
 * Freshness within a rate-limit budget: a simulation. A generated account
 * lives on the emulator's clock (a share of its apps change every day, each
 * change with its audit trail event where an enterprise keeps one) while a
 * simulated team spends the same account's pool in bursts. herowatch runs on
 * its schedule (`herowatch run`'s scheduler) with its default settings; the
 * clock moves when herowatch would wait, so a week passes in minutes.
 *
 * Printed: what herowatch spent (tokens per app per day, share of the pool,
 * against the full sync measured at the end), the team's 429s, how long each
 * change took to reach the inventory, how stale each resource's lists got,
 * and what a full sync at the end found that the incremental inventory did
 * not have. Asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { generateScenario, startEmulator, CHANGE_TOUCHES, RELEASE_KINDS, type AppliedChange } from '../src/emulator/index.js';
import { silentLogger } from '../src/log.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { connect } from '../src/service/connect.js';
import { changesBetween } from '../src/service/history.js';
import { openHerowatch } from '../src/service/herowatch.js';
import { syncConnection } from '../src/service/sync.js';
import { percentile, STALENESS_SHARES, summarizeStaleness } from '../src/inventory/staleness.js';
import { verifiedSpread } from '../src/store/verified.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const POOL_PER_HOUR = 4500;

export interface FreshnessBenchOptions {
  apps: number;
  days: number;
  /** Share of apps changing per day. */
  changesPerDay: number;
  /** Requests the simulated team spends per hour, in bursts. */
  teamPerHour: number;
  /** Whether the account has an enterprise audit trail herowatch can read. */
  auditTrail: boolean;
}

const hours = (ms: number): string => `${(ms / HOUR).toFixed(1)} h`;

/** The list a change is read back through: its first touched resource, under the app (or the team, for members). */
function listOf(change: AppliedChange, teamIds: Map<string, string>): { resource: string; parentKey: string } | null {
  if (change.kind === 'member_add' || change.kind === 'member_remove')
    return change.team ? { resource: 'team_members', parentKey: teamIds.get(change.team) ?? '' } : null;
  return change.app ? { resource: CHANGE_TOUCHES[change.kind][0]!, parentKey: change.app.id } : null;
}

export async function benchFreshness(options: FreshnessBenchOptions): Promise<Record<string, string | number>> {
  const start = Date.parse('2026-11-02T00:00:00Z');
  const generated = generateScenario({ seed: 13, apps: options.apps, enterprises: options.auditTrail ? 1 : 0, days: 2, now: new Date(start).toISOString() });
  const auditor = generated.planted.auditor as string;
  const simulationStart = start + DAY; // a day to onboard: the first full sync
  const end = simulationStart + options.days * DAY;
  const emulator = await startEmulator({
    scenario: generated.scenario,
    living: {
      timeScale: 0,
      rates: { appsPerDay: options.changesPerDay, seed: 29, from: simulationStart, until: end },
      clients: [{ name: 'team', account: auditor, requestsPerHour: options.teamPerHour, from: simulationStart, until: end }],
    },
  });
  const living = emulator.living!;
  const clock = {
    now: () => living.clock.now(),
    /** Moves the clock to `at` (never back); concurrent waits for the same time move it once. */
    to: async (at: number) => {
      living.clock.advance({ to: at });
      await fetch(`${emulator.url}/__emulator/clock`); // the world catches up
    },
  };
  const home = await mkdtemp(join(tmpdir(), 'herowatch-bench-freshness-'));
  const hw = await openHerowatch(loadConfig({ HEROWATCH_HOME: home }, { apiUrl: emulator.url }));
  // herowatch's throttle waits on the simulated clock.
  const client = { rateLimit: { now: clock.now, sleep: async (ms: number) => clock.to(clock.now() + ms) } };
  try {
    await connect(hw, { name: 'sim', token: generated.tokens.global, apiUrl: emulator.url, client });
    const onboarding = await syncConnection(hw, {
      connection: 'sim',
      client,
      full: true,
      now: new Date(clock.now()),
      sync: { now: () => new Date(clock.now()), auditBackfillDays: 2 },
    });
    if (onboarding.status !== 'complete') throw new Error(`onboarding sync ${onboarding.status}: ${onboarding.error}`);
    const apps =
      onboarding.items > 0
        ? Number(
            (
              await hw.store.db
                .selectFrom('hw_verified')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('resource', '=', 'releases')
                .executeTakeFirst()
            )?.n ?? 0,
          )
        : 0;
    await clock.to(simulationStart);
    emulator.clearRequests();
    const spentBefore = emulator.requestTotals().requests;

    // The week, on herowatch's schedule.
    const controller = new AbortController();
    const teamIds = new Map([...emulator.world().teams.values()].map((t) => [t.name, t.id]));
    const pending: { change: AppliedChange; list: { resource: string; parentKey: string } }[] = [];
    const latencies = new Map<string, number[]>([
      ['audited', []],
      ['release', []],
      ['other', []],
    ]);
    let seen = 0;
    const worstAge = new Map<string, number>();
    let cycles = 0;
    const cycleRequests: number[] = [];
    let lastTotal = spentBefore;
    /** After each cycle: which pending changes the inventory now has, and the oldest list of each resource. */
    const observe = async (): Promise<void> => {
      for (const change of living.applied.filter((c) => c.seq > seen)) {
        const list = listOf(change, teamIds);
        if (list) pending.push({ change, list });
      }
      seen = living.applied.at(-1)?.seq ?? seen;
      const parents = [...new Set(pending.map((p) => p.list.parentKey))];
      const at = new Map<string, number>();
      for (let i = 0; i < parents.length; i += 500) {
        const rows = await hw.store.db
          .selectFrom('hw_verified')
          .select(['resource', 'parent_key', 'verified_at'])
          .where('parent_key', 'in', parents.slice(i, i + 500))
          .execute();
        for (const v of rows) at.set(`${v.resource}\u0000${v.parent_key}`, Date.parse(v.verified_at));
      }
      for (let i = pending.length - 1; i >= 0; i--) {
        const { change, list } = pending[i]!;
        const read = at.get(`${list.resource}\u0000${list.parentKey}`);
        if (read === undefined || read < Date.parse(change.at)) continue;
        const kind = change.audited ? 'audited' : RELEASE_KINDS.includes(change.kind) ? 'release' : 'other';
        latencies.get(kind)!.push(read - Date.parse(change.at));
        pending.splice(i, 1);
      }
      const now = clock.now();
      const oldest = await hw.store.db
        .selectFrom('hw_verified')
        .select((eb) => ['resource', eb.fn.min<string>('verified_at').as('oldest')])
        .groupBy('resource')
        .execute();
      for (const o of oldest) worstAge.set(o.resource, Math.max(worstAge.get(o.resource) ?? 0, now - Date.parse(o.oldest)));
    };
    const scheduler = new Scheduler({
      hw,
      schedule: hw.config.settings.schedule,
      log: silentLogger,
      now: () => new Date(clock.now()),
      sleep: async (ms) => {
        // The scheduler waits between cycles: the moment to see what the last one brought in.
        await observe();
        const target = Math.min(clock.now() + ms, end);
        await clock.to(target);
        if (target >= end) controller.abort();
      },
      client,
      onEvent: (event) => {
        if (event.type !== 'job-done') return;
        cycles++;
        const total = emulator.requestTotals().requests;
        cycleRequests.push(total - lastTotal);
        lastTotal = total;
        // A line a simulated day on standard error, so a long run shows where it is.
        if (cycles % 24 === 0) {
          const days = (clock.now() - simulationStart) / DAY;
          const audited = latencies.get('audited')!;
          process.stderr.write(
            `freshness: day ${days.toFixed(1)}, ${cycles} cycles, ${Math.round((total - spentBefore) / days)} requests a day, ${living.applied.length} changes, team 429s ${living.clientStats()[0]?.refused ?? 0}, audited latency max ${hours(Math.max(0, ...audited))}, ${Math.round((performance.now() - wall) / 1000)} s\n`,
          );
        }
      },
    });
    const wall = performance.now();
    await scheduler.run(controller.signal);
    await observe();
    const weekMs = performance.now() - wall;
    const spent = emulator.requestTotals().requests - spentBefore;
    const team = living.clientStats()[0]!;
    const stillPending = pending.length;

    // Staleness now, per resource.
    const now = clock.now();
    const before = new Date(now - hw.config.settings.sync.max_staleness).toISOString();
    const staleness = new Map(summarizeStaleness(await verifiedSpread(hw.store, 1, STALENESS_SHARES, before), now).map((s) => [s.resource, s]));

    // A full sync at the end, in a world that has stopped changing: what the incremental inventory lacked.
    const lastRun = (await hw.store.db.selectFrom('hw_connections').select('last_complete_run').executeTakeFirstOrThrow()).last_complete_run!;
    const beforeFull = emulator.requestTotals().requests;
    const full = await syncConnection(hw, {
      connection: 'sim',
      client,
      full: true,
      evaluate: false,
      test: false,
      now: new Date(clock.now()),
      sync: { now: () => new Date(clock.now()) },
    });
    const fullRequests = emulator.requestTotals().requests - beforeFull;
    // Per-app lists are what an incremental run may not have read; account-wide ones are read every cycle, so a difference there is a change since the last.
    const perAppResources = new Set(['config_vars', 'domains', 'sni_endpoints', 'collaborators', 'formations', 'log_drains', 'releases', 'slugs']);
    const allDrift = (await changesBetween(hw.store, 1, lastRun, full.runId)).changes.filter((c) => c.resource !== 'rate_limits');
    const drift = allDrift.filter((c) => perAppResources.has(c.resource));
    const sinceLastCycle = allDrift.length - drift.length;
    const driftByResource = new Map<string, number>();
    for (const d of drift) driftByResource.set(d.resource, (driftByResource.get(d.resource) ?? 0) + 1);
    // Each difference is a change no signal named that the sweep had not reached yet: its age is how long it waited.
    const appIds = new Map([...emulator.world().apps.values()].map((a) => [a.name, a.id]));
    const driftAges = drift.map((d) => {
      const appName = d.label.includes(': ') ? d.label.split(': ')[0] : null;
      const appId = appName ? appIds.get(appName) : undefined;
      const last = living.applied.filter((c) => c.app?.id === appId && CHANGE_TOUCHES[c.kind].includes(d.resource)).at(-1);
      return last ? now - Date.parse(last.at) : null;
    });

    const perResource = (name: string): string => {
      const s = staleness.get(name);
      return `p50 ${hours(s?.p50Ms ?? 0)}, p95 ${hours(s?.p95Ms ?? 0)}, max ${hours(s?.maxMs ?? 0)} (worst seen ${hours(worstAge.get(name) ?? 0)})`;
    };
    const latency = (kind: string): string => {
      const list = [...latencies.get(kind)!].sort((a, b) => a - b);
      return list.length === 0
        ? 'none'
        : `${list.length} changes: p50 ${hours(percentile(list, 0.5))}, p95 ${hours(percentile(list, 0.95))}, max ${hours(list.at(-1)!)}`;
    };
    const perDay = spent / options.days;
    const figures: Record<string, string | number> = {
      world: `${options.apps} apps (${apps} visible), ${options.auditTrail ? 'enterprise audit trail' : 'no audit trail'}, ${options.days} simulated days, ${Math.round(options.changesPerDay * 100)}% of apps changing a day, team ${options.teamPerHour} req/h`,
      'changes applied': `${living.applied.length} (${living.skipped} drawn but not applicable)`,
      'herowatch cycles': cycles,
      'herowatch requests a day': Math.round(perDay),
      'share of the pool': `${((perDay / (POOL_PER_HOUR * 24)) * 100).toFixed(1)}% (budget 20%)`,
      'busiest cycle (requests)': Math.max(0, ...cycleRequests),
      'tokens per app per day': (perDay / Math.max(1, apps)).toFixed(2),
      'full sync (requests, per app)': `${fullRequests} (${(fullRequests / Math.max(1, apps)).toFixed(2)}/app: a daily full sync would spend this per app per day)`,
      'team requests / 429s': `${team.requests} / ${team.refused} (pool low point ${team.lowest})`,
      'latency, audited changes': latency('audited'),
      'latency, release changes (not audited)': latency('release'),
      'latency, other changes (not audited)': latency('other'),
      'changes not yet in the inventory': stillPending,
      ...Object.fromEntries(
        ['apps', 'releases', 'config_vars', 'domains', 'sni_endpoints', 'collaborators', 'formations', 'log_drains', 'team_members'].map((r) => [
          `staleness ${r}`,
          perResource(r),
        ]),
      ),
      'full sync found, per-app lists': drift.length === 0 ? 'nothing missed' : [...driftByResource].map(([r, n]) => `${r} ${n}`).join(', '),
      'oldest change among them': drift.length === 0 ? 'none' : hours(Math.max(0, ...driftAges.filter((a): a is number => a !== null))),
      'account-wide lists changed since the last cycle': sinceLastCycle,
      'simulated week took (wall)': `${(weekMs / 1000).toFixed(0)} s`,
    };
    return figures;
  } finally {
    await hw.close();
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  }
}
