import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { failingHeadline, testConnection, type CapabilityName, type ConnectionStatus, type DiagnosisCode } from '../../src/connections/status.js';
import type { Scenario, ScenarioToken } from '../../src/emulator/index.js';
import { HerokuClient } from '../../src/heroku/client.js';
import { LEAST_PRIVILEGE_COMMAND } from '../../src/inventory/coverage.js';
import { startEmulatorForTest, type V3 } from '../support/emulator.js';

const TOKEN = 'HRKU-0a0a0a0a-0000-4000-8000-00000000c0de';
const OPS = 'ops@acme.example';

/**
 * The healthy setup every case starts from: a dedicated account holding a
 * least-privilege token, with the view permission on its enterprise account
 * and membership of all of the enterprise's teams.
 */
function healthyWorld(): Scenario {
  return {
    version: 1,
    now: '2026-11-20T12:00:00Z',
    accounts: [
      {
        email: OPS,
        two_factor_authentication: true,
        tokens: [{ token: TOKEN, scope: ['identity', 'read-protected'], description: 'herowatch', created_at: '2026-11-01T00:00:00Z' }],
      },
      { email: 'dev@acme.example', two_factor_authentication: false },
    ],
    enterprise_accounts: [
      {
        name: 'acme',
        members: [
          { email: OPS, permissions: ['view'] },
          { email: 'dev@acme.example', permissions: ['view', 'manage'] },
        ],
        events: [{ created_at: '2026-11-19T10:00:00Z', type: 'app', action: 'create', actor: 'dev@acme.example', app: 'acme-web-prod', team: 'acme-web' }],
      },
    ],
    teams: [
      {
        name: 'acme-web',
        enterprise_account: 'acme',
        members: [
          { email: OPS, role: 'viewer' },
          { email: 'dev@acme.example', role: 'admin' },
        ],
      },
      {
        name: 'acme-data',
        enterprise_account: 'acme',
        members: [
          { email: OPS, role: 'viewer' },
          { email: 'dev@acme.example', role: 'admin' },
        ],
      },
    ],
    apps: [
      { name: 'acme-web-prod', team: 'acme-web', config_vars: { SECRET_KEY: 'canary-status-never-shown' } },
      { name: 'acme-etl', team: 'acme-data' },
    ],
  };
}

function ops(world: Scenario) {
  return world.accounts![0]!;
}
function token(world: Scenario): ScenarioToken {
  return ops(world).tokens![0]!;
}

interface Case {
  name: string;
  /** What breaks the healthy setup. */
  breakIt?: (world: Scenario) => void;
  /** The enterprise account the connection is for. */
  enterprise?: string;
  /** Spend this much of the account's rate-limit pool first. */
  spend?: number;
  /** Point the connection at a port nothing listens on. */
  unreachable?: boolean;
  codes: DiagnosisCode[];
  state: ConnectionStatus['state'];
  cannot: CapabilityName[];
  kind?: NonNullable<ConnectionStatus['token']>['kind'];
  /** Something the fix of the first diagnosis must say. */
  fix?: string | RegExp;
}

const EVERYTHING: CapabilityName[] = ['inventory', 'config_var_names', 'enterprise_members', 'audit_trail', 'team_member_2fa'];

const CASES: Case[] = [
  { name: 'healthy least-privilege connection', enterprise: 'acme', codes: [], state: 'connected', cannot: [], kind: 'authorization' },
  {
    name: 'revoked authorization (heroku authorizations:revoke)',
    breakIt: (w) => void (token(w).revoked = true),
    codes: ['token-invalid'],
    state: 'failing',
    cannot: EVERYTHING,
    fix: 'herowatch connect --name acme --token-stdin',
  },
  {
    name: 'expired token',
    breakIt: (w) => Object.assign(token(w), { created_at: '2026-10-01T00:00:00Z', expires_in: 86_400 }),
    codes: ['token-invalid'],
    state: 'failing',
    cannot: EVERYTHING,
    fix: LEAST_PRIVILEGE_COMMAND,
  },
  {
    name: 'API key regenerated (or password changed): the old key is gone',
    breakIt: (w) => void (ops(w).tokens = [{ token: 'HRKU-0a0a0a0a-0000-4000-8000-0000000new01', kind: 'api-key', scope: ['global'] }]),
    codes: ['token-invalid'],
    state: 'failing',
    cannot: EVERYTHING,
  },
  {
    name: 'suspended account',
    breakIt: (w) => void (ops(w).suspended_at = '2026-11-02T00:00:00Z'),
    codes: ['account-suspended'],
    state: 'failing',
    cannot: EVERYTHING,
    fix: /Heroku support/,
  },
  { name: 'API unreachable', unreachable: true, codes: ['api-unreachable'], state: 'failing', cannot: EVERYTHING, fix: /HEROKU_HOST or --api-url/ },
  {
    name: 'global authorization expiring in 5 days',
    breakIt: (w) => Object.assign(token(w), { scope: ['global'], created_at: '2026-10-26T12:00:00Z', expires_in: 30 * 86_400 }),
    codes: ['scope-global', 'token-expiring-soon'],
    state: 'degraded',
    cannot: [],
    kind: 'authorization',
    fix: LEAST_PRIVILEGE_COMMAND,
  },
  {
    name: 'the Heroku CLI login token (heroku auth:token)',
    breakIt: (w) => Object.assign(token(w), { kind: 'cli-login', scope: ['global'], created_at: '2026-11-01T00:00:00Z', expires_in: 365 * 86_400 }),
    codes: ['scope-global', 'token-cli-login'],
    state: 'degraded',
    cannot: [],
    kind: 'cli-login',
  },
  {
    name: 'the account API key (global scope where less would do)',
    breakIt: (w) => Object.assign(token(w), { kind: 'api-key', scope: ['global'] }),
    codes: ['scope-global'],
    state: 'connected',
    cannot: [],
    kind: 'api-key',
    fix: LEAST_PRIVILEGE_COMMAND,
  },
  {
    name: 'wrong enterprise slug',
    enterprise: 'acme-corp',
    codes: ['enterprise-not-found'],
    state: 'degraded',
    cannot: ['enterprise_members', 'audit_trail'],
    fix: /--enterprise <slug>/,
  },
  {
    name: 'no view permission on the enterprise account',
    breakIt: (w) => void (w.enterprise_accounts![0]!.members![0]!.permissions = []),
    enterprise: 'acme',
    codes: ['enterprise-view-missing'],
    state: 'degraded',
    cannot: ['enterprise_members', 'audit_trail'],
    fix: /view permission/,
  },
  {
    name: 'not a member of a team whose apps are in the enterprise',
    breakIt: (w) => void (w.teams![1]!.members = w.teams![1]!.members!.filter((m) => m.email !== OPS)),
    enterprise: 'acme',
    codes: ['team-membership-missing'],
    state: 'degraded',
    cannot: ['team_member_2fa'],
    fix: `heroku members:add ${OPS} --team acme-data --role member`,
  },
  {
    name: 'read scope: no protected data',
    breakIt: (w) => void (token(w).scope = ['identity', 'read']),
    codes: ['scope-without-protected-data'],
    state: 'degraded',
    cannot: ['config_var_names'],
    fix: LEAST_PRIVILEGE_COMMAND,
  },
  {
    name: 'identity scope only',
    breakIt: (w) => void (token(w).scope = ['identity']),
    codes: ['scope-identity-only'],
    state: 'degraded',
    cannot: EVERYTHING,
    fix: LEAST_PRIVILEGE_COMMAND,
  },
  { name: 'rate-limit pool nearly empty', spend: 4200, codes: ['rate-limit-low'], state: 'degraded', cannot: [], fix: /dedicated account/ },
];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the connection test', () => {
  it.each(CASES)('$name', async (test) => {
    const world = healthyWorld();
    test.breakIt?.(world);
    const emulator = await startEmulatorForTest({ scenario: world });
    const apiUrl = test.unreachable ? `http://127.0.0.1:${await closedPort()}` : emulator.url;
    if (test.spend) {
      const me = await fetch(`${emulator.url}/account`, {
        headers: { Accept: 'application/vnd.heroku+json; version=3' satisfies typeof V3, Authorization: `Bearer ${TOKEN}` },
      });
      emulator.rateLimiter.take(((await me.json()) as { id: string }).id, test.spend);
    }
    const client = new HerokuClient({ token: TOKEN, apiUrl, rateLimit: { reserveRatio: 0 }, retry: { retries: 0 } });
    const status = await testConnection(client, {
      connection: 'acme',
      apiUrl,
      token: TOKEN,
      enterprise: test.enterprise ?? null,
      now: new Date('2026-11-20T12:00:00Z'),
    });

    expect(status.diagnoses.map((d) => d.code).sort()).toEqual([...test.codes].sort());
    expect(status.state).toBe(test.state);
    // A failing test's headline agrees with its diagnosis: an unreachable API is not a refused token.
    if (status.state === 'failing')
      expect(failingHeadline(status)).toMatch(
        test.unreachable ? /could not be reached/ : test.codes.includes('token-invalid') ? /does not accept this token/ : /./,
      );
    expect(EVERYTHING.filter((c) => !status.capabilities[c].can)).toEqual(test.cannot);
    for (const capability of test.cannot) expect(status.capabilities[capability].reason, capability).toBeTruthy();
    if (test.kind) expect(status.token?.kind).toBe(test.kind);
    if (test.fix) {
      const diagnosis = status.diagnoses.find((d) => d.code === test.codes.at(-1))!;
      expect(diagnosis.fix).toMatch(test.fix);
    }
    for (const diagnosis of status.diagnoses) {
      expect(diagnosis.message.length, diagnosis.code).toBeGreaterThan(20);
      expect(diagnosis.fix, diagnosis.code).toBeTruthy();
    }
    expect(JSON.stringify(status)).not.toContain(TOKEN);
    expect(JSON.stringify(status)).not.toContain('canary-status-never-shown');
  });

  it('describes who the token belongs to, what it sees, and the pool', async () => {
    const world = healthyWorld();
    Object.assign(token(world), {
      kind: 'authorization',
      scope: ['global'],
      description: 'audit bot',
      created_at: '2026-11-01T00:00:00Z',
      expires_in: 90 * 86_400,
    });
    const emulator = await startEmulatorForTest({ scenario: world });
    const client = new HerokuClient({ token: TOKEN, apiUrl: emulator.url, rateLimit: { reserveRatio: 0 } });
    const status = await testConnection(client, {
      connection: 'acme',
      apiUrl: emulator.url,
      token: TOKEN,
      enterprise: 'acme',
      now: new Date('2026-11-20T12:00:00Z'),
    });
    expect(status.account).toMatchObject({ email: OPS, two_factor_authentication: true, federated: false });
    expect(status.token).toEqual({
      kind: 'authorization',
      scope: ['global'],
      description: 'audit bot',
      created_at: '2026-11-01T00:00:00Z',
      expires_at: '2027-01-30T00:00:00.000Z',
    });
    expect(status.teams).toEqual([
      { name: 'acme-data', role: 'viewer' },
      { name: 'acme-web', role: 'viewer' },
    ]);
    expect(status.enterprise_accounts).toEqual([{ name: 'acme', permissions: ['view'] }]);
    expect(status.rate_limit.pool).toBe(4500);
    expect(status.rate_limit.remaining).toBeGreaterThan(4400);
  });
});
