import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/connections/status.js';
import { herowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

async function credential(hw: TestHerowatch, name: string): Promise<{ ciphertext: string; key_id: string } | undefined> {
  const { rows } = await sql<{
    ciphertext: string;
    key_id: string;
  }>`SELECT ciphertext, key_id FROM hw_credentials c JOIN hw_connections n ON n.id = c.connection_id WHERE n.name = ${name}`.execute(hw.store.db);
  return rows[0];
}

async function count(hw: TestHerowatch, query: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`${sql.raw(query)}`.execute(hw.store.db);
  return Number(rows[0]!.n);
}

/** The documented shape of `status --json` (docs/connections.md). */
const STATUS_KEYS = [
  'account',
  'api_url',
  'capabilities',
  'connection',
  'diagnoses',
  'enterprise_accounts',
  'rate_limit',
  'state',
  'teams',
  'tested_at',
  'token',
];

describe.each(DIALECTS)('connections from the command line on %s', (dialect) => {
  it('connect, status, sync with the stored token, monitored apps, disconnect, reconnect, purge', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };

    const connected = await herowatch(env, ['connect', '--name', 'edge', '--token-stdin', '--enterprise', 'edge'], `${T.adminProtected}\n`);
    expect(connected.code, connected.stderr).toBe(0);
    expect(connected.stdout).toContain('Connected "edge" (token stored encrypted).');
    expect(connected.stdout).toContain('edge: connected (admin@edge.example)');
    expect(connected.stdout).toContain('can config var names');

    const status = await herowatch(env, ['status', 'edge', '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as ConnectionStatus;
    expect(Object.keys(parsed).sort()).toEqual(STATUS_KEYS);
    expect(parsed).toMatchObject({
      connection: 'edge',
      state: 'connected',
      api_url: emulator.url,
      diagnoses: [],
      token: { kind: 'authorization', scope: ['identity', 'read-protected'] },
    });
    expect(Object.values(parsed.capabilities).every((c) => c.can)).toBe(true);

    // The sync needs no HEROKU_API_KEY: the connection's token is stored. It tests the connection afterwards.
    const sync = await herowatch(env, ['sync']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Sync run 1 of connection "edge" of admin@edge\.example: complete/);
    expect(sync.stdout).toContain('edge: connected (admin@edge.example)');

    const available = JSON.parse((await herowatch(env, ['apps', 'available', 'edge', '--json'])).stdout) as { name: string; monitored: boolean }[];
    expect(available.map((a) => a.name)).toEqual(['admin-personal', 'edge-api', 'edge-hidden', 'edge-worker', 'outsider-app', 'plain-app']);
    expect((await herowatch(env, ['apps', 'add', 'edge', 'edge-api', 'edge-worker'])).stdout).toContain('Monitoring edge-api, edge-worker.');
    const unknown = await herowatch(env, ['apps', 'add', 'edge', 'edge-ap']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('App "edge-ap" is not in the inventory of connection "edge" (did you mean edge-api?)');
    expect(JSON.parse((await herowatch(env, ['apps', 'add', 'edge', 'plain-app', '--json'])).stdout)).toEqual({ added: ['plain-app'] });
    expect(JSON.parse((await herowatch(env, ['apps', 'remove', 'edge', 'plain-app', '--json'])).stdout)).toEqual({ removed: ['plain-app'] });
    expect(JSON.parse((await herowatch(env, ['apps', 'list', 'edge', '--json'])).stdout)).toMatchObject([
      { app_name: 'edge-api', active: true },
      { app_name: 'edge-worker', active: true },
    ]);
    expect((await herowatch(env, ['apps', 'available', 'edge'])).stdout).toMatch(/edge-api\s+edge-core\s+yes/);

    // Disconnect: the credential is gone, monitoring stops, the inventory stays.
    const disconnected = await herowatch(env, ['disconnect', 'edge']);
    expect(disconnected.code, disconnected.stderr).toBe(0);
    expect(disconnected.stdout).toContain('credentials deleted, 2 monitored apps deactivated, history kept');
    expect(await credential(hw, 'edge')).toBeUndefined();
    expect(await count(hw, 'SELECT count(*) AS n FROM hw_credentials')).toBe(0);
    expect(JSON.parse((await herowatch(env, ['apps', 'list', 'edge', '--json'])).stdout)).toMatchObject([{ active: false }, { active: false }]);
    expect(JSON.parse((await herowatch(env, ['status', 'edge', '--json'])).stdout)).toMatchObject({ state: 'disabled', account: null, token: null });
    const refused = await herowatch({ ...env, HEROKU_API_KEY: T.admin }, ['sync', '--connection', 'edge']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Connection "edge" is disconnected: its token was deleted.\n  fix: herowatch connect --name edge --token-stdin');
    expect(await count(hw, "SELECT count(*) AS n FROM apps WHERE connection = 'edge'")).toBe(6);
    // Disconnecting again changes nothing, so the reconnect below still resumes the apps.
    const again = await herowatch(env, ['disconnect', 'edge']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^"edge" is already disconnected \(since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\); nothing was changed\./);

    // Reconnect (a token from the environment this time): monitoring and history resume.
    const reconnected = await herowatch({ ...env, EDGE_TOKEN: T.adminProtected }, ['connect', '--name', 'edge', '--token-env', 'EDGE_TOKEN']);
    expect(reconnected.code, reconnected.stderr).toBe(0);
    expect(reconnected.stdout).toContain('Reconnected "edge"');
    expect(reconnected.stdout).toContain('Monitoring resumed for 2 apps.');
    expect(JSON.parse((await herowatch(env, ['apps', 'list', 'edge', '--json'])).stdout)).toMatchObject([{ active: true }, { active: true }]);
    expect((await herowatch(env, ['sync', '--connection', 'edge'])).code).toBe(0);
    const runs = JSON.parse((await herowatch(env, ['runs', '--connection', 'edge', '--json'])).stdout) as { id: number; status: string }[];
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [2, 'complete'],
      [1, 'complete'],
    ]);

    // Purge: nothing of the connection is left.
    const unconfirmed = await herowatch(env, ['disconnect', 'edge', '--purge']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('Nobody is at a terminal to answer: add --yes to disconnect --purge to confirm.');
    expect(await count(hw, 'SELECT count(*) AS n FROM hw_connections')).toBe(1);
    expect((await herowatch(env, ['disconnect', 'edge', '--purge', '--yes'])).code).toBe(0);
    for (const table of ['hw_connections', 'hw_credentials', 'hw_records', 'hw_monitored_apps', 'hw_sync_runs']) {
      expect(await count(hw, `SELECT count(*) AS n FROM ${table}`), table).toBe(0);
    }
  }, 180_000);

  it('refuses a token that does not work, or belongs to another account, and keeps the one it has', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    const revoked = await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.adminRevoked);
    expect(revoked.code).toBe(2);
    expect(revoked.stderr).toContain('Heroku rejects the token: it is invalid, revoked or expired.');
    expect(revoked.stderr).toContain('fix: Create a new token (heroku authorizations:create --scope identity,read-protected --description herowatch)');
    expect(revoked.stderr).toContain('Nothing was stored.');
    expect(await count(hw, 'SELECT count(*) AS n FROM hw_connections')).toBe(0);
    const typo = await herowatch(env, ['connect', '--name', 'edge', '--token-stdin', '--enterprise', 'egde'], T.admin);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('No enterprise account "egde" is visible to admin@edge.example (visible: edge). Nothing was saved.');
    expect(await count(hw, 'SELECT count(*) AS n FROM hw_connections')).toBe(0);

    expect((await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.admin)).code).toBe(0);
    const before = await credential(hw, 'edge');
    const other = await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.outsider);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('Connection "edge" holds the inventory of admin@edge.example, but this token belongs to outsider@other.example.');
    const expired = await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.adminExpired);
    expect(expired.code).toBe(2);
    expect(await credential(hw, 'edge')).toEqual(before);

    // Another name for the same account is said: every count holds it twice.
    const twin = await herowatch(env, ['connect', '--name', 'edge-again', '--token-stdin'], T.adminProtected);
    expect(twin.code).toBe(0);
    expect(twin.stderr).toContain(
      'warning: admin@edge.example is also connected as "edge": both are synced, so every count (apps, findings, evidence) holds this account twice.',
    );
    expect((await herowatch(env, ['disconnect', 'edge-again', '--purge', '--yes'])).code).toBe(0);

    // Replacing the token with a better one re-tests and re-encrypts.
    const replaced = await herowatch(env, ['connect', '--name', 'edge', '--token-stdin', '--json'], T.adminProtected);
    expect(replaced.code).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ state: 'connected', token: { scope: ['identity', 'read-protected'] } });
    expect((await credential(hw, 'edge'))!.ciphertext).not.toBe(before!.ciphertext);
  }, 120_000);

  it('never takes a token as an argument, and explains what it needs', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    const cases: [string[], string | undefined, RegExp][] = [
      [['connect', '--name', 'edge', '--token', T.admin], undefined, /never taken as an argument.*revoke it/],
      [['connect', '--name', 'edge', `--token=${T.admin}`], undefined, /never taken as an argument/],
      [['connect', '--name', 'edge'], undefined, /Give the token one way: --token-stdin, --token-env VAR or --from-cli/],
      [['connect', '--name', 'edge', '--token-stdin', '--token-env', 'X'], undefined, /Give the token one way/],
      [['connect', '--name', 'edge', '--token-stdin'], '', /standard input was empty/],
      [['connect', '--name', 'edge', '--token-stdin'], `${T.admin}\n${T.member}\n`, /more than one word/],
      [['connect', '--name', 'edge', '--token-env', 'NOT_SET'], undefined, /NOT_SET is empty or not set/],
      [['connect', '--name', 'bad name!', '--token-stdin'], T.admin, /not a valid connection name/],
      [['status', 'nope'], undefined, /There is no connection "nope".\n {2}fix: herowatch connect --name nope --token-stdin/],
      [['disconnect', 'nope'], undefined, /There is no connection "nope"/],
      [['apps', 'available', 'nope'], undefined, /There is no connection "nope"/],
      [['sync', '--connection', 'nope'], undefined, /No Heroku token for connection "nope": connect it/],
    ];
    for (const [args, stdin, message] of cases) {
      const result = await herowatch(env, args, stdin);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stdout + result.stderr, args.join(' ')).not.toContain(T.admin);
    }
    expect(await count(hw, 'SELECT count(*) AS n FROM hw_connections')).toBe(0);
  }, 120_000);

  it("takes the Heroku CLI's token from ~/.netrc with --from-cli", async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const home = await mkdtemp(join(tmpdir(), 'herowatch-home-'));
    const env = { ...hw.env, HEROKU_HOST: emulator.url, HOME: home };
    const missing = await herowatch(env, ['connect', '--name', 'cli', '--from-cli']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`There is no ${join(home, '.netrc')}: log in with the Heroku CLI first (heroku login)`);
    await writeFile(
      join(home, '.netrc'),
      `machine git.heroku.com\n  login admin@edge.example\n  password ${T.member}\nmachine 127.0.0.1\n  login admin@edge.example\n  password ${T.admin}\n`,
      { mode: 0o600 },
    );
    const connected = await herowatch(env, ['connect', '--name', 'cli', '--from-cli', '--json']);
    expect(connected.code, connected.stderr).toBe(0);
    expect(JSON.parse(connected.stdout)).toMatchObject({ account: { email: 'admin@edge.example' }, token: { kind: 'api-key' } });
  }, 60_000);

  it("shows the account's authorizations with age and what to rotate", async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.admin)).code).toBe(0);
    expect((await herowatch(env, ['connect', '--name', 'scoped', '--token-stdin'], T.adminProtected)).code).toBe(0);
    const which = await herowatch(env, ['sync']);
    expect(which.code).toBe(2);
    expect(which.stderr).toContain('Which connection? There are several: edge, scoped.\n  fix: give --connection NAME, or --all (edge, scoped)');
    const all = await herowatch(env, ['sync', '--all']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/Sync run 1 of connection "edge"[\s\S]*Sync run 2 of connection "scoped"/);
    const tokens = JSON.parse((await herowatch(env, ['tokens', 'edge', '--json'])).stdout) as {
      readable: boolean;
      authorizations: { description: string; scope: string[]; this_connection: boolean; rotate: boolean; age_days: number }[];
    };
    expect(tokens.readable).toBe(true);
    const byDescription = new Map(tokens.authorizations.map((a) => [a.description, a]));
    expect(byDescription.get('API Key')).toMatchObject({ this_connection: true, rotate: true, scope: ['global'] });
    expect(byDescription.get('herowatch')).toMatchObject({ this_connection: false, rotate: false });
    expect(byDescription.get('API Key')!.age_days).toBeGreaterThan(300);
    expect(byDescription.has('revoked')).toBe(false);
    const text = await herowatch(env, ['tokens', 'edge']);
    expect(text.stdout).toMatch(/API Key.*global.*used by this connection; rotate/);

    // With a scoped token the authorizations cannot be listed, and it says why.
    const scoped = JSON.parse((await herowatch(env, ['tokens', 'scoped', '--json'])).stdout) as { readable: boolean; reason: string };
    expect(scoped).toMatchObject({ readable: false });
    expect(scoped.reason).toMatch(/scope/);
  }, 120_000);
});
