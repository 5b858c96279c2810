import type { Severity } from '../severity.js';
import type { ComplianceSettings } from '../settings.js';
import type { CheckResultStatus } from '../store/schema.js';
import type { ComplianceInventory, CoverageGap, InventoryList } from './inventory.js';

/** What a result is about: its type, a key stable across syncs, and a name people read. */
export interface CheckResource {
  type: string;
  key: string;
  name: string;
}

export interface CheckResult {
  status: CheckResultStatus;
  resource: CheckResource;
  message: string;
  /** A pass that needs attention soon (a stack near its end of life): told with the evaluation. */
  warning?: boolean;
}

/**
 * A compliance check: metadata, and a pure function from the inventory to
 * one result per resource. Framework mappings live in the framework files
 * (frameworks/*.json), which name checks by id.
 */
export interface CheckDefinition {
  /** `<resource>_<property>_<expected_state>`. */
  id: string;
  title: string;
  severity: Severity;
  /** The type of resource each result is about (team_member, app, domain, ...). */
  resourceType: string;
  /**
   * The inventory lists its results depend on: a result's data is as old as
   * the least recently verified of them (the result's app's own, for a list
   * per app). The check cases fail when a check reads a list it does not name.
   */
  reads: readonly InventoryList[];
  /** What can go wrong when it fails. */
  risk: string;
  remediation: { text: string; command: string | null };
  references: string[];
  /** Why the check has nothing to hold resources to under these settings (null: it applies). */
  inactive?(settings: ComplianceSettings): string | null;
  evaluate(inventory: ComplianceInventory, settings: ComplianceSettings): CheckResult[];
}

export function defineCheck(check: CheckDefinition): CheckDefinition {
  return check;
}

export const pass = (resource: CheckResource, message: string): CheckResult => ({ status: 'PASS', resource, message });
export const fail = (resource: CheckResource, message: string): CheckResult => ({ status: 'FAIL', resource, message });
/** A pass for now, with something to act on before it fails. */
export const warn = (resource: CheckResource, message: string): CheckResult => ({ status: 'PASS', resource, message, warning: true });
/** The check cannot tell: what it needs was not read, and the sync said why. */
export const unknown = (resource: CheckResource, gap: CoverageGap): CheckResult => ({
  status: 'UNKNOWN',
  resource,
  message: `Cannot be evaluated: ${gap.reason}${gap.fix ? ` (fix: ${gap.fix})` : ''}`,
});

/** Resource identities shared by several checks. */
export const resources = {
  connection: (inventory: ComplianceInventory): CheckResource => ({
    type: 'connection',
    key: `connection/${inventory.connection}`,
    name: inventory.account?.email ?? inventory.connection,
  }),
  team: (team: { id: string; name: string }): CheckResource => ({ type: 'team', key: `team/${team.name}`, name: team.name }),
  teamMember: (m: { team_name: string; email: string }): CheckResource => ({
    type: 'team_member',
    key: `team/${m.team_name}/${m.email}`,
    name: `${m.email} in ${m.team_name}`,
  }),
  enterprise: (e: { name: string }): CheckResource => ({ type: 'enterprise_account', key: `enterprise/${e.name}`, name: e.name }),
  enterpriseMember: (m: { enterprise_account_name: string; email: string }): CheckResource => ({
    type: 'enterprise_member',
    key: `enterprise/${m.enterprise_account_name}/${m.email}`,
    name: `${m.email} in ${m.enterprise_account_name}`,
  }),
  app: (app: { name: string }): CheckResource => ({ type: 'app', key: `app/${app.name}`, name: app.name }),
  collaborator: (c: { app_name: string; email: string }): CheckResource => ({
    type: 'app_collaborator',
    key: `app/${c.app_name}/${c.email}`,
    name: `${c.email} on ${c.app_name}`,
  }),
  domain: (d: { app_name: string; hostname: string }): CheckResource => ({ type: 'domain', key: `app/${d.app_name}/${d.hostname}`, name: d.hostname }),
  sniEndpoint: (e: { app_name: string; name: string }): CheckResource => ({
    type: 'sni_endpoint',
    key: `app/${e.app_name}/${e.name}`,
    name: `${e.name} on ${e.app_name}`,
  }),
  attachment: (a: { addon_name: string; app_name: string; name: string }): CheckResource => ({
    type: 'addon_attachment',
    key: `addon/${a.addon_name}/${a.app_name}/${a.name}`,
    name: `${a.addon_name} as ${a.name} on ${a.app_name}`,
  }),
  authorization: (a: { id: string; description: string | null }): CheckResource => ({
    type: 'oauth_authorization',
    key: `authorization/${a.id}`,
    name: a.description || a.id,
  }),
};

/** Groups items by a key, keeping order. */
export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * One result per child of each parent (members of a team, collaborators of
 * an app ...); where a parent's children were not read, one UNKNOWN for the
 * parent carrying the coverage gap.
 */
export function perChild<P extends { id: string }, C>(
  inventory: ComplianceInventory,
  resource: string,
  parents: P[],
  children: Map<string, C[]>,
  parentResource: (parent: P) => CheckResource,
  evaluate: (child: C, parent: P) => CheckResult,
): CheckResult[] {
  const results: CheckResult[] = [];
  for (const parent of parents) {
    const gap = inventory.coverage.gap(resource, parent.id);
    if (gap) results.push(unknown(parentResource(parent), gap));
    else for (const child of children.get(parent.id) ?? []) results.push(evaluate(child, parent));
  }
  return results;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * The email domains counted as the company's: configured, or else those of
 * team admins and enterprise members holding `manage` (and, with neither,
 * the connection's own account).
 */
export function allowedDomains(inventory: ComplianceInventory, settings: ComplianceSettings): Set<string> {
  if (settings.allowed_email_domains) return new Set(settings.allowed_email_domains);
  const domains = new Set<string>();
  for (const m of inventory.teamMembers) if (m.role === 'admin') domains.add(emailDomain(m.email));
  for (const m of inventory.enterpriseMembers) if (m.permissions.includes('manage')) domains.add(emailDomain(m.email));
  if (domains.size === 0 && inventory.account) domains.add(emailDomain(inventory.account.email));
  return domains;
}

/** Apps coupled to a pipeline's production stage, with the pipeline. */
export function productionApps(inventory: ComplianceInventory): Map<string, string> {
  return new Map(inventory.pipelineCouplings.filter((c) => c.stage === 'production').map((c) => [c.app_id, c.pipeline_id]));
}
