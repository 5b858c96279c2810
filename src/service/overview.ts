import { SEVERITIES } from '../severity.js';
import { findingDayCounts } from '../store/findings.js';
import { DAY_MS, utcDay } from '../time.js';
import { connectionsView } from './views.js';
import type { Herowatch } from './herowatch.js';
import { scopedConnections, type Scope } from './scope.js';
import { vulnerabilitySummary, type AppVulnerabilities } from './vuln-views.js';

type Counts = Record<(typeof SEVERITIES)[number], number>;
const zero = (): Counts => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Counts;

export interface Overview {
  /** Failing findings open now (suppressed ones apart), by severity. */
  open: Counts;
  /** How many were open at the end of each of the last days, oldest first. */
  trend: { day: string; open: Counts }[];
  /** Monitored apps with open vulnerabilities, the worst first. */
  vulnerableApps: AppVulnerabilities[];
  monitoredApps: number;
  /** Monitored apps whose result is not an answer (not tested, nothing read, no or stale advisories): the first reason and its fix, and how many. */
  unjudged: { apps: number; reason: string; fix: string | null } | null;
  connections: Awaited<ReturnType<typeof connectionsView>>['connections'];
}

const rank = (a: AppVulnerabilities): number[] => [a.open.critical, a.open.high, a.open.medium, a.open.low, a.open.unknown];

/** What the dashboard's first page shows, for the connections of the scope. */
export async function overview(hw: Herowatch, scope: Scope, options: { days?: number; now?: Date } = {}): Promise<Overview> {
  const now = options.now ?? new Date();
  const days = options.days ?? 30;
  const connections = await scopedConnections(hw, scope);
  const since = utcDay(now.getTime() - (days - 1) * DAY_MS);
  const counts = await findingDayCounts(
    hw.store,
    connections.map((c) => c.id),
    since,
  );
  // Walk the days forward from those open before the window: each day adds what opened and takes away what was resolved.
  const running = zero();
  for (const { severity, n } of counts.openBefore) running[severity as keyof Counts] += n;
  const trend: Overview['trend'] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = utcDay(now.getTime() - i * DAY_MS);
    for (const { severity, n } of counts.opened.filter((c) => c.day === day)) running[severity as keyof Counts] += n;
    for (const { severity, n } of counts.resolved.filter((c) => c.day === day)) running[severity as keyof Counts] -= n;
    trend.push({ day, open: { ...running } });
  }
  const names = new Set(connections.map((c) => c.name));
  const summary = (await vulnerabilitySummary(hw, { now })).filter((a) => names.has(a.connection) && (scope.apps === null || scope.apps.includes(a.app)));
  const vulnerableApps = summary
    .filter((a) => rank(a).some((n) => n > 0))
    .sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      const i = x.findIndex((n, k) => n !== y[k]);
      return i === -1 ? a.app.localeCompare(b.app) : y[i]! - x[i]!;
    });
  const unjudged = summary.filter((a) => a.unjudged !== null);
  const first = unjudged.find((a) => a.unjudged!.fix !== null) ?? unjudged[0];
  return {
    open: trend.at(-1)?.open ?? zero(),
    trend,
    vulnerableApps,
    monitoredApps: summary.length,
    unjudged: first ? { apps: unjudged.length, reason: `${first.app}: ${first.unjudged!.reason}`, fix: first.unjudged!.fix } : null,
    connections: (await connectionsView(hw, scope)).connections,
  };
}
