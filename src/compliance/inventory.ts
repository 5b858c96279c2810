import type { ConnectionStatus } from '../connections/status.js';
import type { Column, ColumnName, ResourceDefinition, RowOf } from '../datasets/resource.js';
import account from '../datasets/resources/account.js';
import addonAttachments from '../datasets/resources/addon-attachments.js';
import addons from '../datasets/resources/addons.js';
import apps from '../datasets/resources/apps.js';
import collaborators from '../datasets/resources/collaborators.js';
import configVars from '../datasets/resources/config-vars.js';
import domains from '../datasets/resources/domains.js';
import enterpriseAccounts from '../datasets/resources/enterprise-accounts.js';
import enterpriseMembers from '../datasets/resources/enterprise-members.js';
import logDrains from '../datasets/resources/log-drains.js';
import oauthAuthorizations from '../datasets/resources/oauth-authorizations.js';
import pipelineCouplings from '../datasets/resources/pipeline-couplings.js';
import sniEndpoints from '../datasets/resources/sni-endpoints.js';
import teamMembers from '../datasets/resources/team-members.js';
import teams from '../datasets/resources/teams.js';
import { auditCursors } from '../store/audit-events.js';
import { parseJson, type Store } from '../store/database.js';
import { readDataset, type DatasetQuery } from '../store/datasets.js';
import { runCoverage } from '../store/runs.js';
import { advisoryStatus } from '../store/advisories.js';
import { slugEcosystems } from '../store/vulnerabilities.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import type { AdvisoryDatabase } from '../vulns/advisory-coverage.js';

/**
 * What the checks look at: one connection's inventory as of its last
 * complete sync, the coverage of that sync (what could not be read, and
 * why), the audit trail days collected, and the connection's last test.
 * The checks are pure functions over it; an evaluation gives them the
 * account's own lists once and the per-app lists a page of apps at a time.
 */
export interface ComplianceInventory {
  connection: string;
  /** The inventory run the data comes from (null: never synced). */
  runId: number | null;
  /** The date checks are evaluated at (certificates, stacks, token ages). */
  now: Date;
  account: Rows<typeof account, 'id' | 'email'> | null;
  /** The connection's token, from its last test (null when never tested). */
  token: { scope: string[] } | null;
  teams: Team[];
  teamMembers: TeamMember[];
  enterpriseAccounts: EnterpriseAccount[];
  enterpriseMembers: EnterpriseMember[];
  apps: App[];
  /**
   * Apps outside this part of the inventory that its rows refer to (the
   * owner of an add-on attached here): for looking up, never for results.
   * An evaluation reads the inventory a page of apps at a time.
   */
  referencedApps: App[];
  configVars: ConfigVar[];
  domains: Domain[];
  sniEndpoints: SniEndpoint[];
  collaborators: Collaborator[];
  logDrains: LogDrain[];
  addons: Addon[];
  addonAttachments: AddonAttachment[];
  pipelineCouplings: PipelineCoupling[];
  oauthAuthorizations: OAuthAuthorization[];
  /** Per enterprise account id: the UTC days whose audit events are all stored. */
  auditTrail: Map<string, { firstDay: string | null; completeThrough: string }>;
  coverage: Coverage;
  /** The last vulnerability test of each monitored app (with the ecosystems of the packages it read), and the open vulnerabilities they found. */
  vulnerabilityTests: { app_id: string; status: string; reason: string | null; tested_at: string; ecosystems: string[] }[];
  /** What the advisory database can judge: a test matched against nothing is not a pass. */
  advisories: AdvisoryDatabase;
  vulnerabilities: { app_id: string; vuln_id: string; package: string; severity: string; ignored_until: string | null; vex_status?: string | null }[];
}

/** The inventory's lists, and the resource each is read from (what the sync verifies). */
export const INVENTORY_LISTS = {
  teams: 'teams',
  teamMembers: 'team_members',
  enterpriseAccounts: 'enterprise_accounts',
  enterpriseMembers: 'enterprise_members',
  apps: 'apps',
  configVars: 'config_vars',
  domains: 'domains',
  sniEndpoints: 'sni_endpoints',
  collaborators: 'collaborators',
  logDrains: 'log_drains',
  addons: 'addons',
  addonAttachments: 'addon_attachments',
  pipelineCouplings: 'pipeline_couplings',
  oauthAuthorizations: 'oauth_authorizations',
} as const satisfies { [K in keyof ComplianceInventory]?: string };

export type InventoryList = keyof typeof INVENTORY_LISTS;

/**
 * The lists kept per app, which an evaluation reads a page of apps at a
 * time: a check that reads one of them gives results about apps and their
 * resources, a page at a time; the others read lists of the whole account.
 */
export const APP_LISTS: ReadonlySet<InventoryList> = new Set<InventoryList>([
  'apps',
  'configVars',
  'domains',
  'sniEndpoints',
  'collaborators',
  'logDrains',
  'addons',
  'addonAttachments',
  'pipelineCouplings',
]);

/**
 * The rows the checks read, typed from the resources' declarations: a
 * column renamed or retyped there fails to compile here. Lists that Heroku
 * gives as JSON (permissions, scopes, domains of a certificate) arrive as
 * names. Every column can be null, as in the datasets.
 */
type Rows<R extends { columns: readonly Column[] }, K extends ColumnName<R>, Lists extends K = never> = Omit<Pick<RowOf<R>, K>, Lists> & {
  [L in Lists]: string[];
};

export type Team = Rows<typeof teams, 'id' | 'name' | 'enterprise_account_id' | 'enterprise_account_name'>;
export type TeamMember = Rows<typeof teamMembers, 'team_id' | 'team_name' | 'email' | 'role' | 'two_factor_authentication' | 'federated'>;
export type EnterpriseAccount = Rows<typeof enterpriseAccounts, 'id' | 'name' | 'permissions' | 'identity_provider_name', 'permissions'>;
export type EnterpriseMember = Rows<
  typeof enterpriseMembers,
  'enterprise_account_id' | 'enterprise_account_name' | 'email' | 'permissions' | 'two_factor_authentication' | 'identity_provider_name',
  'permissions'
>;
export type App = Rows<typeof apps, 'id' | 'name' | 'team_id' | 'team_name' | 'owner_email' | 'region' | 'stack' | 'acm' | 'locked'>;
export type Domain = Rows<
  typeof domains,
  'id' | 'app_id' | 'app_name' | 'hostname' | 'kind' | 'acm_status' | 'acm_status_reason' | 'sni_endpoint_id' | 'sni_endpoint_name'
>;
export type SniEndpoint = Rows<
  typeof sniEndpoints,
  'id' | 'app_id' | 'app_name' | 'name' | 'cert_domains' | 'starts_at' | 'expires_at' | 'self_signed' | 'issuer' | 'acm',
  'cert_domains'
>;
export type Collaborator = Rows<typeof collaborators, 'app_id' | 'app_name' | 'email' | 'role'>;
export type Addon = Rows<typeof addons, 'id' | 'name' | 'service' | 'app_id' | 'app_name' | 'config_vars', 'config_vars'>;
export type AddonAttachment = Rows<
  typeof addonAttachments,
  'id' | 'name' | 'app_id' | 'app_name' | 'addon_id' | 'addon_name' | 'addon_app_id' | 'addon_app_name'
>;
export type OAuthAuthorization = Rows<typeof oauthAuthorizations, 'id' | 'description' | 'scope' | 'expires_at' | 'created_at' | 'client_name', 'scope'>;
type ConfigVar = Rows<typeof configVars, 'app_id' | 'name'>;
type LogDrain = Rows<typeof logDrains, 'app_id' | 'url' | 'addon_name'>;
type PipelineCoupling = Rows<typeof pipelineCouplings, 'app_id' | 'pipeline_id' | 'pipeline_name' | 'stage'>;

export interface CoverageGap {
  status: string;
  reason: string;
  fix: string | null;
}

/**
 * What the last sync could not read. A resource either was not read at all
 * (its summary row is a gap and, for per-parent resources, there are no
 * per-parent rows), or was not read for some parents.
 */
export class Coverage {
  constructor(
    private readonly summaries: Map<string, CoverageGap | null>,
    private readonly perParent: Map<string, Map<string, CoverageGap>>,
  ) {}

  static empty(): Coverage {
    return new Coverage(new Map(), new Map());
  }

  static fromRows(
    rows: { resource: string; parent_key: string; status: string; reason: string | null; fix: string | null; parents: number | null }[],
  ): Coverage {
    const summaries = new Map<string, CoverageGap | null>();
    const perParent = new Map<string, Map<string, CoverageGap>>();
    for (const row of rows) {
      const gap = row.status === 'ok' ? null : { status: row.status, reason: row.reason ?? `${row.resource} could not be read (${row.status})`, fix: row.fix };
      if (row.parent_key === '') summaries.set(row.resource, gap);
      else if (gap) {
        const map = perParent.get(row.resource) ?? new Map<string, CoverageGap>();
        map.set(row.parent_key, gap);
        perParent.set(row.resource, map);
      }
    }
    return new Coverage(summaries, perParent);
  }

  /**
   * Why `resource` (for `parentKey`, when per parent) was not read, or null
   * when it was. A resource never attempted (no summary at all) counts as
   * not read.
   */
  gap(resource: string, parentKey?: string): CoverageGap | null {
    const ofParent = parentKey === undefined ? undefined : this.perParent.get(resource)?.get(parentKey);
    if (ofParent) return ofParent;
    if (!this.summaries.has(resource))
      return { status: 'missing', reason: `${resource.replace(/_/g, ' ')} were not collected by the last sync`, fix: 'Run herowatch sync.' };
    const summary = this.summaries.get(resource)!;
    // A per-parent resource whose summary is a gap but has per-parent rows was read for the other parents.
    if (summary && parentKey !== undefined && this.perParent.has(resource)) return null;
    return summary;
  }
}

const names = (value: unknown): string[] => {
  if (value === null || value === undefined) return [];
  const parsed = parseJson<unknown>(value);
  if (!Array.isArray(parsed)) return [];
  return parsed.map((p) => (typeof p === 'string' ? p : typeof p === 'object' && p && 'name' in p ? String((p as { name: unknown }).name) : String(p)));
};

/** An inventory with nothing in it: what a connection never synced has, and what tests start from. */
export function emptyInventory(connection: string, now: Date, parts: Partial<ComplianceInventory> = {}): ComplianceInventory {
  return {
    connection,
    runId: null,
    now,
    account: null,
    token: null,
    teams: [],
    teamMembers: [],
    enterpriseAccounts: [],
    enterpriseMembers: [],
    apps: [],
    referencedApps: [],
    configVars: [],
    domains: [],
    sniEndpoints: [],
    collaborators: [],
    logDrains: [],
    addons: [],
    addonAttachments: [],
    pipelineCouplings: [],
    oauthAuthorizations: [],
    auditTrail: new Map(),
    coverage: Coverage.empty(),
    vulnerabilityTests: [],
    vulnerabilities: [],
    advisories: { ecosystems: new Map(), maxAgeMs: DEFAULT_SETTINGS.vulnerabilities.advisory_max_age },
    ...parts,
  };
}

/** Some columns of one resource's dataset, for this connection, typed by its declaration. */
async function read<R extends ResourceDefinition, K extends ColumnName<R>>(
  store: Store,
  connection: string,
  resource: R,
  columns: K[],
  where: Pick<DatasetQuery, 'filters' | 'range'> = {},
): Promise<Pick<RowOf<R>, K>[]> {
  return (await readDataset(store, resource.name, { connection, columns, ...where, orderBy: [] })).rows as Pick<RowOf<R>, K>[];
}

const APP_COLUMNS = ['id', 'name', 'team_id', 'team_name', 'owner_email', 'region', 'stack', 'acm', 'locked'] as const satisfies ColumnName<typeof apps>[];

/**
 * Loads a connection's inventory for the checks, whole (every list empty
 * when it was never synced). Evaluations read it in pages instead (see
 * loadAccountInventory and appPages); this is the same inventory in one piece.
 */
export async function loadInventory(
  store: Store,
  connection: InventoryConnection,
  now: Date,
  options: { advisoryMaxAgeMs: number } = { advisoryMaxAgeMs: DEFAULT_SETTINGS.vulnerabilities.advisory_max_age },
): Promise<ComplianceInventory> {
  const base = await loadAccountInventory(store, connection, now, options);
  if (connection.last_complete_run === null) return base;
  return { ...base, ...(await appLists(store, connection.name, 'all')) };
}

type InventoryConnection = { id: number; name: string; last_complete_run: number | null; last_status: string | null };

/**
 * A connection's inventory without its per-app lists (APP_LISTS): the
 * account, its teams, enterprise accounts and their members, its OAuth
 * authorizations, the audit trail collected, the coverage of the last sync
 * and the advisory database. Small whatever the number of apps.
 */
export async function loadAccountInventory(
  store: Store,
  connection: InventoryConnection,
  now: Date,
  options: { advisoryMaxAgeMs: number } = { advisoryMaxAgeMs: DEFAULT_SETTINGS.vulnerabilities.advisory_max_age },
): Promise<ComplianceInventory> {
  const status = connection.last_status ? (JSON.parse(connection.last_status) as ConnectionStatus) : null;
  const base = emptyInventory(connection.name, now, {
    runId: connection.last_complete_run,
    token: status?.token ? { scope: status.token.scope } : null,
  });
  if (connection.last_complete_run === null) return base;
  const name = connection.name;

  const [owner] = await read(store, name, account, ['id', 'email']);
  const coverageRows = await runCoverage(store, connection.last_complete_run);
  const cursors = await auditCursors(store, [connection.id]);

  return {
    ...base,
    account: owner ?? null,
    teams: await read(store, name, teams, ['id', 'name', 'enterprise_account_id', 'enterprise_account_name']),
    teamMembers: await read(store, name, teamMembers, ['team_id', 'team_name', 'email', 'role', 'two_factor_authentication', 'federated']),
    enterpriseAccounts: (await read(store, name, enterpriseAccounts, ['id', 'name', 'permissions', 'identity_provider_name'])).map((e) => ({
      ...e,
      permissions: names(e.permissions),
    })),
    enterpriseMembers: (
      await read(store, name, enterpriseMembers, [
        'enterprise_account_id',
        'enterprise_account_name',
        'email',
        'permissions',
        'two_factor_authentication',
        'identity_provider_name',
      ])
    ).map((m) => ({ ...m, permissions: names(m.permissions) })),
    oauthAuthorizations: (await read(store, name, oauthAuthorizations, ['id', 'description', 'scope', 'expires_at', 'created_at', 'client_name'])).map((a) => ({
      ...a,
      scope: names(a.scope),
    })),
    auditTrail: new Map(cursors.map((c) => [c.enterprise_id, { firstDay: c.first_day, completeThrough: c.complete_through }])),
    coverage: Coverage.fromRows(coverageRows),
    advisories: {
      ecosystems: new Map((await advisoryStatus(store)).map((s) => [s.ecosystem, { advisories: s.advisories, importedAt: s.importedAt }])),
      maxAgeMs: options.advisoryMaxAgeMs,
    },
  };
}

/**
 * The inventory a page of apps at a time (at most `pageSize` apps, in id
 * order): each is the account's inventory (from loadAccountInventory) with
 * the per-app lists of that page's apps, and the apps their rows refer to.
 * Every app is in exactly one page.
 */
export async function* appPages(
  store: Store,
  connection: InventoryConnection,
  account: ComplianceInventory,
  pageSize: number,
): AsyncGenerator<ComplianceInventory> {
  if (connection.last_complete_run === null) return;
  // The ids alone, once (a few megabytes at 50,000 apps); each page is the range of ids from one page's first app to
  // the next page's, read by range on the per-app lists' app_id indexes, in the database's own order (as it sorted the
  // ids). The first page is open below and the last above: rows of an app the apps list does not hold (an add-on
  // attached to an app another team owns) fall in exactly one page too.
  const ids = (await readDataset(store, apps.name, { connection: connection.name, columns: ['id'], orderBy: ['id'] })).rows.map((r) => r.id as string);
  for (let i = 0; i === 0 || i < ids.length; i += pageSize) {
    const span: Span = { from: i === 0 ? null : ids[i]!, before: ids[i + pageSize] ?? null };
    yield { ...account, ...(await appLists(store, connection.name, span)) };
  }
}

type Span = { from: string | null; before: string | null };

/** The per-app lists of the apps whose ids are in `span`, or of every app, with the apps their rows refer to. */
async function appLists(
  store: Store,
  connection: string,
  span: Span | 'all',
): Promise<
  Pick<
    ComplianceInventory,
    | 'apps'
    | 'referencedApps'
    | 'configVars'
    | 'domains'
    | 'sniEndpoints'
    | 'collaborators'
    | 'logDrains'
    | 'addons'
    | 'addonAttachments'
    | 'pipelineCouplings'
    | 'vulnerabilityTests'
    | 'vulnerabilities'
  >
> {
  const inSpan = (column: string): Pick<DatasetQuery, 'range'> => (span === 'all' ? {} : { range: { [column]: span } });
  const pageApps = await read(store, connection, apps, [...APP_COLUMNS], inSpan('id'));
  const attachments = await read(
    store,
    connection,
    addonAttachments,
    ['id', 'name', 'app_id', 'app_name', 'addon_id', 'addon_name', 'addon_app_id', 'addon_app_name'],
    inSpan('app_id'),
  );
  const addonColumns: ColumnName<typeof addons>[] = ['id', 'name', 'service', 'app_id', 'app_name', 'config_vars'];
  const ownAddons = await read(store, connection, addons, addonColumns, inSpan('app_id'));
  // Add-ons attached here but owned by an app of another page: looked up by the checks, like their owners.
  const held = new Set(ownAddons.map((a) => a.id));
  const foreign = [...new Set(attachments.map((a) => a.addon_id).filter((id): id is string => id !== null && !held.has(id)))];
  const foreignAddons = span === 'all' || foreign.length === 0 ? [] : await read(store, connection, addons, addonColumns, { filters: { id: foreign } });
  const inPage = new Set(pageApps.map((a) => a.id));
  const referencedIds =
    span === 'all'
      ? []
      : [
          ...new Set(
            [...foreignAddons.map((a) => a.app_id), ...attachments.map((a) => a.addon_app_id)].filter((id): id is string => id !== null && !inPage.has(id)),
          ),
        ];
  const referencedApps = referencedIds.length === 0 ? [] : await read(store, connection, apps, [...APP_COLUMNS], { filters: { id: referencedIds } });
  const couplingColumns: ColumnName<typeof pipelineCouplings>[] = ['app_id', 'pipeline_id', 'pipeline_name', 'stage'];
  const couplings = [
    ...(await read(store, connection, pipelineCouplings, couplingColumns, inSpan('app_id'))),
    ...(referencedIds.length === 0 ? [] : await read(store, connection, pipelineCouplings, couplingColumns, { filters: { app_id: referencedIds } })),
  ];
  const tests = (
    await readDataset(store, 'vulnerability_tests', {
      connection,
      columns: ['app_id', 'status', 'reason', 'tested_at', 'checksum'],
      ...inSpan('app_id'),
      orderBy: [],
    })
  ).rows as (Omit<ComplianceInventory['vulnerabilityTests'][number], 'ecosystems'> & { checksum: string | null })[];
  const ecosystemsOf = await slugEcosystems(
    store,
    tests.flatMap((t) => (t.checksum ? [t.checksum] : [])),
  );
  return {
    apps: pageApps,
    referencedApps,
    configVars: await read(store, connection, configVars, ['app_id', 'name'], inSpan('app_id')),
    domains: await read(
      store,
      connection,
      domains,
      ['id', 'app_id', 'app_name', 'hostname', 'kind', 'acm_status', 'acm_status_reason', 'sni_endpoint_id', 'sni_endpoint_name'],
      inSpan('app_id'),
    ),
    sniEndpoints: (
      await read(
        store,
        connection,
        sniEndpoints,
        ['id', 'app_id', 'app_name', 'name', 'cert_domains', 'starts_at', 'expires_at', 'self_signed', 'issuer', 'acm'],
        inSpan('app_id'),
      )
    ).map((e) => ({ ...e, cert_domains: names(e.cert_domains) })),
    collaborators: await read(store, connection, collaborators, ['app_id', 'app_name', 'email', 'role'], inSpan('app_id')),
    logDrains: await read(store, connection, logDrains, ['app_id', 'url', 'addon_name'], inSpan('app_id')),
    addons: [...ownAddons, ...foreignAddons].map((a) => ({ ...a, config_vars: names(a.config_vars) })),
    addonAttachments: attachments,
    pipelineCouplings: couplings,
    vulnerabilityTests: tests.map(({ checksum, ...test }) => ({ ...test, ecosystems: checksum ? (ecosystemsOf.get(checksum) ?? []) : [] })),
    vulnerabilities: (
      await readDataset(store, 'vulnerabilities', {
        connection,
        columns: ['app_id', 'vuln_id', 'package', 'severity', 'ignored_until', 'vex_status'],
        filters: { status: 'open' },
        ...inSpan('app_id'),
        orderBy: [],
      })
    ).rows as ComplianceInventory['vulnerabilities'],
  };
}
