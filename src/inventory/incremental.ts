import { appEventsSince } from '../store/audit-events.js';
import type { Store } from '../store/database.js';
import { previousInventoryRunStart } from '../store/runs.js';
import { verifiedTimes } from '../store/verified.js';
import { readDataset } from '../store/datasets.js';
import type { ResourceDefinition } from '../datasets/resource.js';
import { cycleBudget, planReads, SIGNAL_MARGIN_MS, type ReadPlan } from './plan.js';
import type { PlanContext } from './sync.js';

/** How an incremental sync spends: its share of the account's pool, the staleness it keeps every list within, and the time between cycles. */
export interface IncrementalSettings {
  budgetShare: number;
  maxStalenessMs: number;
  intervalMs: number;
}

/**
 * The plan callback of an incremental sync: it gathers what the planner
 * reads (the apps just listed, when each of their lists was verified, the
 * audit trail events naming apps, the budget accrued since the last run and
 * what the pool holds) and returns the planner's choice.
 */
export function incrementalPlanner(
  store: Store,
  connection: { id: number; name: string },
  resources: ResourceDefinition[],
  settings: IncrementalSettings,
  now: () => Date,
): (context: PlanContext) => Promise<ReadPlan> {
  const perApp = resources.filter((r) => r.parent === 'apps');
  const grandchildren = new Set(resources.filter((r) => r.parent && r.parent !== 'apps').map((r) => r.parent!));
  // A list read under an app costs one request, and one more for each resource read under its items (a release's slug).
  const costs = perApp.map((r) => ({ name: r.name, cost: 1 + (grandchildren.has(r.name) ? 1 : 0) }));
  const connectionId = connection.id;
  return async (context) => {
    const at = now().getTime();
    const held = new Map(
      (await readDataset(store, 'apps', { connection: connection.name, columns: ['id', 'released_at'], orderBy: [] })).rows.map((r) => [
        String(r.id),
        r.released_at === null ? null : String(r.released_at),
      ]),
    );
    const apps = (context.fetched.get('apps') ?? []).map((a) => ({
      id: a.key,
      name: String(a.item.name),
      releasedAt: typeof a.item.released_at === 'string' ? a.item.released_at : null,
      previousReleasedAt: held.has(a.key) ? held.get(a.key)! : undefined,
    }));
    const verified = await verifiedTimes(
      store,
      connectionId,
      perApp.map((r) => r.name),
    );
    const since = new Date(at - settings.maxStalenessMs - SIGNAL_MARGIN_MS).toISOString();
    const events = (await appEventsSince(store, connectionId, since)).map((e) => ({ app: e.app_name, type: e.type, at: Date.parse(e.created_at) }));
    const lastRun = await previousInventoryRunStart(store, connectionId, context.runId);
    const budget = cycleBudget({
      now: at,
      lastRunAt: lastRun ? Date.parse(lastRun) : null,
      share: settings.budgetShare,
      refillPerMinute: context.refillPerMinute,
      poolSize: context.poolSize,
      reserve: context.reserve,
      available: context.available,
      spent: context.requests,
      lists: apps.length * perApp.length,
      maxStalenessMs: settings.maxStalenessMs,
    });
    return planReads({
      now: at,
      apps,
      resources: costs,
      verified,
      events,
      budget: budget.budget,
      mandatoryBudget: budget.mandatoryBudget,
      sweepQuota: budget.sweepQuota,
      maxStalenessMs: settings.maxStalenessMs,
      intervalMs: settings.intervalMs,
    });
  };
}
