import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { announced, herowatch, startHerowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

describe('herowatch serve', () => {
  it('serves the dashboard (a setup link when there is no user), the REST API and MCP with access tokens, refuses a non-loopback address without --allowed-host, and stops on SIGTERM', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const home = await mkdtemp(join(tmpdir(), 'herowatch-serve-'));
    onTestFinished(() => rm(home, { recursive: true, force: true }));
    const env = { HEROWATCH_HOME: home, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['sync'])).code).toBe(0);
    const open = await herowatch(env, ['serve', '--host', '0.0.0.0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('--allowed-host');
    const token = (await herowatch(env, ['access-tokens', 'create', '--name', 'ci'])).stdout.trim();

    const server = startHerowatch(env, ['serve', '--port', '0']);
    onTestFinished(() => void server.child.kill('SIGTERM'));
    // Both lines may come in one chunk: listen for both at once.
    const [base, setup] = await Promise.all([
      announced(server.child, /serving at (http:\/\/\S+?): the dashboard/),
      announced(server.child, /create the first admin at (http:\/\/\S+)/),
    ]);
    expect(setup).toMatch(new RegExp(`^${base}/setup\\?token=[\\w-]{43}$`));
    expect((await fetch(setup)).status).toBe(200);
    expect((await fetch(`${base}/`, { redirect: 'manual' })).headers.get('location')).toBe('/login?next=%2F');

    // Users from the command line: the password piped in (never an argument), a one-time sign-in link.
    const weak = await herowatch(env, ['users', 'add', 'ana@example.com', '--role', 'admin'], 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('at least 12 characters');
    expect((await herowatch(env, ['users', 'add', 'ana@example.com', '--role', 'admin'], 'correct horse battery staple\n')).code).toBe(0);
    expect(JSON.parse((await herowatch(env, ['users', 'list', '--json'])).stdout)).toEqual([
      expect.objectContaining({ email: 'ana@example.com', role: 'admin' }),
    ]);
    expect((await fetch(setup)).status).toBe(410);
    const link = (await herowatch(env, ['users', 'link', 'ana@example.com', '--url', base])).stdout.trim();
    const signedIn = await fetch(link, { redirect: 'manual' });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('herowatch_session='))!
      .split(';')[0]!;
    const overview = await fetch(`${base}/`, { headers: { cookie } });
    expect(overview.status).toBe(200);
    expect(await overview.text()).toMatch(/ana@example\.com <span class="role">\(admin\)<\/span>/);
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(401);
    expect((await herowatch(env, ['users', 'remove', 'ana@example.com', '--yes'])).stderr).toContain('This is the last admin');
    expect((await fetch(`${base}/api/v1/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/apps`)).status).toBe(401);
    const apps = (await (await fetch(`${base}/api/v1/apps?search=edge`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: { name: string }[];
    };
    expect(apps.items.map((a) => a.name)).toContain('edge-api');
    const mcp = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(mcp.status).toBe(200);
    server.child.kill('SIGTERM');
    const ended = await server.done;
    expect(ended.code).toBe(0);
    // Nothing but herowatch's own words on standard error: no framework deprecation warning.
    expect(ended.stderr).not.toMatch(/Deprecation|FSTDEP|Warning/);
  }, 60_000);
});
