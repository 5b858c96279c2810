import type { ConnectionStatus } from '../connections/status.js';
import { auditCursors } from '../store/audit-events.js';
import { parseJson, type Store } from '../store/database.js';
import { readDataset } from '../store/datasets.js';
import { runCoverage } from '../store/runs.js';

/**
 * What the checks look at: one connection's inventory as of its last
 * complete sync, the coverage of that sync (what could not be read, and
 * why), the audit trail days collected, and the connection's last test.
 * Loaded once; the checks are pure functions over it.
 */
export interface ComplianceInventory {
  connection: string;
  /** The inventory run the data comes from (null: never synced). */
  runId: number | null;
  /** The date checks are evaluated at (certificates, stacks, token ages). */
  now: Date;
  account: { id: string; email: string } | null;
  /** The connection's token, from its last test (null when never tested). */
  token: { scope: string[] } | null;
  teams: Team[];
  teamMembers: TeamMember[];
  enterpriseAccounts: EnterpriseAccount[];
  enterpriseMembers: EnterpriseMember[];
  apps: App[];
  configVars: { app_id: string; name: string }[];
  domains: Domain[];
  sniEndpoints: SniEndpoint[];
  collaborators: Collaborator[];
  logDrains: { app_id: string; url: string | null; addon_name: string | null }[];
  addons: Addon[];
  addonAttachments: AddonAttachment[];
  pipelineCouplings: { app_id: string; pipeline_id: string; pipeline_name: string; stage: string }[];
  oauthAuthorizations: OAuthAuthorization[];
  /** Per enterprise account id: the UTC days whose audit events are all stored. */
  auditTrail: Map<string, { firstDay: string | null; completeThrough: string }>;
  coverage: Coverage;
}

export interface Team {
  id: string;
  name: string;
  enterprise_account_id: string | null;
  enterprise_account_name: string | null;
}
export interface TeamMember {
  team_id: string;
  team_name: string;
  email: string;
  role: string | null;
  two_factor_authentication: boolean;
  federated: boolean;
}
export interface EnterpriseAccount {
  id: string;
  name: string;
  permissions: string[];
  identity_provider_name: string | null;
}
export interface EnterpriseMember {
  enterprise_account_id: string;
  enterprise_account_name: string;
  email: string;
  permissions: string[];
  two_factor_authentication: boolean;
  identity_provider_name: string | null;
}
export interface App {
  id: string;
  name: string;
  team_id: string | null;
  team_name: string | null;
  owner_email: string | null;
  region: string | null;
  stack: string | null;
  acm: boolean;
  locked: boolean | null;
}
export interface Domain {
  id: string;
  app_id: string;
  app_name: string;
  hostname: string;
  kind: string;
  acm_status: string | null;
  acm_status_reason: string | null;
  sni_endpoint_id: string | null;
  sni_endpoint_name: string | null;
}
export interface SniEndpoint {
  id: string;
  app_id: string;
  app_name: string;
  name: string;
  cert_domains: string[];
  starts_at: string | null;
  expires_at: string | null;
  self_signed: boolean;
  issuer: string | null;
}
export interface Collaborator {
  app_id: string;
  app_name: string;
  email: string;
  role: string | null;
}
export interface Addon {
  id: string;
  name: string;
  service: string | null;
  app_id: string | null;
  app_name: string | null;
  config_vars: string[];
}
export interface AddonAttachment {
  id: string;
  name: string;
  app_id: string;
  app_name: string;
  addon_id: string;
  addon_name: string;
  addon_app_id: string | null;
  addon_app_name: string | null;
}
export interface OAuthAuthorization {
  id: string;
  description: string | null;
  scope: string[];
  expires_at: string | null;
  created_at: string;
  client_name: string | null;
}

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

  static fromRows(rows: { resource: string; parent_key: string; status: string; reason: string | null; fix: string | null; parents: number | null }[]): Coverage {
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
    if (!this.summaries.has(resource)) return { status: 'missing', reason: `${resource.replace(/_/g, ' ')} were not collected by the last sync`, fix: 'Run herowatch sync.' };
    const summary = this.summaries.get(resource)!;
    // A per-parent resource whose summary is a gap but has per-parent rows was read for the other parents.
    if (summary && parentKey !== undefined && this.perParent.has(resource)) return null;
    return summary;
  }
}

const bool = (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 't' || value === 'true';
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
    ...parts,
  };
}

/** Loads a connection's inventory for the checks (every list empty when it was never synced). */
export async function loadInventory(store: Store, connection: { id: number; name: string; last_complete_run: number | null; last_status: string | null }, now: Date): Promise<ComplianceInventory> {
  const name = connection.name;
  /** The columns the checks read of one dataset, for this connection. */
  const rows = async <T>(dataset: string, columns: string): Promise<T[]> => (await readDataset(store, dataset, { connection: name, columns: columns.split(', '), orderBy: [] })).rows as T[];
  const status = connection.last_status ? (JSON.parse(connection.last_status) as ConnectionStatus) : null;
  const base = emptyInventory(name, now, {
    runId: connection.last_complete_run,
    token: status?.token ? { scope: status.token.scope } : null,
  });
  if (connection.last_complete_run === null) return base;

  const [account] = await rows<{ id: string; email: string }>('account', 'id, email');
  const coverageRows = await runCoverage(store, connection.last_complete_run);
  const cursors = await auditCursors(store, [connection.id]);

  return {
    ...base,
    account: account ?? null,
    teams: await rows<Team>('teams', 'id, name, enterprise_account_id, enterprise_account_name'),
    teamMembers: (await rows<TeamMember>('team_members', 'team_id, team_name, email, role, two_factor_authentication, federated')).map((m) => ({
      ...m,
      two_factor_authentication: bool(m.two_factor_authentication),
      federated: bool(m.federated),
    })),
    enterpriseAccounts: (await rows<EnterpriseAccount>('enterprise_accounts', 'id, name, permissions, identity_provider_name')).map((e) => ({ ...e, permissions: names(e.permissions) })),
    enterpriseMembers: (
      await rows<EnterpriseMember>('enterprise_members', 'enterprise_account_id, enterprise_account_name, email, permissions, two_factor_authentication, identity_provider_name')
    ).map((m) => ({ ...m, permissions: names(m.permissions), two_factor_authentication: bool(m.two_factor_authentication) })),
    apps: (await rows<App>('apps', 'id, name, team_id, team_name, owner_email, region, stack, acm, locked')).map((a) => ({
      ...a,
      acm: bool(a.acm),
      locked: a.locked === null ? null : bool(a.locked),
    })),
    configVars: await rows('config_vars', 'app_id, name'),
    domains: await rows<Domain>('domains', 'id, app_id, app_name, hostname, kind, acm_status, acm_status_reason, sni_endpoint_id, sni_endpoint_name'),
    sniEndpoints: (await rows<SniEndpoint>('sni_endpoints', 'id, app_id, app_name, name, cert_domains, starts_at, expires_at, self_signed, issuer')).map((e) => ({
      ...e,
      cert_domains: names(e.cert_domains),
      self_signed: bool(e.self_signed),
    })),
    collaborators: await rows<Collaborator>('collaborators', 'app_id, app_name, email, role'),
    logDrains: await rows('log_drains', 'app_id, url, addon_name'),
    addons: (await rows<Addon>('addons', 'id, name, service, app_id, app_name, config_vars')).map((a) => ({ ...a, config_vars: names(a.config_vars) })),
    addonAttachments: await rows<AddonAttachment>('addon_attachments', 'id, name, app_id, app_name, addon_id, addon_name, addon_app_id, addon_app_name'),
    pipelineCouplings: await rows('pipeline_couplings', 'app_id, pipeline_id, pipeline_name, stage'),
    oauthAuthorizations: (await rows<OAuthAuthorization>('oauth_authorizations', 'id, description, scope, expires_at, created_at, client_name')).map((a) => ({ ...a, scope: names(a.scope) })),
    auditTrail: new Map(cursors.map((c) => [c.enterprise_id, { firstDay: c.first_day, completeThrough: c.complete_through }])),
    coverage: Coverage.fromRows(coverageRows),
  };
}
