import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/emulator/index.js';
import { api, startTestEmulator } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const emulator = await startTestEmulator({ scenario: edgeScenario() });

describe('OAuth authorization writes (what `heroku authorizations:create/revoke` do)', () => {
  it('creates an authorization whose token works at once, then revokes it', async () => {
    const created = await api<{ id: string; scope: string[]; access_token: { token: string; expires_in: number } }>(
      emulator,
      '/oauth/authorizations',
      T.admin,
      {
        method: 'POST',
        body: { description: 'herowatch', scope: ['identity', 'read-protected'], expires_in: 3600 },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ scope: ['identity', 'read-protected'], access_token: { expires_in: 3600 } });
    const token = created.body.access_token.token;
    expect(token).toMatch(/^HRKU-[0-9a-f-]{36}$/);
    expect((await api(emulator, '/apps/edge-api/config-vars', token)).status).toBe(200);
    expect((await api(emulator, '/apps', T.admin)).status).toBe(200);
    const listed = await api<{ id: string }[]>(emulator, '/oauth/authorizations', T.admin);
    expect(listed.body.map((a) => a.id)).toContain(created.body.id);

    const revoked = await api<{ id: string }>(emulator, `/oauth/authorizations/${created.body.id}`, T.admin, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.id).toBe(created.body.id);
    expect((await api(emulator, '/account', token)).status).toBe(401);
    expect((await api(emulator, `/oauth/authorizations/${created.body.id}`, T.admin)).status).toBe(404);
  });

  it.each([
    [{ scope: ['everything'] }, 'Scope must be'],
    [{ scope: [] }, 'Scope must be'],
    [{ expires_in: -5 }, 'Expires in'],
    [{ description: 42 }, 'Description'],
  ])('answers 422 invalid_params for %j', async (body, message) => {
    const response = await api(emulator, '/oauth/authorizations', T.admin, { method: 'POST', body });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ id: 'invalid_params', message: expect.stringContaining(message) });
  });

  it('answers 402 delinquent to an account behind on payment', async () => {
    const response = await api(emulator, '/oauth/authorizations', T.delinquent, { method: 'POST', body: { scope: ['read'] } });
    expect(response.status).toBe(402);
    expect(response.body).toMatchObject({ id: 'delinquent' });
    expect((await api(emulator, '/account', T.delinquent)).status).toBe(200);
  });

  it('needs a global token', async () => {
    expect((await api(emulator, '/oauth/authorizations', T.adminProtected, { method: 'POST', body: { scope: ['read'] } })).status).toBe(403);
  });
});

describe('changing the scenario of a running emulator', () => {
  it('serves the new world from the next request, and keeps the old one when the new one is invalid', async () => {
    const changed = edgeScenario();
    changed.apps![0]!.locked = false;
    changed.apps!.push({ name: 'edge-new', team: 'edge-core' });
    await emulator.setScenario(changed);
    expect((await api<{ locked: boolean }>(emulator, '/teams/apps/edge-api', T.admin)).body.locked).toBe(false);
    expect((await api(emulator, '/apps/edge-new', T.admin)).status).toBe(200);

    const broken = edgeScenario();
    broken.apps![0]!.team = 'no-such-team';
    await expect(emulator.setScenario(broken)).rejects.toBeInstanceOf(ScenarioError);
    expect((await api(emulator, '/apps/edge-new', T.admin)).status).toBe(200);
  });
});

describe('request log', () => {
  it('records every request with method, path, status, account and cost, in order', async () => {
    emulator.clearRequests();
    await api(emulator, '/apps?extended=true', T.admin);
    await api(emulator, '/account/rate-limits', T.admin);
    await api(emulator, '/apps/nope', T.member);
    await api(emulator, '/account', 'bad-token');
    const log = emulator.requests();
    expect(log.map((r) => [r.method, r.path, r.status, r.account, r.cost])).toEqual([
      ['GET', '/apps?extended=true', 200, 'admin@edge.example', 1],
      ['GET', '/account/rate-limits', 200, 'admin@edge.example', 0],
      ['GET', '/apps/nope', 404, 'member@edge.example', 1],
      ['GET', '/account', 401, null, 0],
    ]);
    expect(emulator.requestTotals()).toEqual({ requests: 4, cost: 2 });
    expect(emulator.requests(log[1]!.seq).map((r) => r.path)).toEqual(['/apps/nope', '/account']);
  });

  it('is readable over HTTP for tools outside the process', async () => {
    const response = await fetch(`${emulator.url}/__emulator/requests`);
    const body = (await response.json()) as { requests: unknown[]; totals: { requests: number } };
    expect(body.requests.length).toBe(body.totals.requests);
  });
});
