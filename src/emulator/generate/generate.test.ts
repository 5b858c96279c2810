import { describe, expect, it } from 'vitest';
import { validateScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { buildWorld } from '../world/build.js';
import { generateScenario, parseGenerateSpec } from './generate.js';
import type { Planted } from './planted.js';

const DAY = 86_400_000;

describe('generateScenario', () => {
  it('makes the same world from the same options, and another from another seed', () => {
    const a = generateScenario({ apps: 120, seed: 9 });
    expect(generateScenario({ apps: 120, seed: 9 })).toEqual(a);
    expect(generateScenario({ apps: 120, seed: 10 }).scenario).not.toEqual(a.scenario);
  });

  it('keeps unrelated parts stable when one count changes', () => {
    const base = generateScenario({ apps: 60, seed: 3 });
    const moreEvents = generateScenario({ apps: 60, seed: 3, eventsPerDay: 99 });
    expect(moreEvents.scenario.apps).toEqual(base.scenario.apps);
  });

  it.each([
    { apps: 1, teams: 1, members: 5, domains: 3, addons: 1, days: 1 },
    { apps: 250, teams: 4, members: 40, domains: 300, addons: 400, days: 14 },
    { apps: 2000, teams: 12, members: 150, domains: 4000, addons: 4000, days: 7, seed: 77 },
    { apps: 40, teams: 0, members: 6, enterprises: 0 as const },
  ])('produces exactly the requested counts and a scenario that loads cleanly: %j', (options) => {
    const { scenario } = generateScenario(options);
    const world = buildWorld(validateScenario(JSON.parse(JSON.stringify(scenario))));
    expect(world.apps.size).toBe(options.apps);
    expect(world.teams.size).toBe(options.teams);
    const custom = [...world.apps.values()].reduce((n, app) => n + app.domains.filter((d) => d.kind === 'custom').length, 0);
    const production = scenario.pipelines!.flatMap((p) => p.couplings ?? []).filter((c) => c.stage === 'production').length;
    expect(custom).toBe(production > 0 ? (options.domains ?? options.apps * 2) : 0);
    expect(world.addons.size).toBeLessThanOrEqual(options.addons ?? options.apps * 2);
    expect(world.addons.size).toBeGreaterThan(0);
    if (options.enterprises !== 0) {
      expect([...world.enterprises.values()][0]!.auditTrail.days()).toHaveLength(options.days ?? 30);
    }
  });

  it('plants each imperfection at about its rate', () => {
    const { planted, scenario } = generateScenario({ apps: 3000, seed: 5, rates: { eolStack: 0.1, vulnerableSlug: 0.25 } });
    const eol = planted.eol_stack_apps.length / scenario.apps!.length;
    expect(eol).toBeGreaterThan(0.08);
    expect(eol).toBeLessThan(0.12);
    const vulnerable = Object.keys(planted.vulnerable_apps).length / scenario.apps!.length;
    expect(vulnerable).toBeGreaterThan(0.22);
    expect(vulnerable).toBeLessThan(0.28);
  });

  it.each([1, 2, 3])('records exactly what it planted, nothing more or less (seed %i)', (seed) => {
    const { scenario, planted, tokens } = generateScenario({ apps: 600, seed, hiddenTeams: 1, rates: { prodDbOnStaging: 0.3, manualCert: 0.4 } });
    const truth = plantedFromScratch(scenario, tokens.readOnly);
    for (const key of Object.keys(truth) as (keyof typeof truth)[]) {
      expect(sorted(planted[key] as string[] | Record<string, unknown>), key).toEqual(sorted(truth[key]));
    }
  });

  it('gives the auditing account a least-privilege token and a global one', () => {
    const { scenario, tokens } = generateScenario({ apps: 10 });
    const auditor = scenario.accounts![0]!;
    expect(auditor.tokens!.find((t) => t.token === tokens.readOnly)!.scope).toEqual(['identity', 'read-protected']);
    expect(auditor.tokens!.find((t) => t.token === tokens.global)!.scope).toEqual(['global']);
  });
});

describe('parseGenerateSpec', () => {
  it('reads counts, rates and the clock', () => {
    expect(parseGenerateSpec('apps=2000, teams=12,members=150,events-per-day=40,no2fa=0.2,now=2026-01-01T00:00:00Z')).toEqual({
      apps: 2000,
      teams: 12,
      members: 150,
      eventsPerDay: 40,
      now: '2026-01-01T00:00:00Z',
      rates: { no2fa: 0.2 },
    });
  });

  it.each([
    ['apps', 'needs a value'],
    ['apps=many', 'must be a whole number'],
    ['no2fa=2', 'is a rate between 0 and 1'],
    ['colour=blue', 'unknown setting "colour"'],
    ['now=soon', 'is not an ISO 8601'],
    ['enterprises=2', 'enterprises is 0 or 1'],
  ])('rejects %s', (spec, message) => {
    expect(() => parseGenerateSpec(spec)).toThrow(message);
  });
});

function sorted(value: string[] | Record<string, unknown>): unknown {
  return Array.isArray(value) ? [...value].sort() : Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Works out from the scenario alone what is wrong with it, by the rules the
 * planted lists describe; the generator's own record must match.
 */
function plantedFromScratch(
  scenario: Scenario,
  auditorToken: string,
): Omit<Planted, 'company' | 'domain' | 'auditor' | 'enterprise_members_not_federated' | 'enterprise_members_without_2fa' | 'apps_without_tls'> {
  const now = Date.parse(scenario.now!);
  const accounts = new Map(scenario.accounts!.map((a) => [a.email, a]));
  const auditor = scenario.accounts!.find((a) => a.tokens!.some((t) => t.token === auditorToken))!;
  const companyDomain = auditor.email.split('@')[1]!;
  const stageOf = new Map(scenario.pipelines!.flatMap((p) => (p.couplings ?? []).map((c) => [c.app, c.stage] as const)));
  const production = (app: string) => stageOf.get(app) === 'production';
  const apps = scenario.apps!;

  const withSni = apps.flatMap((app) => (app.sni_endpoints ?? []).map((e) => ({ app, e })));
  const validCert = (app: (typeof apps)[number], hostname: string) =>
    (app.sni_endpoints ?? []).some(
      (e) => e.cert_domains.includes(hostname) && Date.parse(e.expires_at) > now && Date.parse(e.starts_at ?? '1970-01-01') <= now,
    );
  const dataStores = new Set(['heroku-postgresql', 'heroku-redis', 'heroku-kafka', 'cloudamqp', 'rediscloud', 'bonsai', 'bucketeer']);

  return {
    hidden_teams: scenario.teams!.filter((t) => !t.members!.some((m) => m.email === auditor.email)).map((t) => t.name),
    team_members_without_2fa: scenario.teams!.flatMap((t) =>
      t
        .members!.filter((m) => accounts.get(m.email)!.two_factor_authentication === false && !accounts.get(m.email)!.federated)
        .map((m) => `${t.name}/${m.email}`),
    ),
    teams_with_excess_admins: scenario.teams!.filter((t) => t.members!.filter((m) => m.role === 'admin').length > 3).map((t) => t.name),
    enterprise_excess_manage: scenario
      .enterprise_accounts!.filter((e) => e.members!.filter((m) => m.permissions.includes('manage')).length > 3)
      .map((e) => e.name),
    external_collaborators: apps.flatMap((app) =>
      (app.collaborators ?? []).filter((c) => !c.email.endsWith(`@${companyDomain}`)).map((c) => `${app.name}/${c.email}`),
    ),
    custom_domains_without_tls: apps.flatMap((app) =>
      (app.domains ?? []).filter((d) => !((app.acm && d.acm_status === 'cert issued') || validCert(app, d.hostname))).map((d) => d.hostname),
    ),
    acm_failing_domains: apps.flatMap((app) => (app.domains ?? []).filter((d) => d.acm_status === 'failing').map((d) => d.hostname)),
    expired_certificates: withSni.filter(({ e }) => Date.parse(e.expires_at) <= now).map(({ app, e }) => `${app.name}/${e.name}`),
    expiring_certificates: withSni
      .filter(({ e }) => Date.parse(e.expires_at) > now && Date.parse(e.expires_at) <= now + 30 * DAY)
      .map(({ app, e }) => `${app.name}/${e.name}`),
    self_signed_certificates: withSni.filter(({ e }) => e.self_signed).map(({ app, e }) => `${app.name}/${e.name}`),
    eol_stack_apps: apps.filter((a) => ['cedar-14', 'heroku-16', 'heroku-18', 'heroku-20'].includes(a.stack!)).map((a) => a.name),
    production_db_on_non_production: scenario
      .addons!.filter((a) => dataStores.has(a.service) && production(a.app))
      .flatMap((addon) => (addon.attachments ?? []).filter((att) => !production(att.app)).map((att) => `${addon.name} -> ${att.app}`)),
    unlocked_production_apps: apps.filter((a) => a.team && production(a.name) && !a.locked).map((a) => a.name),
    production_apps_without_log_drain: apps.filter((a) => production(a.name) && !(a.log_drains ?? []).length).map((a) => a.name),
    old_global_tokens: auditor
      .tokens!.filter((t) => t.scope!.includes('global') && t.expires_in === null && t.kind !== 'api-key' && now - Date.parse(t.created_at!) > 90 * DAY)
      .map((t) => t.description!),
    vulnerable_apps: Object.fromEntries(
      apps.flatMap((app) => {
        const current = [...(app.releases ?? [])].reverse().find((r) => r.status === 'succeeded' && r.slug);
        const text = JSON.stringify(current?.slug?.files ?? {});
        const flagged = [
          '4.17.15',
          '8.5.1',
          '0.21.1',
          '6.10.1',
          '7.3.8',
          '1.2.5',
          '4.18.2',
          '2.28.1',
          '1.26.12',
          '5.3.1',
          '3.1.2',
          '4.0.5',
          '2.2.3"',
          '(2.2.3)',
          '6.1.7',
          '1.13.3',
          'v0.5.0',
          'v1.9.0',
          '7.4.3',
          '2.14.1',
          '2.13.1',
        ];
        return flagged.some((v) => text.includes(v)) ? [[app.name, expect.anything()]] : [];
      }),
    ),
    apps_without_slug: apps.filter((app) => (app.releases ?? []).every((r) => !r.slug) && (app.releases ?? []).some((r) => r.oci_image)).map((a) => a.name),
    // Heroku's retention rule, applied afresh: older than 30 days and more than 20 releases back.
    expired_releases: apps.flatMap((app) => {
      const list = app.releases ?? [];
      return list
        .filter((r) => (r.slug || r.oci_image) && r.version <= list.length - 20 && now - Date.parse(r.created_at!) > 30 * DAY)
        .map((r) => `${app.name}/v${r.version}`);
    }),
  };
}
