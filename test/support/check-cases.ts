/**
 * Table-driven cases for the compliance checks: the small inventories they
 * start from and the one way each check's test file runs its cases. Each
 * check's cases sit beside the check (src/compliance/checks/<check>.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from '../../src/compliance/check.js';
import { readsApps } from '../../src/compliance/evaluate.js';
import { Coverage, emptyInventory, INVENTORY_LISTS, type App, type ComplianceInventory } from '../../src/compliance/inventory.js';
import { DEFAULT_SETTINGS, type ComplianceSettings } from '../../src/settings.js';

const NOW = new Date('2026-11-20T12:00:00Z');

/** A small inventory; each case adds what it is about. Coverage: `resource` or `resource@parent` rows that are gaps. */
export function inventory(parts: Partial<ComplianceInventory> & { gaps?: string[] } = {}): ComplianceInventory {
  const { gaps = [], ...rest } = parts;
  const resources = [
    'team_members',
    'enterprise_members',
    'collaborators',
    'config_vars',
    'sni_endpoints',
    'log_drains',
    'team_apps',
    'oauth_authorizations',
    'audit_events',
    'domains',
  ];
  const rows = resources.map((resource) => {
    const whole = gaps.includes(resource);
    return {
      resource,
      parent_key: '',
      status: whole || gaps.some((g) => g.startsWith(`${resource}@`)) ? 'forbidden' : 'ok',
      reason: whole ? `${resource} refused (403)` : null,
      fix: whole ? 'give the permission' : null,
      parents: null,
    };
  });
  for (const gap of gaps.filter((g) => g.includes('@'))) {
    const [resource, parent] = gap.split('@') as [string, string];
    rows.push({
      resource,
      parent_key: parent,
      status: 'forbidden',
      reason: `${resource} of ${parent} refused (403)`,
      fix: 'give the permission',
      parents: null,
    });
  }
  return emptyInventory('acme', NOW, {
    runId: 1,
    account: { id: 'acct', email: 'ops@acme.example' },
    token: { scope: ['identity', 'read-protected'] },
    coverage: Coverage.fromRows(rows),
    ...rest,
  });
}

export const app = (name: string, extra: Partial<App> = {}): App => ({
  id: `id-${name}`,
  name,
  team_id: 'team-web',
  team_name: 'web',
  owner_email: null,
  region: 'us',
  stack: 'heroku-24',
  acm: false,
  locked: true,
  ...extra,
});
export const team = (name: string, enterprise: string | null = 'acme') => ({
  id: `team-${name}`,
  name,
  enterprise_account_id: enterprise ? `ent-${enterprise}` : null,
  enterprise_account_name: enterprise,
});
export const member = (teamName: string, email: string, extra: { role?: string; two_factor_authentication?: boolean; federated?: boolean } = {}) => ({
  team_id: `team-${teamName}`,
  team_name: teamName,
  email,
  role: extra.role ?? 'member',
  two_factor_authentication: extra.two_factor_authentication ?? true,
  federated: extra.federated ?? false,
});
export const enterprise = (idp: string | null = null) => ({ id: 'ent-acme', name: 'acme', permissions: ['view'], identity_provider_name: idp });
export const entMember = (
  email: string,
  extra: { permissions?: string[]; two_factor_authentication?: boolean; identity_provider_name?: string | null } = {},
) => ({
  enterprise_account_id: 'ent-acme',
  enterprise_account_name: 'acme',
  email,
  permissions: extra.permissions ?? ['view'],
  two_factor_authentication: extra.two_factor_authentication ?? true,
  identity_provider_name: extra.identity_provider_name ?? null,
});
export const production = (...apps: string[]) =>
  apps.map((name) => ({ app_id: `id-${name}`, pipeline_id: 'pipe-1', pipeline_name: 'shop', stage: 'production' }));
export const staging = (...apps: string[]) => apps.map((name) => ({ app_id: `id-${name}`, pipeline_id: 'pipe-1', pipeline_name: 'shop', stage: 'staging' }));
export const endpoint = (
  name: string,
  appName: string,
  extra: Partial<{ cert_domains: string[]; starts_at: string; expires_at: string | null; self_signed: boolean; acm: boolean | null }> = {},
) => ({
  id: `sni-${name}`,
  app_id: `id-${appName}`,
  app_name: appName,
  name,
  cert_domains: ['www.acme.example'],
  starts_at: '2026-01-01T00:00:00Z',
  expires_at: '2027-06-01T00:00:00Z',
  self_signed: false,
  issuer: 'CN=Trusted CA',
  acm: null,
  ...extra,
});
export const domain = (
  hostname: string,
  appName: string,
  extra: Partial<{ kind: string; acm_status: string | null; acm_status_reason: string | null; sni_endpoint_id: string | null }> = {},
) => ({
  id: `dom-${hostname}`,
  app_id: `id-${appName}`,
  app_name: appName,
  hostname,
  kind: 'custom',
  acm_status: null,
  acm_status_reason: null,
  sni_endpoint_id: null,
  sni_endpoint_name: null,
  ...extra,
});
export const attachment = (addonName: string, ownerApp: string, onApp: string, name = 'DATABASE') => ({
  id: `att-${addonName}-${onApp}`,
  name,
  app_id: `id-${onApp}`,
  app_name: onApp,
  addon_id: `addon-${addonName}`,
  addon_name: addonName,
  addon_app_id: `id-${ownerApp}`,
  addon_app_name: ownerApp,
});
export const addon = (name: string, ownerApp: string, service = 'heroku-postgresql') => ({
  id: `addon-${name}`,
  name,
  service,
  app_id: `id-${ownerApp}`,
  app_name: ownerApp,
  config_vars: ['DATABASE_URL'],
});

export interface Case {
  name: string;
  inventory: ComplianceInventory;
  settings?: Partial<ComplianceSettings>;
  /** `STATUS resource-key`, in the order the check gives them. */
  expect: string[];
  /** Something the first non-PASS message says (or the first message when all pass). */
  says?: string | RegExp;
}

/** Runs a check's cases, after checking that they include a failing and a passing result and that the check's metadata can be acted on. */
export function checkCases(check: CheckDefinition, cases: Case[]): void {
  describe(check.id, () => {
    it('has a failing and a passing case, and metadata people can act on', () => {
      const statuses = cases.flatMap((c) => c.expect.map((e) => e.split(' ')[0]));
      expect(statuses).toContain('FAIL');
      expect(statuses).toContain('PASS');
      expect(check.id).toMatch(/^[a-z0-9]+(_[a-z0-9]+)+$/);
      expect(check.title.length).toBeGreaterThan(10);
      expect(check.risk.length).toBeGreaterThan(40);
      expect(check.remediation.command ?? '').toMatch(/^(heroku|herowatch) /);
      expect(check.references.length).toBeGreaterThan(0);
    });

    it.each(cases)('$name', (test) => {
      const settings = { ...DEFAULT_SETTINGS.compliance, ...test.settings };
      // The lists it reads are the lists it names: what its results say about the age of their data depends on it.
      const touched = new Set<string>();
      const watched = new Proxy(test.inventory, { get: (target, key, receiver) => (touched.add(String(key)), Reflect.get(target, key, receiver)) });
      const results = check.evaluate(watched, settings);
      expect(
        [...touched].filter((key) => key in INVENTORY_LISTS && !(check.reads as readonly string[]).includes(key)),
        `${check.id} reads lists its \`reads\` does not name`,
      ).toEqual([]);
      // What an evaluation loads with each page of apps only: a check reading it must name a per-app list, or it runs once on
      // the account's lists, where these are empty, and passes what it never saw.
      const withThePage = ['vulnerabilities', 'vulnerabilityTests', 'referencedApps'].filter((key) => touched.has(key));
      expect(readsApps(check) || withThePage.length === 0, `${check.id} reads ${withThePage.join(', ')} but names no per-app list in \`reads\``).toBe(true);
      // A pass with a warning reads WARN.
      expect(results.map((r) => `${r.warning ? 'WARN' : r.status} ${r.resource.key}`)).toEqual(test.expect);
      for (const result of results) {
        expect(result.resource.type).toBe(result.status === 'UNKNOWN' ? result.resource.type : check.resourceType);
        expect(result.message.length).toBeGreaterThan(10);
      }
      if (test.says) {
        const shown = results.find((r) => r.status !== 'PASS') ?? results[0]!;
        expect(shown.message).toMatch(test.says);
      }
    });
  });
}
