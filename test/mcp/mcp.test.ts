import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { mountMcp } from '../../src/mcp/http.js';
import { createMcpServer, TEXT_LIMIT } from '../../src/mcp/server.js';
import { agentCalls, createAccessToken, revokeToken } from '../../src/service/access.js';
import { connect } from '../../src/service/connect.js';
import { addMonitoredApps } from '../../src/service/monitored-apps.js';
import type { Scope } from '../../src/service/scope.js';
import { syncConnection } from '../../src/service/sync.js';
import { testMonitoredApps, importAdvisories } from '../../src/service/vuln-monitor.js';
import { readDataset } from '../../src/store/datasets.js';
import { demoScenarioPath, readScenarioFile } from '../../src/emulator/index.js';
import { bin } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';
import { openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';

const osv = fileURLToPath(new URL('../fixtures/osv/', import.meta.url));
type Json = Record<string, unknown>;

let hw: TestHerowatch;
// The demo world, seen by two connections: alice's (acme) and bob's, who sees less.
const ALICE = 'HRKU-65d01b54-f55f-7dc9-d0f6-8b53639f152c';
const BOB = 'HRKU-75e2c402-2c3a-4814-9c0a-e788103ee153';
beforeAll(async () => {
  const emulator = await startTestEmulator({ scenario: await readScenarioFile(demoScenarioPath) });
  hw = await openTestHerowatch('sqlite', emulator.url, 'file');
  // alice's account connected (its token stored, for the live test), bob's synced with a token given once.
  await connect(hw, { name: 'acme', token: ALICE, apiUrl: emulator.url });
  expect((await syncConnection(hw, { connection: 'acme', apiUrl: emulator.url })).status).toBe('complete');
  expect((await syncConnection(hw, { connection: 'bob', token: BOB, apiUrl: emulator.url })).status).toBe('complete');
  await addMonitoredApps(hw, 'acme', ['acme-api', 'acme-auth']);
  await importAdvisories(hw, osv);
  await testMonitoredApps(hw, { connection: 'acme', token: ALICE, tokenApiUrl: emulator.url });
}, 120_000);

async function inMemory(scope: Scope): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer(hw, { scope, transport: 'stdio' }).connect(serverSide);
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(clientSide);
  return client;
}

async function call(client: Client, name: string, args: Json = {}): Promise<{ structured: Json; text: string; isError: boolean }> {
  const answer = (await client.callTool({ name, arguments: args })) as {
    structuredContent?: Json;
    content: { type: string; text: string }[];
    isError?: boolean;
  };
  return { structured: answer.structuredContent ?? {}, text: answer.content.map((c) => c.text).join('\n'), isError: answer.isError === true };
}

const EVERYTHING: Scope = { connections: null, apps: null };

describe('the MCP server', () => {
  it('lists small, read-only tools, each with an output schema', async () => {
    const client = await inMemory(EVERYTHING);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toMatchInlineSnapshot(`
      [
        "describe_dataset",
        "framework_report",
        "get_app",
        "get_app_vulnerabilities",
        "list_apps",
        "list_audit_events",
        "list_changes",
        "list_checks",
        "list_connections",
        "list_datasets",
        "list_findings",
        "list_sync_runs",
        "list_vulnerabilities",
        "run_sql",
        "test_connection",
      ]
    `);
    for (const tool of tools) {
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.annotations, tool.name).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: tool.name === 'test_connection',
      });
    }
    // About 4 characters a token: the whole list stays under 4,000 tokens' worth.
    const size = JSON.stringify({ tools }).length;
    console.log(`tools/list: ${tools.length} tools, ${size} characters (about ${Math.round(size / 4)} tokens)`);
    expect(size).toBeLessThan(16_000);
  });

  it('answers every tool from the store, as of the last sync, without config var values', async () => {
    const client = await inMemory(EVERYTHING);
    const apps = await call(client, 'list_apps', { connection: 'acme' });
    const stored = (await readDataset(hw.store, 'apps', { connection: 'acme', orderBy: ['name'] })).rows;
    expect((apps.structured.items as Json[]).map((a) => [a.name, a.region, a.stack, a.updated_at])).toEqual(
      stored.map((r) => [r.name, r.region, r.stack, r.updated_at]),
    );
    expect(apps.structured.total).toBe(stored.length);
    expect(apps.structured.as_of).toEqual([{ connection: 'acme', run: expect.any(Number), synced_at: expect.any(String) }]);
    expect(apps.text).toContain('acme-api');

    const paged = await call(client, 'list_apps', { limit: 2 });
    expect((paged.structured.items as Json[]).length).toBe(2);
    expect(paged.structured.next_cursor).toEqual(expect.any(String));
    const next = await call(client, 'list_apps', { limit: 2, cursor: paged.structured.next_cursor });
    expect((next.structured.items as Json[])[0]).not.toEqual((paged.structured.items as Json[])[0]);
    expect((await call(client, 'list_apps', { limit: 500 })).isError).toBe(true);

    const app = await call(client, 'get_app', { app: 'acme-api', connection: 'acme' });
    expect(app.isError).toBe(false);
    expect((app.structured.config_var_names as string[]).length).toBeGreaterThan(0);
    expect(app.structured.vulnerabilities).toMatchObject({ open: expect.any(Number) });
    // Config var names only: no value of the world's config vars appears anywhere.
    const world = await readScenarioFile(demoScenarioPath);
    const values = world.apps!.flatMap((a) => Object.values(a.config_vars ?? {})).filter((v) => v.length > 12);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(JSON.stringify(app)).not.toContain(value);

    const findings = await call(client, 'list_findings', { connection: 'acme', limit: 100 });
    const open = (await readDataset(hw.store, 'findings', { connection: 'acme', filters: { status: 'open' } })).rows;
    expect((findings.structured.items as Json[]).filter((f) => f.status === 'open').length).toBe(open.length);
    const high = await call(client, 'list_findings', { severity: 'high', limit: 100 });
    expect((high.structured.items as Json[]).every((f) => ['critical', 'high'].includes(f.severity as string))).toBe(true);

    expect(((await call(client, 'list_checks')).structured.items as Json[]).length).toBeGreaterThan(10);
    expect((await call(client, 'framework_report', { framework: 'soc2', connection: 'acme' })).structured.report).toMatchObject({ connections: ['acme'] });
    // Without a connection: one report over every connection the client sees, as its schema says; its text names them all.
    const all = await call(client, 'framework_report', { framework: 'soc2' });
    expect(all.structured.report).toMatchObject({ connections: ['acme', 'bob'] });
    expect(all.text).toMatch(/^SOC 2.* over acme, bob: \d+ failing/);
    expect((all.structured.report as { summary: Record<string, number> }).summary.not_evaluated).toBeLessThan(
      (all.structured.report as { controls: unknown[] }).controls.length,
    );
    // An argument a tool does not take is refused, never ignored.
    const typo = await call(client, 'list_apps', { name: 'x' });
    expect(typo.isError).toBe(true);
    expect(typo.text).toMatch(/name/);
    const vulns = await call(client, 'list_vulnerabilities', { connection: 'acme' });
    expect((vulns.structured.items as Json[]).map((a) => a.app)).toEqual(['acme-api', 'acme-auth']);
    const detail = await call(client, 'get_app_vulnerabilities', { app: 'acme-auth' });
    expect((detail.structured.vulnerabilities as Json[]).length).toBeGreaterThan(0);
    expect(detail.structured.test).toMatchObject({ outcome: 'scanned', packages: expect.any(Number) });

    const events = await call(client, 'list_audit_events', { connection: 'acme', limit: 5 });
    const storedEvents = (await readDataset(hw.store, 'audit_events', { connection: 'acme' })).rows;
    expect(events.structured.total).toBe(storedEvents.length);
    const runs = await call(client, 'list_sync_runs', { connection: 'acme' });
    expect((runs.structured.items as Json[])[0]).toMatchObject({ connection: 'acme', status: 'complete', gaps: expect.any(Array) });
    const changes = await call(client, 'list_changes', { connection: 'acme', since_run: (runs.structured.items as Json[])[0]!.id });
    expect(changes.structured.total).toBe(0);

    const datasets = await call(client, 'list_datasets', { connection: 'acme' });
    expect((datasets.structured.items as Json[]).find((d) => d.name === 'apps')).toMatchObject({ rows: stored.length });
    expect(((await call(client, 'describe_dataset', { name: 'apps' })).structured.columns as Json[]).map((c) => c.name)).toContain('stack');
    const sql = await call(client, 'run_sql', { query: "SELECT name, stack FROM apps WHERE connection = 'acme' ORDER BY name" });
    expect((sql.structured.rows as Json[]).map((r) => r.name)).toEqual(stored.map((r) => r.name));
    const refused = await call(client, 'run_sql', { query: 'SELECT * FROM hw_credentials' });
    expect(refused).toMatchObject({
      isError: true,
      text: expect.stringMatching(/no such table: hw_credentials: the SQL console reads the dataset views only/),
    });

    // The one tool that calls Heroku: a live test of the connection, with the stored token.
    const tested = await call(client, 'test_connection', { connection: 'acme' });
    expect(tested.isError, tested.text).toBe(false);
    expect(tested.structured.status).toMatchObject({ connection: 'acme', state: expect.any(String), account: { email: 'alice@acme.example' } });

    // Resources an agent can attach as context.
    const resource = await client.readResource({ uri: 'herowatch://apps/acme/acme-api' });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ app: { name: 'acme-api', connection: 'acme' } });
    // Reading a resource is in the agent audit log, as a tool call is: what was read and how it ended.
    // A resource that is not there is JSON-RPC's invalid params (MCP 2026-07-28), with the URI.
    await expect(client.readResource({ uri: 'herowatch://apps/acme/no-such-app' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('There is no app "no-such-app"'),
    });
    const reads = (await agentCalls(hw, { limit: 50 })).filter((c) => c.method === 'resources/read');
    expect(reads.map((c) => [c.name, (c.arguments as { uri: string }).uri, c.outcome])).toEqual(
      expect.arrayContaining([
        ['app', 'herowatch://apps/acme/acme-api', 'ok'],
        ['app', 'herowatch://apps/acme/no-such-app', 'not_found'],
      ]),
    );
    expect(TEXT_LIMIT).toBe(20_000);
  });

  it('answers "list my Heroku apps with region, stack and last updated date" over stdio, from the real process', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'mcp', '--connection', 'acme'],
      env: { PATH: process.env.PATH ?? '', ...hw.env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'agent', version: '1' });
    await client.connect(transport);
    const { structured } = await call(client, 'list_apps', {});
    const stored = (await readDataset(hw.store, 'apps', { connection: 'acme', orderBy: ['name'] })).rows;
    expect((structured.items as Json[]).map((a) => `${a.name} ${a.region} ${a.stack} ${a.updated_at}`)).toEqual(
      stored.map((r) => `${r.name} ${r.region} ${r.stack} ${r.updated_at}`),
    );
    // Bound to one connection: the other is not there, through any tool.
    const other = await call(client, 'list_apps', { connection: 'bob' });
    expect(other.isError).toBe(true);
    // What is wrong, what fixes it in an agent's terms (a tool, not a command line), and the code to decide on.
    expect(other.text).toBe('There is no connection "bob" that this client may see.\nFix: list_connections lists them.\n(HW_CONNECTION_UNKNOWN)');
    await client.close();
    expect((await agentCalls(hw, { limit: 10 })).some((c) => c.transport === 'stdio' && c.name === 'list_apps' && c.outcome === 'not_found')).toBe(true);
  }, 60_000);

  it('shows a server bound to one connection nothing of another, SQL included', async () => {
    const client = await inMemory({ connections: ['bob'], apps: null });
    const collab = (await readDataset(hw.store, 'apps', { connection: 'bob' })).rows.map((r) => r.name).sort();
    expect(((await call(client, 'list_apps')).structured.items as Json[]).map((a) => a.name).sort()).toEqual(collab);
    expect((await call(client, 'list_connections')).structured.items).toEqual([expect.objectContaining({ connection: 'bob' })]);
    const hidden = (await readDataset(hw.store, 'apps', { connection: 'acme' })).rows.map((r) => r.name as string).find((n) => !collab.includes(n))!;
    expect((await call(client, 'get_app', { app: hidden })).isError).toBe(true);
    expect(((await call(client, 'list_findings', { limit: 100 })).structured.items as Json[]).every((f) => f.connection === 'bob')).toBe(true);
    expect((await call(client, 'list_vulnerabilities')).structured.items as Json[]).toEqual([]);
    expect((await call(client, 'run_sql', { query: 'SELECT DISTINCT connection FROM findings' })).structured.rows).toEqual(
      [{ connection: 'bob' }].slice(0, (await readDataset(hw.store, 'findings', { connection: 'bob' })).rows.length > 0 ? 1 : 0),
    );
    // Naming the schema reaches no further: the query's database holds bob's rows only.
    expect((await call(client, 'run_sql', { query: 'SELECT DISTINCT connection FROM main.apps' })).structured.rows).toEqual([{ connection: 'bob' }]);
    await expect(client.readResource({ uri: `herowatch://apps/acme/${hidden}` })).rejects.toThrow();
  });

  it('over HTTP: access tokens required, revoked and expired ones refused, foreign origins and hosts refused; every call audited', async () => {
    const app = Fastify();
    await mountMcp(app, hw);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const url = new URL(`${address}/mcp`);
      const good = await createAccessToken(hw, { name: 'agent', scopes: ['mcp:read'], connections: ['acme'], expiresInDays: 30 });
      const connectWith = async (token: string) => {
        const client = new Client({ name: 'http-agent', version: '1' });
        await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
        return client;
      };
      const client = await connectWith(good.token);
      const answer = await call(client, 'list_apps', {});
      expect((answer.structured.items as Json[]).every((a) => a.connection === 'acme')).toBe(true);
      await client.close();
      const calls = await agentCalls(hw, { tokenId: good.id });
      expect(calls[0]).toMatchObject({ transport: 'http', name: 'list_apps', outcome: 'ok', token_id: good.id });
      expect(calls[0]!.result_bytes).toBeGreaterThan(0);

      const post = (headers: Record<string, string>) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
      expect((await post({})).status).toBe(401);
      expect((await post({ authorization: 'Bearer hwat_1_nottherightsecretnottherightsecretnottherigh' })).status).toBe(401);
      const expired = await createAccessToken(hw, {
        name: 'old',
        scopes: ['mcp:read'],
        connections: null,
        expiresInDays: 1,
        now: new Date(Date.now() - 2 * 86_400_000),
      });
      const expiredAnswer = await post({ authorization: `Bearer ${expired.token}` });
      expect(expiredAnswer.status).toBe(401);
      expect(await expiredAnswer.text()).toMatch(/expired/);
      await revokeToken(hw, good.id);
      expect((await post({ authorization: `Bearer ${good.token}` })).status).toBe(401);
      const writeOnly = await createAccessToken(hw, { name: 'writer', scopes: ['write'], connections: null, expiresInDays: 1 });
      const lacking = await post({ authorization: `Bearer ${writeOnly.token}` });
      // Known, but without the scope: 403, saying what it lacks.
      expect(lacking.status).toBe(403);
      expect(lacking.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(await lacking.text()).toMatch(/lacks the mcp:read or read scope/);
      const fresh = await createAccessToken(hw, { name: 'fresh', scopes: ['read'], connections: null, expiresInDays: 1 });
      expect((await post({ authorization: `Bearer ${fresh.token}`, origin: 'https://evil.example' })).status).toBe(403);
      expect((await post({ authorization: `Bearer ${fresh.token}`, origin: 'http://localhost:3000' })).status).toBe(200);
      // The secret never comes back in an error.
      expect(await (await post({ authorization: `Bearer ${fresh.token}x` })).text()).not.toContain(fresh.token.slice(-20));
      expect((await fetch(url)).status).toBe(405);
      // DNS rebinding: a page on another name that resolves to this machine is refused by its Host.
      const rebound = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: url.port,
            path: '/mcp',
            method: 'POST',
            headers: { host: `evil.example:${url.port}`, authorization: `Bearer ${fresh.token}`, 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
      });
      expect(rebound).toBe(403);
    } finally {
      await app.close();
    }
  }, 60_000);
});
