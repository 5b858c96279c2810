import { InputError, NotFoundError } from '../errors.js';
import { listMonitoredApps } from '../store/connections.js';
import { decodeCursor, encodeCursor } from '../store/cursor.js';
import { countDataset, readDataset } from '../store/datasets.js';
import type { Herowatch } from './herowatch.js';
import { appInScope, freshness, scopedConnections, type Freshness, type Scope } from './scope.js';

/** One app as a list shows it: where it runs, on what, who owns it, where it sits in a pipeline. */
export interface AppSummary {
  connection: string;
  name: string;
  id: string;
  team: string | null;
  region: string | null;
  stack: string | null;
  generation: string | null;
  pipeline: string | null;
  stage: string | null;
  monitored: boolean;
  released_at: string | null;
  updated_at: string | null;
  created_at: string | null;
}

export interface AppFilter {
  connection?: string;
  team?: string;
  region?: string;
  stack?: string;
  stage?: string;
  monitored?: boolean;
  /** Part of the name, any case. */
  search?: string;
  /** Exactly this name. */
  name?: string;
}

export interface Page<T> {
  items: T[];
  /** How many match in all. */
  total: number;
  nextCursor: string | null;
  /** As of which sync, per connection. */
  asOf: Freshness[];
}

/** The apps of the scope that match, by connection and name, one page at a time. */
export async function listApps(hw: Herowatch, scope: Scope, filter: AppFilter, page: { limit: number; cursor?: string }): Promise<Page<AppSummary>> {
  const connections = await scopedConnections(hw, scope, filter.connection);
  const names = connections.map((c) => c.name);
  const filters: Record<string, string> = {};
  if (filter.team !== undefined) filters.team_name = filter.team;
  if (filter.region !== undefined) filters.region = filter.region;
  if (filter.stack !== undefined) filters.stack = filter.stack;
  if (filter.name !== undefined) filters.name = filter.name;
  const contains = filter.search === undefined ? undefined : { name: filter.search };
  const monitored = new Set<string>();
  for (const connection of connections)
    for (const m of await listMonitoredApps(hw.store, connection.id)) if (m.active) monitored.add(`${connection.name} ${m.app_id}`);
  const asOf = await freshness(hw, connections);
  // Filters on the apps' own columns page in the database; a stage, monitoring or an app-bound scope are read from elsewhere, so those lists are filtered here.
  const inDatabase = filter.stage === undefined && filter.monitored === undefined && scope.apps === null;
  const query = { connection: names, filters, contains, columns: APP_COLUMNS, orderBy: ['connection', 'name'] };
  if (inDatabase) {
    const [{ rows, nextCursor }, total] = await Promise.all([
      readDataset(hw.store, 'apps', { ...query, limit: page.limit, cursor: page.cursor }),
      countDataset(hw.store, 'apps', query),
    ]);
    const couplings = await couplingsOf(
      hw,
      names,
      rows.map((r) => String(r.id)),
    );
    return { items: rows.map((row) => summary(row, couplings, monitored)), total, nextCursor, asOf };
  }
  const rows = (await readDataset(hw.store, 'apps', query)).rows;
  const couplings = await couplingsOf(hw, names);
  const all = rows
    .map((row) => summary(row, couplings, monitored))
    .filter(
      (app) =>
        appInScope(scope, app.name) &&
        (filter.stage === undefined || app.stage === filter.stage) &&
        (filter.monitored === undefined || app.monitored === filter.monitored),
    );
  const offset = decodeCursor(page.cursor);
  const items = all.slice(offset, offset + page.limit);
  const next = offset + items.length;
  return { items, total: all.length, nextCursor: next < all.length ? encodeCursor(next) : null, asOf };
}

const APP_COLUMNS = ['connection', 'id', 'name', 'team_name', 'region', 'stack', 'generation', 'released_at', 'updated_at', 'created_at'];

/** Pipeline couplings by connection and app id (of these apps only, when given). */
async function couplingsOf(hw: Herowatch, connections: string[], appIds?: string[]): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await readDataset(hw.store, 'pipeline_couplings', {
    connection: connections,
    columns: ['connection', 'app_id', 'pipeline_name', 'stage'],
    ...(appIds ? { filters: { app_id: appIds } } : {}),
  });
  return new Map(rows.map((r) => [`${r.connection as string} ${r.app_id as string}`, r]));
}

function summary(row: Record<string, unknown>, couplings: Map<string, Record<string, unknown>>, monitored: Set<string>): AppSummary {
  const key = `${row.connection as string} ${row.id as string}`;
  const coupling = couplings.get(key);
  return {
    connection: row.connection as string,
    name: row.name as string,
    id: row.id as string,
    team: (row.team_name as string | null) ?? null,
    region: (row.region as string | null) ?? null,
    stack: (row.stack as string | null) ?? null,
    generation: (row.generation as string | null) ?? null,
    pipeline: (coupling?.pipeline_name as string | undefined) ?? null,
    stage: (coupling?.stage as string | undefined) ?? null,
    monitored: monitored.has(key),
    released_at: (row.released_at as string | null) ?? null,
    updated_at: (row.updated_at as string | null) ?? null,
    created_at: (row.created_at as string | null) ?? null,
  };
}

/** Everything herowatch knows of one app (config var names, never values: the store never holds them). */
export interface AppDetail {
  app: AppSummary & {
    owner: string | null;
    web_url: string | null;
    acm: boolean | null;
    maintenance: boolean | null;
    locked: boolean | null;
    buildpack: string | null;
    slug_size: number | null;
  };
  domains: Record<string, unknown>[];
  sni_endpoints: Record<string, unknown>[];
  addons: Record<string, unknown>[];
  attachments: Record<string, unknown>[];
  collaborators: Record<string, unknown>[];
  config_var_names: string[];
  formation: Record<string, unknown>[];
  log_drains: Record<string, unknown>[];
  /** The latest releases, newest first. */
  releases: Record<string, unknown>[];
  slug: Record<string, unknown> | null;
  asOf: Freshness[];
}

const RELEASES_SHOWN = 10;

/** One app of the scope in depth; `connection` picks among several apps of that name. */
export async function appDetail(hw: Herowatch, scope: Scope, name: string, options: { connection?: string } = {}): Promise<AppDetail> {
  const found = (await listApps(hw, scope, { connection: options.connection, name }, { limit: Number.MAX_SAFE_INTEGER })).items;
  if (found.length === 0)
    throw new NotFoundError(
      'HW_APP_UNKNOWN',
      `There is no app "${name}"${options.connection ? ` on connection ${options.connection}` : ''} that this client may see.`,
      {
        remedy: { do: 'list', what: 'apps', ...(options.connection ? { connection: options.connection } : {}) },
      },
    );
  if (found.length > 1)
    throw new InputError(
      'HW_APP_AMBIGUOUS',
      `Several connections have an app "${name}" (${found.map((a) => a.connection).join(', ')}): say which connection.`,
      {
        remedy: { do: 'choose-connection', choices: found.map((a) => a.connection) },
      },
    );
  const summary = found[0]!;
  const [connection] = await scopedConnections(hw, scope, summary.connection);
  const of = async (dataset: string, orderBy?: string[]) =>
    (await readDataset(hw.store, dataset, { connection: summary.connection, filters: { app_id: summary.id }, ...(orderBy ? { orderBy } : {}) })).rows.map(
      withoutKeys,
    );
  const record = (await readDataset(hw.store, 'apps', { connection: summary.connection, filters: { id: summary.id } })).rows[0] ?? {};
  const releases = (await of('releases', ['version'])).reverse();
  const slugs = await of('slugs');
  const current = releases.find((r) => r.current === true);
  return {
    app: {
      ...summary,
      owner: (record.owner_email as string | null) ?? null,
      web_url: (record.web_url as string | null) ?? null,
      acm: (record.acm as boolean | null) ?? null,
      maintenance: (record.maintenance as boolean | null) ?? null,
      locked: (record.locked as boolean | null) ?? null,
      buildpack: (record.buildpack_provided_description as string | null) ?? null,
      slug_size: (record.slug_size as number | null) ?? null,
    },
    domains: await of('domains', ['hostname']),
    sni_endpoints: await of('sni_endpoints', ['name']),
    addons: await of('addons', ['name']),
    attachments: await of('addon_attachments', ['name']),
    collaborators: await of('collaborators', ['email']),
    config_var_names: (await of('config_vars', ['name'])).map((r) => r.name as string),
    formation: await of('formations', ['type']),
    log_drains: await of('log_drains', ['url']),
    releases: releases.slice(0, RELEASES_SHOWN),
    slug: (current && slugs.find((s) => s.id === current.slug_id)) ?? null,
    asOf: await freshness(hw, [connection!]),
  };
}

/** A row without the columns every row of an app repeats. */
function withoutKeys(row: Record<string, unknown>): Record<string, unknown> {
  const { connection: _connection, app_id: _appId, app_name: _appName, ...rest } = row;
  return rest;
}
