import { appEventsSince } from '../store/audit-events.js';
import type { Store } from '../store/database.js';
import { previousInventoryRunStart } from '../store/runs.js';
import { appListStates } from '../store/verified.js';
import type { ResourceDefinition } from '../datasets/resource.js';
import { cycleBudget, ReadPlanner, SIGNAL_MARGIN_MS, type ReadPlan } from './plan.js';
import type { PlanContext } from './sync.js';

/** Apps the planner reads the list states of at once. */
const PLAN_PAGE_APPS = 500;

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
    const listed = context.fetched.get('apps') ?? [];
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
      lists: listed.length * perApp.length,
      maxStalenessMs: settings.maxStalenessMs,
    });
    const planner = new ReadPlanner({
      now: at,
      resources: costs,
      events,
      budget: budget.budget,
      mandatoryBudget: budget.mandatoryBudget,
      sweepQuota: budget.sweepQuota,
      maxStalenessMs: settings.maxStalenessMs,
      intervalMs: settings.intervalMs,
    });
    // A page of apps at a time: when their lists were verified and the release the inventory holds are read for that page only.
    for (let i = 0; i < listed.length; i += PLAN_PAGE_APPS) {
      const page = listed.slice(i, i + PLAN_PAGE_APPS);
      const states = await appListStates(
        store,
        connectionId,
        page.map((a) => a.key),
        perApp.map((r) => r.name),
      );
      const apps = page.map((a) => ({
        id: a.key,
        name: String(a.item.name),
        releasedAt: typeof a.item.released_at === 'string' ? a.item.released_at : null,
        previousReleasedAt: states.releasedAt.has(a.key) ? states.releasedAt.get(a.key)! : undefined,
      }));
      planner.add(apps, (resource, app) => states.verified.get(app)?.get(resource));
    }
    return planner.finish();
  };
}
