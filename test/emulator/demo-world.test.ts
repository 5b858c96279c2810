import { describe, expect, it } from 'vitest';
import { demoScenarioPath, loadWorld } from '../../src/emulator/index.js';

/** The facts docs/demo-world.md states about the demo world, checked against it. */
const world = await loadWorld({ file: demoScenarioPath });
const user = (email: string) => world.users.find(email)!;
const app = (name: string) => world.apps.find(name)!;
const now = world.now().getTime();

describe('the demo world (docs/demo-world.md)', () => {
  it('has the teams, apps, pipelines and week of events it is described with', () => {
    expect([...world.teams.values()].map((t) => [t.name, t.apps.length])).toEqual([
      ['acme-platform', 11],
      ['acme-payments', 6],
      ['acme-data', 5],
      ['acme-labs', 2],
    ]);
    expect([...world.apps.values()].filter((a) => !a.team)).toHaveLength(3);
    expect([...world.pipelines.values()].map((p) => p.name)).toEqual(['acme-api', 'acme-web', 'acme-auth', 'pay-api', 'pay-ledger', 'data-ingest']);
    const trail = world.enterprises.find('acme')!.auditTrail;
    expect(trail.count).toBe(71);
    expect(trail.days()).toEqual(['2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']);
  });

  it('gives the herowatch service account a least-privilege token and leaves it off acme-labs', () => {
    const herowatch = user('herowatch@acme.example');
    expect(herowatch.tokens.find((t) => t.description === 'herowatch (least privilege)')!.scope).toEqual(['identity', 'read-protected']);
    expect(herowatch.teamMemberships.map((m) => [m.team.name, m.role])).toEqual([
      ['acme-platform', 'viewer'],
      ['acme-payments', 'viewer'],
      ['acme-data', 'viewer'],
    ]);
  });

  it('plants the people and access problems the table lists', () => {
    const no2fa = [...world.users.values()].filter((u) => !u.twoFactor && !u.federated && u.teamMemberships.length > 0).map((u) => u.email);
    expect(no2fa.sort()).toEqual(['dave@acme.example', 'heidi@acme.example']);
    const enterprise = world.enterprises.find('acme')!;
    expect(
      enterprise.members
        .filter((m) => !m.user.federated)
        .map((m) => m.user.email.split('@')[0])
        .sort(),
    ).toEqual(['carol', 'dave', 'frank', 'heidi', 'herowatch']);
    expect(enterprise.members.filter((m) => m.permissions.includes('manage')).map((m) => m.user.email.split('@')[0])).toEqual(['alice', 'bob', 'grace']);
    expect(
      world.teams
        .find('acme-platform')!
        .members.filter((m) => m.role === 'admin')
        .map((m) => m.user.email.split('@')[0]),
    ).toEqual(['alice', 'bob', 'grace', 'erin']);
    const outside = [...world.apps.values()].flatMap((a) => a.collaborators.filter((c) => !c.user.email.endsWith('@acme.example')).map(() => a.name));
    expect(outside).toEqual(['pay-api', 'pay-api-staging']);
    expect([...app('pay-api').configVars.keys()]).toEqual(expect.arrayContaining(['STRIPE_SECRET_KEY', 'JWT_SECRET', 'DATABASE_URL']));
  });

  it('plants the TLS problems the table lists', () => {
    expect(app('acme-docs').acm).toBe(false);
    expect(app('acme-docs').sniEndpoints).toEqual([]);
    expect(app('acme-status').domains.find((d) => d.hostname === 'status.acme.example')!.given.acm_status).toBe('failing');
    expect(Date.parse(app('acme-gateway').sniEndpoints[0]!.expiresAt)).toBeLessThan(now);
    const expiring = Date.parse(app('pay-api').sniEndpoints[0]!.expiresAt);
    expect(expiring - now).toBeGreaterThan(0);
    expect(expiring - now).toBeLessThan(30 * 86_400_000);
    expect(Date.parse(app('acme-auth').sniEndpoints[0]!.expiresAt) - now).toBeGreaterThan(30 * 86_400_000);
  });

  it('plants the platform problems the table lists', () => {
    expect([...world.apps.values()].filter((a) => ['heroku-18', 'heroku-20'].includes(a.stack.info.name)).map((a) => a.name)).toEqual([
      'data-reports',
      'dave-toy',
    ]);
    const ledgerDb = world.addons.find('postgresql-pay-ledger-44118')!;
    expect(ledgerDb.attachments.map((a) => `${a.app.name}:${a.name}`)).toEqual(['pay-ledger:DATABASE', 'pay-ledger-staging:PROD_DATABASE']);
    const production = [...world.couplings.values()].filter((c) => c.stage === 'production').map((c) => c.app);
    expect(production.filter((a) => !a.locked).map((a) => a.name)).toEqual(['acme-web']);
    expect(production.filter((a) => a.logDrains.length === 0).map((a) => a.name)).toEqual(['data-ingest']);
    const tokens = user('herowatch@acme.example').tokens;
    const old = tokens.filter(
      (t) => t.kind !== 'api-key' && t.scope.includes('global') && t.expiresIn === null && now - Date.parse(t.createdAt) > 90 * 86_400_000,
    );
    expect(old.map((t) => t.description)).toEqual(['CI deploys']);
    expect(tokens.find((t) => t.description === 'Old status page')!.revoked).toBe(true);
  });

  it('deploys the vulnerable dependencies the table lists, and only those', () => {
    const files = (name: string) => JSON.stringify(app(name).currentRelease?.slug?.files ?? {});
    const vulnerable = ['4.17.15', '8.5.1', '"rack (2.2.3)', 'requests==2.28.1', 'urllib3==1.26.12', '4.18.2'];
    const flagged = [...world.apps.values()].filter((a) => vulnerable.some((v) => files(a.name).includes(v.replace('"', '')))).map((a) => a.name);
    expect(flagged.sort()).toEqual(['acme-auth', 'acme-auth-staging', 'data-etl', 'dave-toy', 'pay-api', 'pay-api-staging']);
  });
});
