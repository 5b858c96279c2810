import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScenarioPath, readScenarioFile } from '../../src/emulator/index.js';
import { createAccessToken } from '../../src/service/access.js';
import { syncConnection } from '../../src/service/sync.js';
import { readDataset } from '../../src/store/datasets.js';
import { registerApi } from '../../src/web/api.js';
import { startTestEmulator } from '../support/emulator.js';
import { openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';

const ALICE = 'HRKU-65d01b54-f55f-7dc9-d0f6-8b53639f152c';
const BOB = 'HRKU-75e2c402-2c3a-4814-9c0a-e788103ee153';
type Json = Record<string, unknown>;

let hw: TestHerowatch;
let app: FastifyInstance;
let everything: string;
let bobOnly: string;
beforeAll(async () => {
  const emulator = await startTestEmulator({ scenario: await readScenarioFile(demoScenarioPath) });
  hw = await openTestHerowatch('sqlite', emulator.url, 'file');
  expect((await syncConnection(hw, { connection: 'acme', token: ALICE, apiUrl: emulator.url })).status).toBe('complete');
  expect((await syncConnection(hw, { connection: 'bob', token: BOB, apiUrl: emulator.url })).status).toBe('complete');
  everything = (await createAccessToken(hw, { name: 'all', scopes: ['read'], connections: null, expiresInDays: 1 })).token;
  bobOnly = (await createAccessToken(hw, { name: 'bob', scopes: ['read'], connections: ['bob'], expiresInDays: 1 })).token;
  app = Fastify();
  await registerApi(app, hw);
  await app.ready();
}, 120_000);
afterAll(() => app?.close());

const get = async (url: string, token?: string) => {
  const response = await app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.statusCode, body: response.json() as Json, headers: response.headers };
};

describe('the REST API', () => {
  it('documents every route in OpenAPI, and refuses each without a token that has the read scope', async () => {
    const { status, body } = await get('/api/v1/openapi.json');
    expect(status).toBe(200);
    const operations = Object.entries(body.paths as Record<string, Json>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual([
      'DELETE /api/v1/findings/{id}/suppression',
      'GET /api/v1/apps',
      'GET /api/v1/apps/{connection}/{app}',
      'GET /api/v1/audit-events',
      'GET /api/v1/connections',
      'GET /api/v1/datasets',
      'GET /api/v1/findings',
      'GET /api/v1/runs',
      'GET /api/v1/vex',
      'GET /api/v1/vulnerabilities',
      'POST /api/v1/connections/{connection}/apps/{app}/sboms',
      'POST /api/v1/connections/{connection}/monitored-apps',
      'POST /api/v1/findings/{id}/suppression',
      'POST /api/v1/sql',
      'POST /api/v1/vex',
    ]);
    const writer = (await createAccessToken(hw, { name: 'writer', scopes: ['write'], connections: null, expiresInDays: 1 })).token;
    for (const operation of operations) {
      const [method, path] = operation.split(' ') as [string, string];
      const url = path.replace('{connection}', 'acme').replace('{app}', 'acme-api').replace('{id}', '1');
      // Reads need read, writes need write. SQL is a read, posted for its length.
      const scope = method === 'GET' || path === '/api/v1/sql' ? 'read' : 'write';
      const ask = (token: string | undefined) =>
        app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(method === 'GET' ? {} : { payload: {} }) });
      for (const token of [undefined, 'hwat_1_wrong']) {
        const answer = await ask(token);
        expect(answer.statusCode, `${operation} with ${token ?? 'no token'}`).toBe(401);
        expect(answer.headers['www-authenticate']).toMatch(new RegExp(`^Bearer realm="herowatch", scope="${scope}"`));
        expect((answer.json() as Json).error).toMatchObject({ code: 'HW_UNAUTHENTICATED', kind: 'unauthenticated' });
      }
      // A valid token without the scope is known, and refused for what it lacks (RFC 6750: 403, insufficient_scope).
      const lacking = await ask(scope === 'read' ? writer : everything);
      expect(lacking.statusCode, `${operation} with a token without ${scope}`).toBe(403);
      expect(lacking.headers['www-authenticate']).toBe(`Bearer realm="herowatch", error="insufficient_scope", scope="${scope}"`);
      expect((lacking.json() as Json).error).toMatchObject({
        code: 'HW_INSUFFICIENT_SCOPE',
        kind: 'forbidden',
        message: expect.stringContaining(`lacks the ${scope} scope`),
        remedy: { do: 'create-access-token', scope },
        fix: expect.stringContaining(`herowatch access-tokens create --name NAME --scope ${scope}`),
      });
    }
  });

  it("answers from the store, confined to the token's connections, with clear errors", async () => {
    const apps = await get('/api/v1/apps?connection=acme&limit=100', everything);
    const stored = (await readDataset(hw.store, 'apps', { connection: 'acme', orderBy: ['name'] })).rows;
    expect((apps.body.items as Json[]).map((a) => [a.name, a.region, a.stack, a.updated_at])).toEqual(
      stored.map((r) => [r.name, r.region, r.stack, r.updated_at]),
    );
    expect(apps.body.as_of).toEqual([expect.objectContaining({ connection: 'acme', run: expect.any(Number) })]);
    const detail = await get('/api/v1/apps/acme/acme-api', everything);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ app: { name: 'acme-api', connection: 'acme' }, config_var_names: expect.any(Array) });
    const high = await get('/api/v1/findings?severity=high&limit=100', everything);
    expect((high.body.items as Json[]).length).toBeGreaterThan(0);
    expect((high.body.items as Json[]).every((f) => ['critical', 'high'].includes(f.severity as string))).toBe(true);
    for (const path of ['/api/v1/connections', '/api/v1/vulnerabilities', '/api/v1/audit-events', '/api/v1/runs', '/api/v1/datasets'])
      expect((await get(path, everything)).status, path).toBe(200);

    // bob's token sees bob's connection only.
    const bobs = await get('/api/v1/apps?limit=100', bobOnly);
    expect(new Set((bobs.body.items as Json[]).map((a) => a.connection))).toEqual(new Set(['bob']));
    const hidden = stored.map((r) => r.name as string).find((name) => !(bobs.body.items as Json[]).some((a) => a.name === name))!;
    expect((await get(`/api/v1/apps/acme/${hidden}`, bobOnly)).status).toBe(404);
    expect((await get('/api/v1/findings?connection=acme', bobOnly)).status).toBe(404);

    // Bad input says what is wrong.
    const tooMany = await get('/api/v1/apps?limit=500', everything);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ kind: 'input', message: expect.stringMatching(/limit/) });
    const unknown = await get('/api/v1/apps?colour=red', everything);
    expect(unknown).toMatchObject({
      status: 400,
      body: { error: { kind: 'input', message: expect.stringContaining('"colour", which this route does not take') } },
    });
    expect((await get('/api/v1/no-such-thing', everything)).body.error).toMatchObject({ kind: 'not_found', message: expect.stringMatching(/openapi\.json/) });
    expect((await get('/api/v1/apps?cursor=not-ours', everything)).body.error).toMatchObject({ kind: 'input', message: expect.stringMatching(/cursor/) });
  });

  it('changes what a write token may change, within its connections', async () => {
    const writer = (await createAccessToken(hw, { name: 'ci', scopes: ['write'], connections: ['acme'], expiresInDays: 1 })).token;
    const bobWriter = (await createAccessToken(hw, { name: 'bob-ci', scopes: ['write'], connections: ['bob'], expiresInDays: 1 })).token;
    const send = async (method: 'POST' | 'DELETE', url: string, token: string, payload?: Json) => {
      const response = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      return { status: response.statusCode, body: response.json() as Json };
    };
    const open = (await get('/api/v1/findings?connection=acme&status=open&limit=1', everything)).body.items as Json[];
    const id = open[0]!.id as number;
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

    // Another connection's token does not see the finding; a bad body is refused, naming the field.
    // The same answer as for a finding that does not exist: it says nothing of the finding nor of its connection.
    const outside = await send('POST', `/api/v1/findings/${id}/suppression`, bobWriter, { reason: 'accepted for the quarter', expires_at: expires });
    const missing = await send('POST', '/api/v1/findings/999999/suppression', bobWriter, { reason: 'accepted for the quarter', expires_at: expires });
    expect(outside.status).toBe(404);
    expect(JSON.stringify(outside.body).replace(String(id), 'N')).toBe(JSON.stringify(missing.body).replace('999999', 'N'));
    expect(JSON.stringify(outside.body)).not.toContain('acme');
    const bad = await send('POST', `/api/v1/findings/${id}/suppression`, writer, { reason: 'too short', expires_at: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect((bad.body.error as Json).message).toMatch(/reason|expires_at/);
    expect(
      (await send('POST', `/api/v1/findings/${id}/suppression`, writer, { reason: 'accepted for the quarter', expires_at: expires, by: 'me' })).status,
    ).toBe(400);

    const suppressed = await send('POST', `/api/v1/findings/${id}/suppression`, writer, { reason: 'accepted for the quarter', expires_at: expires });
    expect(suppressed.status).toBe(200);
    expect(suppressed.body).toMatchObject({ reason: 'accepted for the quarter', by: expect.stringMatching(/^access token \d+$/) });
    expect(((await get(`/api/v1/findings?connection=acme&status=suppressed&limit=100`, everything)).body.items as Json[]).map((f) => f.id)).toContain(id);
    expect((await send('DELETE', `/api/v1/findings/${id}/suppression`, writer)).status).toBe(200);
    expect(((await get(`/api/v1/findings?connection=acme&status=suppressed&limit=100`, everything)).body.items as Json[]).map((f) => f.id)).not.toContain(id);

    const monitored = await send('POST', '/api/v1/connections/acme/monitored-apps', writer, { add: ['acme-api'] });
    expect(monitored).toEqual({ status: 200, body: { monitored: ['acme-api'] } });
    expect((await send('POST', '/api/v1/connections/acme/monitored-apps', bobWriter, { add: ['acme-api'] })).status).toBe(404);
    const unknownApp = await send('POST', '/api/v1/connections/acme/monitored-apps', writer, { add: ['no-such-app'] });
    expect(unknownApp.status).toBe(404);
    expect(unknownApp.body.error).toEqual({
      code: 'HW_APP_UNKNOWN',
      kind: 'not_found',
      message: expect.stringMatching(/no-such-app/),
      remedy: { do: 'list', what: 'apps', connection: 'acme' },
      fix: 'GET /api/v1/apps?connection=acme lists them.',
    });
    expect((await send('POST', '/api/v1/connections/acme/monitored-apps', writer, { remove: ['acme-api'] })).body).toEqual({ monitored: [] });
  });
});
