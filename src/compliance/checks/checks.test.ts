import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type ComplianceSettings } from '../../settings.js';
import type { CheckDefinition } from '../check.js';
import { Coverage, emptyInventory, type App, type ComplianceInventory } from '../inventory.js';
import { CHECKS, checkNamed } from '../registry.js';

const NOW = new Date('2026-11-20T12:00:00Z');

/** A small inventory; each case adds what it is about. Coverage: `resource` or `resource@parent` rows that are gaps. */
function inventory(parts: Partial<ComplianceInventory> & { gaps?: string[] } = {}): ComplianceInventory {
  const { gaps = [], ...rest } = parts;
  const resources = ['team_members', 'enterprise_members', 'collaborators', 'config_vars', 'sni_endpoints', 'log_drains', 'team_apps', 'oauth_authorizations', 'audit_events', 'domains'];
  const rows = resources.map((resource) => {
    const whole = gaps.includes(resource);
    return { resource, parent_key: '', status: whole || gaps.some((g) => g.startsWith(`${resource}@`)) ? 'forbidden' : 'ok', reason: whole ? `${resource} refused (403)` : null, fix: whole ? 'give the permission' : null, parents: null };
  });
  for (const gap of gaps.filter((g) => g.includes('@'))) {
    const [resource, parent] = gap.split('@') as [string, string];
    rows.push({ resource, parent_key: parent, status: 'forbidden', reason: `${resource} of ${parent} refused (403)`, fix: 'give the permission', parents: null });
  }
  return emptyInventory('acme', NOW, {
    runId: 1,
    account: { id: 'acct', email: 'ops@acme.example' },
    token: { scope: ['identity', 'read-protected'] },
    coverage: Coverage.fromRows(rows),
    ...rest,
  });
}

const app = (name: string, extra: Partial<App> = {}): App => ({ id: `id-${name}`, name, team_id: 'team-web', team_name: 'web', owner_email: null, region: 'us', stack: 'heroku-24', acm: false, locked: true, ...extra });
const team = (name: string, enterprise: string | null = 'acme') => ({ id: `team-${name}`, name, enterprise_account_id: enterprise ? `ent-${enterprise}` : null, enterprise_account_name: enterprise });
const member = (teamName: string, email: string, extra: { role?: string; two_factor_authentication?: boolean; federated?: boolean } = {}) => ({
  team_id: `team-${teamName}`,
  team_name: teamName,
  email,
  role: extra.role ?? 'member',
  two_factor_authentication: extra.two_factor_authentication ?? true,
  federated: extra.federated ?? false,
});
const enterprise = (idp: string | null = null) => ({ id: 'ent-acme', name: 'acme', permissions: ['view'], identity_provider_name: idp });
const entMember = (email: string, extra: { permissions?: string[]; two_factor_authentication?: boolean; identity_provider_name?: string | null } = {}) => ({
  enterprise_account_id: 'ent-acme',
  enterprise_account_name: 'acme',
  email,
  permissions: extra.permissions ?? ['view'],
  two_factor_authentication: extra.two_factor_authentication ?? true,
  identity_provider_name: extra.identity_provider_name ?? null,
});
const production = (...apps: string[]) => apps.map((name) => ({ app_id: `id-${name}`, pipeline_id: 'pipe-1', pipeline_name: 'shop', stage: 'production' }));
const staging = (...apps: string[]) => apps.map((name) => ({ app_id: `id-${name}`, pipeline_id: 'pipe-1', pipeline_name: 'shop', stage: 'staging' }));
const endpoint = (name: string, appName: string, extra: Partial<{ cert_domains: string[]; starts_at: string; expires_at: string | null; self_signed: boolean }> = {}) => ({
  id: `sni-${name}`,
  app_id: `id-${appName}`,
  app_name: appName,
  name,
  cert_domains: ['www.acme.example'],
  starts_at: '2026-01-01T00:00:00Z',
  expires_at: '2027-06-01T00:00:00Z',
  self_signed: false,
  issuer: 'CN=Trusted CA',
  ...extra,
});
const domain = (hostname: string, appName: string, extra: Partial<{ kind: string; acm_status: string | null; acm_status_reason: string | null; sni_endpoint_id: string | null }> = {}) => ({
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
const attachment = (addonName: string, ownerApp: string, onApp: string, name = 'DATABASE') => ({
  id: `att-${addonName}-${onApp}`,
  name,
  app_id: `id-${onApp}`,
  app_name: onApp,
  addon_id: `addon-${addonName}`,
  addon_name: addonName,
  addon_app_id: `id-${ownerApp}`,
  addon_app_name: ownerApp,
});
const addon = (name: string, ownerApp: string, service = 'heroku-postgresql') => ({ id: `addon-${name}`, name, service, app_id: `id-${ownerApp}`, app_name: ownerApp, config_vars: ['DATABASE_URL'] });

interface Case {
  name: string;
  inventory: ComplianceInventory;
  settings?: Partial<ComplianceSettings>;
  /** `STATUS resource-key`, in the order the check gives them. */
  expect: string[];
  /** Something the first non-PASS message says (or the first message when all pass). */
  says?: string | RegExp;
}

const CASES: Record<string, Case[]> = {
  team_member_2fa_enabled: [
    { name: 'no teams', inventory: inventory(), expect: [] },
    {
      name: 'member without 2FA fails; federated and 2FA members pass',
      inventory: inventory({
        teams: [team('web')],
        teamMembers: [member('web', 'a@acme.example'), member('web', 'b@acme.example', { two_factor_authentication: false }), member('web', 'c@acme.example', { two_factor_authentication: false, federated: true })],
      }),
      expect: ['PASS team/web/a@acme.example', 'FAIL team/web/b@acme.example', 'PASS team/web/c@acme.example'],
      says: 'b@acme.example (member of web) has 2FA off and does not sign in through an identity provider.',
    },
    { name: 'members not readable', inventory: inventory({ teams: [team('web')], gaps: ['team_members@team-web'] }), expect: ['UNKNOWN team/web'], says: /Cannot be evaluated: team_members of team-web refused/ },
  ],
  enterprise_member_2fa_enabled: [
    { name: 'no enterprise', inventory: inventory(), expect: [] },
    {
      name: 'member without 2FA fails; federated passes',
      inventory: inventory({ enterpriseAccounts: [enterprise()], enterpriseMembers: [entMember('a@acme.example', { two_factor_authentication: false }), entMember('b@acme.example', { two_factor_authentication: false, identity_provider_name: 'okta' })] }),
      expect: ['FAIL enterprise/acme/a@acme.example', 'PASS enterprise/acme/b@acme.example'],
      says: 'a@acme.example (view in acme) has 2FA off',
    },
    { name: 'no view permission', inventory: inventory({ enterpriseAccounts: [enterprise()], gaps: ['enterprise_members@ent-acme'] }), expect: ['UNKNOWN enterprise/acme'] },
  ],
  enterprise_member_federated: [
    { name: 'enterprise without identity provider: nothing to check', inventory: inventory({ enterpriseAccounts: [enterprise()], enterpriseMembers: [entMember('a@acme.example')] }), expect: [] },
    {
      name: 'member outside SSO fails',
      inventory: inventory({ enterpriseAccounts: [enterprise('acme-okta')], enterpriseMembers: [entMember('a@acme.example'), entMember('b@acme.example', { identity_provider_name: 'acme-okta' })] }),
      expect: ['FAIL enterprise/acme/a@acme.example', 'PASS enterprise/acme/b@acme.example'],
      says: "a@acme.example does not sign in through acme's identity provider (acme-okta).",
    },
    { name: 'members not readable', inventory: inventory({ enterpriseAccounts: [enterprise('acme-okta')], gaps: ['enterprise_members@ent-acme'] }), expect: ['UNKNOWN enterprise/acme'] },
  ],
  team_admins_limited: [
    { name: 'no teams', inventory: inventory(), expect: [] },
    {
      name: 'four admins fail, three pass',
      inventory: inventory({
        teams: [team('web'), team('data')],
        teamMembers: [
          ...['a', 'b', 'c', 'd'].map((n) => member('web', `${n}@acme.example`, { role: 'admin' })),
          ...['a', 'b', 'c'].map((n) => member('data', `${n}@acme.example`, { role: 'admin' })),
          member('data', 'e@acme.example'),
        ],
      }),
      expect: ['FAIL team/web', 'PASS team/data'],
      says: 'web has 4 admins (at most 3 expected): a@acme.example, b@acme.example, c@acme.example, d@acme.example.',
    },
    { name: 'threshold from settings', inventory: inventory({ teams: [team('web')], teamMembers: [member('web', 'a@acme.example', { role: 'admin' }), member('web', 'b@acme.example', { role: 'admin' })] }), settings: { team_max_admins: 1 }, expect: ['FAIL team/web'] },
    { name: 'members not readable', inventory: inventory({ teams: [team('web')], gaps: ['team_members@team-web'] }), expect: ['UNKNOWN team/web'] },
  ],
  enterprise_manage_permission_limited: [
    { name: 'no enterprise', inventory: inventory(), expect: [] },
    {
      name: 'four managers fail',
      inventory: inventory({ enterpriseAccounts: [enterprise()], enterpriseMembers: ['a', 'b', 'c', 'd'].map((n) => entMember(`${n}@acme.example`, { permissions: ['view', 'manage'] })) }),
      expect: ['FAIL enterprise/acme'],
      says: /^4 members of acme hold manage \(at most 3 expected\)/,
    },
    { name: 'three managers pass', inventory: inventory({ enterpriseAccounts: [enterprise()], enterpriseMembers: ['a', 'b', 'c'].map((n) => entMember(`${n}@acme.example`, { permissions: ['manage'] })) }), expect: ['PASS enterprise/acme'] },
    { name: 'members not readable', inventory: inventory({ enterpriseAccounts: [enterprise()], gaps: ['enterprise_members@ent-acme'] }), expect: ['UNKNOWN enterprise/acme'] },
  ],
  app_collaborator_internal: [
    { name: 'no apps', inventory: inventory(), expect: [] },
    {
      name: 'outside domain fails; company domain (from team admins) passes',
      inventory: inventory({
        teams: [team('web')],
        teamMembers: [member('web', 'boss@acme.example', { role: 'admin' })],
        apps: [app('shop')],
        collaborators: [
          { app_id: 'id-shop', app_name: 'shop', email: 'dev@acme.example', role: 'member' },
          { app_id: 'id-shop', app_name: 'shop', email: 'freelancer@gmail.example', role: 'collaborator' },
        ],
      }),
      expect: ['PASS app/shop/dev@acme.example', 'FAIL app/shop/freelancer@gmail.example'],
      says: 'freelancer@gmail.example has access to shop but gmail.example is not a company domain (acme.example).',
    },
    {
      name: 'allowed domains from settings',
      inventory: inventory({ apps: [app('shop')], collaborators: [{ app_id: 'id-shop', app_name: 'shop', email: 'x@agency.example', role: null }] }),
      settings: { allowed_email_domains: ['acme.example', 'agency.example'] },
      expect: ['PASS app/shop/x@agency.example'],
    },
    { name: 'collaborators not readable', inventory: inventory({ apps: [app('shop')], gaps: ['collaborators@id-shop'] }), expect: ['UNKNOWN app/shop'] },
  ],
  app_sensitive_config_external_access: [
    { name: 'no apps', inventory: inventory(), expect: [] },
    {
      name: 'credentials and an outsider fail; credentials with insiders, or no credentials, pass',
      inventory: inventory({
        apps: [app('shop', { team_id: null, team_name: null, owner_email: 'ops@acme.example' }), app('docs', { team_id: null, team_name: null, owner_email: 'ops@acme.example' }), app('api', { team_id: null, team_name: null, owner_email: 'ops@acme.example' })],
        configVars: [
          { app_id: 'id-shop', name: 'STRIPE_SECRET_KEY' },
          { app_id: 'id-shop', name: 'LOG_LEVEL' },
          { app_id: 'id-docs', name: 'LOG_LEVEL' },
          { app_id: 'id-api', name: 'REDIS_URL' },
        ],
        collaborators: [
          { app_id: 'id-shop', app_name: 'shop', email: 'freelancer@gmail.example', role: null },
          { app_id: 'id-docs', app_name: 'docs', email: 'freelancer@gmail.example', role: null },
          { app_id: 'id-api', app_name: 'api', email: 'dev@acme.example', role: null },
        ],
      }),
      expect: ['FAIL app/shop', 'PASS app/docs', 'PASS app/api'],
      says: 'shop holds credentials (STRIPE_SECRET_KEY) and freelancer@gmail.example from outside the company can read them.',
    },
    {
      name: 'names provided by an attached add-on count',
      inventory: inventory({
        apps: [app('shop', { team_id: null, owner_email: 'ops@acme.example' })],
        configVars: [{ app_id: 'id-shop', name: 'PRIMARY_URL' }, { app_id: 'id-shop', name: 'PRIMARY' }],
        addonAttachments: [attachment('pg-1', 'shop', 'shop', 'PRIMARY')],
        collaborators: [{ app_id: 'id-shop', app_name: 'shop', email: 'x@gmail.example', role: null }],
      }),
      expect: ['FAIL app/shop'],
      says: 'shop holds credentials (PRIMARY, PRIMARY_URL) and x@gmail.example from outside the company can read them.',
    },
    { name: 'config vars not readable (read scope)', inventory: inventory({ apps: [app('shop')], gaps: ['config_vars@id-shop'] }), expect: ['UNKNOWN app/shop'], says: /config_vars of id-shop refused/ },
  ],
  app_custom_domain_tls: [
    { name: 'no domains', inventory: inventory({ apps: [app('shop')] }), expect: [] },
    {
      name: 'each way to pass and to fail',
      inventory: inventory({
        apps: [app('shop', { acm: true }), app('blog')],
        domains: [
          domain('shop.acme.example', 'shop', { acm_status: 'cert issued' }),
          domain('pay.acme.example', 'shop', { acm_status: 'failing', acm_status_reason: 'CNAME not pointing to Heroku' }),
          domain('blog.herokuapp.com', 'blog', { kind: 'heroku' }),
          domain('www.acme.example', 'blog', { sni_endpoint_id: 'sni-good' }),
          domain('old.acme.example', 'blog', { sni_endpoint_id: 'sni-expired' }),
          domain('other.acme.example', 'blog', { sni_endpoint_id: 'sni-good' }),
          domain('plain.acme.example', 'blog'),
        ],
        sniEndpoints: [endpoint('good', 'blog', { cert_domains: ['*.acme.example'] }), endpoint('expired', 'blog', { cert_domains: ['old.acme.example'], expires_at: '2026-11-01T00:00:00Z' })],
      }),
      expect: ['PASS app/shop/shop.acme.example', 'FAIL app/shop/pay.acme.example', 'PASS app/blog/www.acme.example', 'FAIL app/blog/old.acme.example', 'PASS app/blog/other.acme.example', 'FAIL app/blog/plain.acme.example'],
      says: 'pay.acme.example on shop: ACM is on but has not issued a certificate (status failing: CNAME not pointing to Heroku).',
    },
    {
      name: 'a certificate for another name fails, saying which',
      inventory: inventory({ apps: [app('blog')], domains: [domain('api.acme.example', 'blog', { sni_endpoint_id: 'sni-www' })], sniEndpoints: [endpoint('www', 'blog')] }),
      expect: ['FAIL app/blog/api.acme.example'],
      says: 'api.acme.example on blog: certificate www does not cover it (it covers www.acme.example).',
    },
    { name: 'certificates not readable', inventory: inventory({ apps: [app('blog')], domains: [domain('www.acme.example', 'blog', { sni_endpoint_id: 'sni-x' })], gaps: ['sni_endpoints@id-blog'] }), expect: ['UNKNOWN app/blog/www.acme.example'] },
  ],
  sni_endpoint_certificate_valid: [
    { name: 'no endpoints', inventory: inventory({ apps: [app('shop')] }), expect: [] },
    {
      name: 'a certificate without an expiry date is unknown, never a pass',
      inventory: inventory({ apps: [app('shop')], sniEndpoints: [endpoint('dateless', 'shop', { expires_at: null })] }),
      expect: ['UNKNOWN app/shop/dateless'],
      says: 'Heroku reported no expiry date for certificate dateless on shop.',
    },
    {
      name: 'expired, expiring and self-signed fail; valid passes',
      inventory: inventory({
        apps: [app('shop')],
        sniEndpoints: [
          endpoint('ok', 'shop'),
          endpoint('expired', 'shop', { expires_at: '2026-10-01T00:00:00Z' }),
          endpoint('soon', 'shop', { expires_at: '2026-12-05T00:00:00Z' }),
          endpoint('self', 'shop', { self_signed: true }),
        ],
      }),
      expect: ['PASS app/shop/ok', 'FAIL app/shop/expired', 'FAIL app/shop/soon', 'FAIL app/shop/self'],
      says: 'Certificate expired on shop expired on 2026-10-01.',
    },
    { name: 'warning window from settings', inventory: inventory({ apps: [app('shop')], sniEndpoints: [endpoint('soon', 'shop', { expires_at: '2026-12-05T00:00:00Z' })] }), settings: { certificate_expiry_warning_days: 7 }, expect: ['PASS app/shop/soon'] },
    { name: 'endpoints not readable', inventory: inventory({ apps: [app('shop')], gaps: ['sni_endpoints@id-shop'] }), expect: ['UNKNOWN app/shop'] },
  ],
  app_stack_supported: [
    { name: 'no apps', inventory: inventory(), expect: [] },
    {
      name: 'past end of life fails; soon warns; supported and unknown stacks pass',
      inventory: inventory({ apps: [app('old', { stack: 'heroku-20' }), app('soon', { stack: 'heroku-22' }), app('new', { stack: 'heroku-24' }), app('docker', { stack: 'container' })] }),
      expect: ['FAIL app/old', 'PASS app/soon', 'PASS app/new', 'PASS app/docker'],
      says: 'old runs on heroku-20, which reached end of life on 2025-04-30.',
    },
    {
      name: 'the warning names the date',
      inventory: inventory({ apps: [app('soon', { stack: 'heroku-22' })] }),
      expect: ['PASS app/soon'],
      says: 'soon runs on heroku-22, which reaches end of life on 2027-04-30, in 161 days: plan the upgrade.',
    },
    {
      name: 'an app without a stack is unknown, never a pass',
      inventory: inventory({ apps: [app('bare', { stack: null })] }),
      expect: ['UNKNOWN app/bare'],
      says: 'Heroku reported no stack for bare',
    },
  ],
  addon_data_attachment_scoped: [
    { name: 'no attachments', inventory: inventory({ apps: [app('shop')] }), expect: [] },
    {
      name: 'production database on staging or another team fails; own app, same-stage and non-data add-ons pass',
      inventory: inventory({
        apps: [app('shop'), app('shop-staging'), app('shop-worker'), app('analytics', { team_id: 'team-data', team_name: 'data' })],
        pipelineCouplings: [...production('shop', 'shop-worker'), ...staging('shop-staging')],
        addons: [addon('pg-main', 'shop'), addon('logs', 'shop', 'papertrail')],
        addonAttachments: [
          attachment('pg-main', 'shop', 'shop'),
          attachment('pg-main', 'shop', 'shop-worker', 'MAIN_DB'),
          attachment('pg-main', 'shop', 'shop-staging', 'PROD_DB'),
          attachment('pg-main', 'shop', 'analytics', 'SHOP_DB'),
          attachment('logs', 'shop', 'shop-staging', 'PAPERTRAIL'),
        ],
      }),
      expect: ['PASS addon/pg-main/shop/DATABASE', 'PASS addon/pg-main/shop-worker/MAIN_DB', 'FAIL addon/pg-main/shop-staging/PROD_DB', 'FAIL addon/pg-main/analytics/SHOP_DB'],
      says: 'Production data store pg-main (heroku-postgresql) of shop is attached to shop-staging, which is not in the production stage of the same pipeline.',
    },
    {
      name: 'the add-on of an app the connection cannot see',
      inventory: inventory({ apps: [app('shop')], addons: [addon('pg-x', 'hidden')], addonAttachments: [attachment('pg-x', 'hidden', 'shop')] }),
      expect: ['FAIL addon/pg-x/shop/DATABASE'],
      says: /not visible to this connection/,
    },
  ],
  production_app_locked: [
    { name: 'no production apps', inventory: inventory({ apps: [app('shop', { locked: false })] }), expect: [] },
    {
      name: 'unlocked production team app fails; personal apps are not concerned',
      inventory: inventory({ apps: [app('shop', { locked: false }), app('api'), app('mine', { team_id: null, team_name: null, owner_email: 'ops@acme.example', locked: null })], pipelineCouplings: production('shop', 'api', 'mine') }),
      expect: ['FAIL app/shop', 'PASS app/api'],
      says: 'shop is in production but not locked: any member of web can join it.',
    },
    { name: 'lock state not read', inventory: inventory({ apps: [app('shop', { locked: null })], pipelineCouplings: production('shop'), gaps: ['team_apps'] }), expect: ['UNKNOWN app/shop'] },
  ],
  production_app_log_drain_configured: [
    { name: 'no production apps', inventory: inventory({ apps: [app('shop')] }), expect: [] },
    {
      name: 'production app without drain fails',
      inventory: inventory({ apps: [app('shop'), app('api'), app('dev')], pipelineCouplings: production('shop', 'api'), logDrains: [{ app_id: 'id-api', url: null, addon_name: 'papertrail-1' }] }),
      expect: ['FAIL app/shop', 'PASS app/api'],
      says: 'shop is in production and has no log drain.',
    },
    { name: 'drains not readable', inventory: inventory({ apps: [app('shop')], pipelineCouplings: production('shop'), gaps: ['log_drains@id-shop'] }), expect: ['UNKNOWN app/shop'] },
  ],
  oauth_authorization_rotated: [
    { name: 'no authorizations', inventory: inventory(), expect: [] },
    {
      name: 'old never-expiring token fails; expiring or young ones pass',
      inventory: inventory({
        oauthAuthorizations: [
          { id: 'old', description: 'CI deploys', scope: ['global'], expires_at: null, created_at: '2026-01-01T00:00:00Z', client_name: null },
          { id: 'young', description: 'new', scope: ['global'], expires_at: null, created_at: '2026-11-01T00:00:00Z', client_name: null },
          { id: 'expiring', description: 'herowatch', scope: ['read'], expires_at: '2027-01-01T00:00:00Z', created_at: '2025-01-01T00:00:00Z', client_name: null },
        ],
      }),
      expect: ['FAIL authorization/old', 'PASS authorization/young', 'PASS authorization/expiring'],
      says: '"CI deploys" (global) never expires and is 323 days old (rotate after 90).',
    },
    { name: 'least-privilege token cannot list them', inventory: inventory({ gaps: ['oauth_authorizations'] }), expect: ['UNKNOWN connection/acme'] },
  ],
  connection_token_least_privilege: [
    { name: 'scoped token passes', inventory: inventory(), expect: ['PASS connection/acme'] },
    { name: 'global token fails', inventory: inventory({ token: { scope: ['global'] } }), expect: ['FAIL connection/acme'], says: 'Connection acme uses a token with the global scope (global).' },
    { name: 'never tested', inventory: inventory({ token: null }), expect: ['UNKNOWN connection/acme'] },
  ],
  enterprise_audit_trail_collected: [
    { name: 'no enterprise', inventory: inventory(), expect: [] },
    {
      name: 'complete last 7 days pass; a late start or a stale cursor fail',
      inventory: inventory({
        enterpriseAccounts: [enterprise(), { ...enterprise(), id: 'ent-late', name: 'late' }, { ...enterprise(), id: 'ent-stale', name: 'stale' }, { ...enterprise(), id: 'ent-none', name: 'none' }],
        auditTrail: new Map([
          ['ent-acme', { firstDay: '2026-10-21', completeThrough: '2026-11-19' }],
          ['ent-late', { firstDay: '2026-11-17', completeThrough: '2026-11-19' }],
          ['ent-stale', { firstDay: '2026-10-21', completeThrough: '2026-11-15' }],
        ]),
      }),
      expect: ['PASS enterprise/acme', 'FAIL enterprise/late', 'FAIL enterprise/stale', 'FAIL enterprise/none'],
      says: 'The audit trail of late for 2026-11-13 to 2026-11-19 is incomplete: collection began on 2026-11-17.',
    },
    {
      name: 'no view permission fails, saying why',
      inventory: inventory({ enterpriseAccounts: [enterprise()], gaps: ['audit_events@ent-acme'] }),
      expect: ['FAIL enterprise/acme'],
      says: 'The audit trail of acme for 2026-11-13 to 2026-11-19 was not collected: audit_events of ent-acme refused (403) (fix: give the permission).',
    },
  ],
  app_region_allowed: [
    { name: 'not configured: nothing to check', inventory: inventory({ apps: [app('shop', { region: 'eu' })] }), expect: [] },
    { name: 'configured', inventory: inventory({ apps: [app('shop', { region: 'us' }), app('eu-shop', { region: 'eu' })] }), settings: { allowed_regions: ['eu'] }, expect: ['FAIL app/shop', 'PASS app/eu-shop'], says: 'shop runs in us, not in an allowed region (eu).' },
    { name: 'no apps', inventory: inventory(), settings: { allowed_regions: ['eu'] }, expect: [] },
    { name: 'an app without a region is unknown', inventory: inventory({ apps: [app('bare', { region: null })] }), settings: { allowed_regions: ['eu'] }, expect: ['UNKNOWN app/bare'], says: 'Heroku reported no region for bare' },
  ],
};

describe('every check', () => {
  it('has table-driven cases with a failing and a passing result, and metadata people can act on', () => {
    expect(Object.keys(CASES).sort()).toEqual(CHECKS.map((c) => c.id).sort());
    for (const check of CHECKS) {
      const statuses = CASES[check.id]!.flatMap((c) => c.expect.map((e) => e.split(' ')[0]));
      expect(statuses, check.id).toContain('FAIL');
      expect(statuses, check.id).toContain('PASS');
      expect(check.id).toMatch(/^[a-z0-9]+(_[a-z0-9]+)+$/);
      expect(check.title.length, check.id).toBeGreaterThan(10);
      expect(check.risk.length, check.id).toBeGreaterThan(40);
      expect(check.remediation.command ?? '', check.id).toMatch(/^heroku /);
      expect(check.references.length, check.id).toBeGreaterThan(0);
    }
  });
});

describe.each(Object.entries(CASES))('%s', (id, cases) => {
  const check = checkNamed(id) as CheckDefinition;
  it.each(cases)('$name', (test) => {
    const settings = { ...DEFAULT_SETTINGS.compliance, ...test.settings };
    const results = check.evaluate(test.inventory, settings);
    expect(results.map((r) => `${r.status} ${r.resource.key}`)).toEqual(test.expect);
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
