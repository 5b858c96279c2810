import type { FindingView } from '../compliance/finding-view.js';
import type { Severity } from '../severity.js';
import type { FrameworkReport } from '../compliance/report.js';
import type { ConnectionStatus } from '../connections/status.js';
import { datasets, type DatasetColumn } from '../datasets/catalog.js';
import { HerowatchError, InputError, NotFoundError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../store/cursor.js';
import { countDataset } from '../store/datasets.js';
import { lastInventoryRunBy, runCoverage, type RunRow } from '../store/runs.js';
import { listAuditEvents, type AuditEventFilter, type AuditEventView } from './audit.js';
import { configuredCatalog, frameworkReport, findingsPage, listFindings } from './compliance.js';
import { connectionStatuses, lastStatus } from './connection-status.js';
import { listDatasets, type DatasetSummary } from './datasets.js';
import { connectionChanges, syncRuns, type Change } from './history.js';
import type { Herowatch } from './herowatch.js';
import { appInScope, freshness, scopedConnections, type Freshness, type Scope } from './scope.js';
import { appVulnerabilities, vulnerabilitySummary, type AppVulnerabilities } from './vuln-views.js';
import type { FindingViewStatus } from '../compliance/finding-view.js';

/**
 * The service as a scoped client (an agent, a token, a dashboard user) reads
 * it: every list confined to the scope's connections and apps, paged with
 * opaque cursors, with totals, and said as of which sync. The MCP server and
 * the web API are doors onto these.
 */
export interface Paged<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
  asOf: Freshness[];
}

function page<T>(all: T[], request: { limit: number; cursor?: string }): Omit<Paged<T>, 'asOf'> {
  const offset = decodeCursor(request.cursor);
  const items = all.slice(offset, offset + request.limit);
  const next = offset + items.length;
  return { items, total: all.length, nextCursor: next < all.length ? encodeCursor(next) : null };
}

/** Connections with their status as last tested (nothing is sent to Heroku). */
export async function connectionsView(
  hw: Herowatch,
  scope: Scope,
): Promise<{
  connections: (Pick<ConnectionStatus, 'connection' | 'tested_at' | 'account' | 'diagnoses'> & { state: string; last_sync: Freshness })[];
  asOf: Freshness[];
}> {
  const connections = await scopedConnections(hw, scope);
  const asOf = await freshness(hw, connections);
  return {
    connections: connections.map((c, i) => {
      const status = lastStatus(c);
      return {
        connection: c.name,
        state: status?.state ?? c.state,
        tested_at: status?.tested_at ?? '',
        account: status?.account ?? null,
        diagnoses: status?.diagnoses ?? [],
        last_sync: asOf[i]!,
      };
    }),
    asOf,
  };
}

/** Tests a connection now (a few Heroku requests). */
export async function testConnectionView(hw: Herowatch, scope: Scope, name: string): Promise<ConnectionStatus> {
  await scopedConnections(hw, scope, name);
  const [status] = await connectionStatuses(hw, { name, test: true });
  return status!;
}

export interface FindingsRequest {
  connection?: string;
  status?: FindingViewStatus[];
  severity?: Severity;
  check?: string;
  app?: string;
  framework?: string;
}

/**
 * Findings of the scope, most severe first, one page at a time. The
 * database filters (apps included) and pages them; only a framework filter
 * is applied here, over the filtered list.
 */
export async function findingsView(
  hw: Herowatch,
  scope: Scope,
  request: FindingsRequest,
  paging: { limit: number; cursor?: string },
): Promise<Paged<FindingView>> {
  const scoped = await scopedConnections(hw, scope, request.connection);
  const asOf = await freshness(hw, scoped);
  // A connection never synced has no findings yet: it is left out of the list, and its as_of (run null) says so.
  const connections = scoped.filter((c) => c.last_complete_run !== null).map((c) => c.name);
  const apps = request.app === undefined ? (scope.apps ?? undefined) : appInScope(scope, request.app) ? [request.app] : [];
  if (connections.length === 0 || apps?.length === 0) return { items: [], total: 0, nextCursor: null, asOf };
  const filter = { connections, apps, status: request.status, severity: request.severity, check: request.check };
  if (request.framework === undefined) {
    const { findings, total, nextCursor } = await findingsPage(hw, filter, paging);
    return { items: findings, total, nextCursor, asOf };
  }
  const framework = request.framework;
  const all = (await listFindings(hw, filter)).filter((finding) =>
    finding.frameworks.some((f) => f === framework || f.startsWith(`${framework} `) || f.startsWith(`${framework}:`)),
  );
  return { ...page(all, paging), asOf };
}

export function checksView(hw: Herowatch): ReturnType<typeof configuredCatalog> {
  return configuredCatalog(hw);
}

/** One framework's report for each of the scope's connections. */
export async function frameworkViewByConnection(hw: Herowatch, scope: Scope, framework: string): Promise<FrameworkReport[]> {
  const reports: FrameworkReport[] = [];
  for (const c of await scopedConnections(hw, scope)) reports.push(await frameworkReport(hw, framework, { connections: [c] }));
  return reports;
}

/** One framework's report over the scope's connections (all of them, or the one named), as one report, as the CLI gives it. */
export async function frameworkView(hw: Herowatch, scope: Scope, framework: string, connection?: string): Promise<FrameworkReport> {
  return frameworkReport(hw, framework, { connections: await scopedConnections(hw, scope, connection) });
}

export async function vulnerabilitiesView(
  hw: Herowatch,
  scope: Scope,
  request: { connection?: string },
  paging: { limit: number; cursor?: string },
): Promise<Paged<AppVulnerabilities>> {
  const connections = await scopedConnections(hw, scope, request.connection);
  const all: AppVulnerabilities[] = [];
  for (const c of connections) all.push(...(await vulnerabilitySummary(hw, { connection: c.name })).filter((a) => appInScope(scope, a.app)));
  return { ...page(all, paging), asOf: await freshness(hw, connections) };
}

export async function appVulnerabilitiesView(
  hw: Herowatch,
  scope: Scope,
  app: string,
  request: { connection?: string; all?: boolean },
): Promise<Awaited<ReturnType<typeof appVulnerabilities>> & { asOf: Freshness[] }> {
  if (!appInScope(scope, app))
    throw new NotFoundError('HW_APP_UNKNOWN', `There is no app "${app}" that this client may see.`, { remedy: { do: 'list', what: 'apps' } });
  const connections = await scopedConnections(hw, scope, request.connection);
  const matches: Awaited<ReturnType<typeof appVulnerabilities>>[] = [];
  for (const c of connections) {
    try {
      matches.push(await appVulnerabilities(hw, app, { connection: c.name, all: request.all }));
    } catch (error: unknown) {
      if (!(error instanceof HerowatchError) || (error.kind !== 'not_found' && error.code !== 'HW_APP_NOT_MONITORED')) throw error;
    }
  }
  if (matches.length === 0)
    throw new NotFoundError('HW_APP_UNKNOWN', `"${app}" is not a monitored app that this client may see.`, { remedy: { do: 'monitor', app } });
  if (matches.length > 1)
    throw new InputError('HW_APP_AMBIGUOUS', `Several connections monitor an app "${app}".`, {
      remedy: { do: 'choose-connection', choices: matches.map((m) => m.connection) },
    });
  return { ...matches[0]!, asOf: await freshness(hw, connections) };
}

export async function auditEventsView(
  hw: Herowatch,
  scope: Scope,
  filter: Omit<AuditEventFilter, 'limit'>,
  paging: { limit: number; cursor?: string },
): Promise<Paged<AuditEventView>> {
  const connections = await scopedConnections(hw, scope, filter.connection);
  const all: AuditEventView[] = [];
  for (const c of connections)
    all.push(
      ...(await listAuditEvents(hw, { ...filter, connection: c.name })).filter(
        (e) => scope.apps === null || (e.app_name !== null && appInScope(scope, e.app_name)),
      ),
    );
  all.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return { ...page(all, paging), asOf: await freshness(hw, connections) };
}

/** What changed in a connection's inventory since a run (or the last complete run before a time), up to its latest. */
export async function changesView(
  hw: Herowatch,
  scope: Scope,
  request: { connection?: string; sinceRun?: number; since?: Date },
  paging: { limit: number; cursor?: string },
): Promise<Paged<Change> & { since: number; until: number; connection: string }> {
  const candidates = await scopedConnections(hw, scope, request.connection);
  if (candidates.length === 0) throw new InputError('HW_NO_CONNECTIONS', 'There is no connection to answer from.', { remedy: { do: 'connect' } });
  if (candidates.length !== 1)
    throw new InputError('HW_CONNECTION_CHOICE', `Which connection? There are several: ${candidates.map((c) => c.name).join(', ')}.`, {
      remedy: { do: 'choose-connection', choices: candidates.map((c) => c.name) },
    });
  const connection = candidates[0]!;
  let since = request.sinceRun;
  if (since === undefined) {
    const run = await lastInventoryRunBy(hw.store, connection.id, request.since ?? new Date(0));
    if (!run)
      throw new InputError(
        'HW_HISTORY_RANGE',
        `Connection ${connection.name} has no complete sync before ${request.since?.toISOString() ?? 'then'}: give a later time or a run.`,
        { remedy: { do: 'list', what: 'runs', connection: connection.name } },
      );
    since = run.id;
  }
  const result = await connectionChanges(hw, { connection: connection.name, since });
  const changes = scope.apps === null ? result.changes : result.changes.filter((c) => scope.apps!.some((app) => JSON.stringify(c).includes(`"${app}"`)));
  return { ...page(changes, paging), asOf: await freshness(hw, [connection]), since: result.since, until: result.until, connection: connection.name };
}

export interface RunView extends Omit<RunRow, 'connection_id'> {
  connection: string;
  /** What could not be read in that run, with why and what fixes it. */
  gaps: { resource: string; parent: string; status: string; reason: string | null; fix: string | null }[];
}

export async function runsView(hw: Herowatch, scope: Scope, request: { connection?: string; limit: number }): Promise<{ runs: RunView[]; asOf: Freshness[] }> {
  const connections = await scopedConnections(hw, scope, request.connection);
  const runs: RunView[] = [];
  for (const c of connections) {
    for (const { connection_id: _id, ...run } of await syncRuns(hw, { connection: c.name, limit: request.limit })) {
      const gaps = (await runCoverage(hw.store, run.id))
        .filter((g) => g.status !== 'ok')
        .map((g) => ({ resource: g.resource, parent: g.parent_key, status: g.status, reason: g.reason, fix: g.fix }));
      runs.push({ ...run, connection: c.name, gaps });
    }
  }
  runs.sort((a, b) => b.id - a.id);
  return { runs: runs.slice(0, request.limit), asOf: await freshness(hw, connections) };
}

export async function datasetsView(hw: Herowatch, scope: Scope, connection?: string): Promise<(Omit<DatasetSummary, 'columns'> & { columns: number })[]> {
  const connections = await scopedConnections(hw, scope, connection);
  const totals = new Map<string, DatasetSummary & { count: number }>();
  for (const c of connections) {
    for (const summary of await listDatasets(hw, c.name)) {
      const seen = totals.get(summary.name);
      if (seen) seen.rows += summary.rows;
      else totals.set(summary.name, { ...summary, count: 0 });
    }
  }
  return [...totals.values()].map(({ columns, count: _count, ...rest }) => ({ ...rest, columns: columns.length }));
}

export async function datasetView(
  hw: Herowatch,
  scope: Scope,
  name: string,
): Promise<{ name: string; description: string; columns: (Pick<DatasetColumn, 'name' | 'description'> & { type: string })[]; rows: number }> {
  const dataset = datasets().find((d) => d.name === name.replace(/-/g, '_'));
  if (!dataset) throw new NotFoundError('HW_DATASET_UNKNOWN', `There is no dataset "${name}".`, { remedy: { do: 'list', what: 'datasets' } });
  const connections = (await scopedConnections(hw, scope)).map((c) => c.name);
  return {
    name: dataset.name,
    description: dataset.description,
    columns: dataset.columns,
    rows: await countDataset(hw.store, dataset.name, { connection: connections }),
  };
}
