import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { announced, herowatch, startHerowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

describe('herowatch mcp, access-tokens and agent-calls from the command line', () => {
  it('issues a token shown once, serves MCP over HTTP with it, logs every call, and revokes it', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const home = await mkdtemp(join(tmpdir(), 'herowatch-mcp-cli-'));
    onTestFinished(() => rm(home, { recursive: true, force: true }));
    const env = { HEROWATCH_HOME: home, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['sync'])).code).toBe(0);

    const refused = await herowatch(env, ['access-tokens', 'create', '--name', 'agent', '--expires-in', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--expires-in/);
    const badScope = await herowatch(env, ['access-tokens', 'create', '--name', 'agent', '--scope', 'admin']);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/Use read, write, mcp:read/);
    const unknown = await herowatch(env, ['access-tokens', 'create', '--name', 'agent', '--connection', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no connection "nope"');

    const created = await herowatch(env, ['access-tokens', 'create', '--name', 'agent', '--connection', 'default']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^hwat_\d+_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/shown only now/);
    const listed = await herowatch(env, ['access-tokens', 'list', '--json']);
    expect(listed.stdout).not.toContain(token.slice(-43));
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'agent', scopes: ['read'], connections: ['default'], state: 'active' })]);

    const server = startHerowatch(env, ['mcp', '--http', '--port', '0']);
    onTestFinished(() => void server.child.kill('SIGTERM'));
    const url = await announced(server.child, /at (http:\/\/\S+\/mcp)/);
    const client = new Client({ name: 'cli-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const answer = (await client.callTool({ name: 'list_apps', arguments: { search: 'edge' } })) as { structuredContent: { items: { name: string }[] } };
    expect(answer.structuredContent.items.map((a) => a.name)).toContain('edge-api');
    await client.close();

    const calls = await herowatch(env, ['agent-calls', '--json']);
    expect(JSON.parse(calls.stdout)[0]).toMatchObject({ transport: 'http', name: 'list_apps', outcome: 'ok', arguments: { search: 'edge' } });
    expect((await herowatch(env, ['agent-calls'])).stdout).toMatch(/list_apps\s+ok/);

    const id = token.split('_')[1]!;
    expect((await herowatch(env, ['access-tokens', 'revoke', id])).stdout).toContain(`Access token ${id} is revoked.`);
    const after = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(after.status).toBe(401);
    server.child.kill('SIGTERM');
    expect((await server.done).code).toBe(0);
  }, 90_000);
});
