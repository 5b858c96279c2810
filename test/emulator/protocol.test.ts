import { describe, expect, it } from 'vitest';
import { api, startTestEmulator, V3 } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const emulator = await startTestEmulator({ scenario: edgeScenario() });

describe('API version (Accept)', () => {
  it.each([
    ['no Accept header', undefined],
    ['plain JSON', 'application/json'],
    ['no version', 'application/vnd.heroku+json'],
    ['version 2', 'application/vnd.heroku+json; version=2'],
    ['a malformed version', 'application/vnd.heroku+json; version=three'],
  ])('answers 400 missing_version, its text under "error" as Heroku words it, for %s', async (_case, accept) => {
    const response = await fetch(`${emulator.url}/account`, { headers: { Authorization: `Bearer ${T.admin}`, ...(accept ? { Accept: accept } : {}) } });
    expect(response.status).toBe(400);
    expect(response.headers.get('request-id')).toBeTruthy();
    expect(await response.json()).toEqual({
      id: 'missing_version',
      error: "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.\n",
    });
  });

  it.each(['version=3', 'version=3.sdk', 'version=3.webhooks', 'version=3.pipelines'])('accepts %s', async (version) => {
    const response = await api(emulator, '/account', T.admin, { headers: { Accept: `application/vnd.heroku+json; ${version}` } });
    expect(response.status).toBe(200);
  });
});

describe('credentials', () => {
  const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;

  it.each([
    ['a Bearer token', `Bearer ${T.admin}`],
    ['Basic with an empty user (heroku-client)', basic('', T.admin)],
    ['Basic with an email as user', basic('admin@edge.example', T.admin)],
  ])('accepts %s', async (_case, authorization) => {
    const response = await api<{ email: string }>(emulator, '/account', null, { headers: { Authorization: authorization } });
    expect(response.status).toBe(200);
    expect(response.body.email).toBe('admin@edge.example');
  });

  it('accepts old-style bare UUID tokens', async () => {
    expect((await api<{ email: string }>(emulator, '/account', T.member)).body.email).toBe('member@edge.example');
  });

  it.each([
    ['no credentials', null],
    ['an unknown token', 'HRKU-00000000-0000-0000-0000-00000000dead'],
    ['a revoked token', T.adminRevoked],
    ['an expired token', T.adminExpired],
  ])('answers 401 unauthorized for %s', async (_case, token) => {
    const response = await api(emulator, '/account', token);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ id: 'unauthorized', message: 'Invalid credentials provided.' });
  });

  it('answers 403 suspended for a suspended account', async () => {
    const response = await api(emulator, '/account', T.suspended);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ id: 'suspended', message: 'This account has been suspended.' });
  });
});

describe('OAuth scopes', () => {
  const SCOPE_MESSAGE = 'The scope of this OAuth authorization does not allow access to this resource.';

  it.each([
    ['a read token on config vars', T.adminRead, '/apps/edge-api/config-vars'],
    ['an identity token on apps', T.adminIdentity, '/apps'],
    ['a read-protected token on OAuth authorizations', T.adminProtected, '/oauth/authorizations'],
  ])('answers 403 forbidden for %s', async (_case, token, path) => {
    const response = await api(emulator, path, token);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ id: 'forbidden', message: SCOPE_MESSAGE });
  });

  it.each([
    ['a read-protected token on config vars', T.adminProtected, '/apps/edge-api/config-vars'],
    ['a read token on apps', T.adminRead, '/apps'],
    ['an identity token on the account', T.adminIdentity, '/account'],
    ['a global token on OAuth authorizations', T.admin, '/oauth/authorizations'],
  ])('allows %s', async (_case, token, path) => {
    expect((await api(emulator, path, token)).status).toBe(200);
  });

  it('says which scope the token has and which the endpoint accepts', async () => {
    const response = await api(emulator, '/apps/edge-api/config-vars', T.adminProtected);
    expect(response.headers.get('oauth-scope')).toBe('identity read-protected');
    expect(response.headers.get('oauth-scope-accepted')).toBe('global read-protected write-protected');
  });
});

describe('headers on every response', () => {
  it("carries Heroku's standard headers on a success", async () => {
    const response = await api(emulator, '/apps/edge-api', T.admin);
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('ratelimit-multiplier')).toBe('1');
    expect(Number(response.headers.get('ratelimit-remaining'))).toBeGreaterThan(4000);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get('last-modified')).toBe(new Date((response.body as { updated_at: string }).updated_at).toUTCString());
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries an ETag, a Request-Id and the rate limit on errors too', async () => {
    for (const response of [await api(emulator, '/apps/nope', T.admin), await api(emulator, '/account', 'bad-token')]) {
      expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
      expect(response.headers.get('request-id')).toBeTruthy();
      expect(response.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
    }
  });

  it("echoes the client's Request-Id with its own appended", async () => {
    const response = await api(emulator, '/account', T.admin, { headers: { 'Request-Id': 'client-1,client-2' } });
    expect(response.headers.get('request-id')).toMatch(/^client-1,client-2,[0-9a-f-]{36}$/);
  });
});

describe('conditional requests', () => {
  it('answers 304 with no body to a matching If-None-Match, for objects and pages', async () => {
    for (const path of ['/apps/edge-api', '/apps']) {
      const first = await api(emulator, path, T.admin);
      const again = await api(emulator, path, T.admin, { headers: { 'If-None-Match': first.headers.get('etag')! } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    }
  });

  it('answers 200 when the ETag does not match, and accepts weak and listed tags', async () => {
    const first = await api(emulator, '/apps/edge-api', T.admin);
    const etag = first.headers.get('etag')!;
    expect((await api(emulator, '/apps/edge-api', T.admin, { headers: { 'If-None-Match': '"0000"' } })).status).toBe(200);
    expect((await api(emulator, '/apps/edge-api', T.admin, { headers: { 'If-None-Match': `"0000", W/${etag}` } })).status).toBe(304);
  });

  it('gives each page its own ETag', async () => {
    const a = await api(emulator, '/apps', T.admin, { headers: { Range: 'name ..; max=2' } });
    const b = await api(emulator, '/apps', T.admin, { headers: { Range: a.headers.get('next-range')! } });
    expect(a.headers.get('etag')).not.toBe(b.headers.get('etag'));
  });

  it('answers 412 to a stale If-Match', async () => {
    const response = await api(emulator, '/apps/edge-api', T.admin, { headers: { 'If-Match': '"stale"' } });
    expect(response.status).toBe(412);
    expect(response.body).toMatchObject({ id: 'precondition_failed' });
  });
});

describe('errors', () => {
  it("answers unknown endpoints with Heroku's not_found message", async () => {
    const response = await api(emulator, '/no/such/endpoint', T.admin);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ id: 'not_found', message: expect.stringContaining('The requested API endpoint was not found') });
  });

  it.each([
    ['/apps/nope', 'app', "Couldn't find that app."],
    ['/teams/nope', 'team', "Couldn't find that team."],
    ['/addons/nope', 'addon', "Couldn't find that add-on."],
    ['/apps/edge-api/domains/nope.example', 'domain', "Couldn't find that domain."],
    ['/pipelines/nope', 'pipeline', "Couldn't find that pipeline."],
    ['/enterprise-accounts/nope', 'enterprise_account', "Couldn't find that enterprise account."],
  ])('answers %s with 404 naming the resource', async (path, resource, message) => {
    const response = await api(emulator, path, T.admin);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ resource, id: 'not_found', message });
  });

  it('answers 410 gone for the retired SSL Endpoint API', async () => {
    const response = await api(emulator, '/apps/edge-api/ssl-endpoints', T.admin);
    expect(response.status).toBe(410);
    expect(response.body).toMatchObject({ id: 'gone' });
  });

  it('answers a body that is not JSON with 400 bad_request', async () => {
    const response = await fetch(`${emulator.url}/oauth/authorizations`, {
      method: 'POST',
      headers: { Accept: V3, Authorization: `Bearer ${T.admin}`, 'Content-Type': 'application/json' },
      body: '{"scope": [',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ id: 'bad_request' });
  });

  it('takes a DELETE with a JSON content type and no body, as heroku-client sends it', async () => {
    const created = await api<{ id: string }>(emulator, '/oauth/authorizations', T.admin, {
      method: 'POST',
      body: { description: 'to revoke', scope: ['read'] },
    });
    expect(created.status).toBe(201);
    const revoked = await fetch(`${emulator.url}/oauth/authorizations/${created.body.id}`, {
      method: 'DELETE',
      headers: { Accept: V3, Authorization: `Bearer ${T.admin}`, 'Content-Type': 'application/json' },
      body: '',
    });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: created.body.id });
  });

  it("answers the framework's own refusals in Heroku's error shape, with its headers", async () => {
    const badEscape = await fetch(`${emulator.url}/apps/%E0%A4%A`, { headers: { Accept: V3, Authorization: `Bearer ${T.admin}` } });
    expect(badEscape.status).toBe(400);
    expect(badEscape.headers.get('request-id')).toBeTruthy();
    expect(badEscape.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await badEscape.json()).toMatchObject({ id: 'bad_request', message: expect.stringMatching(/URL/) });

    const badType = await fetch(`${emulator.url}/oauth/authorizations`, {
      method: 'POST',
      headers: { Accept: V3, Authorization: `Bearer ${T.admin}`, 'Content-Type': 'application/json; charset' },
      body: '{}',
    });
    expect(badType.headers.get('request-id')).toBeTruthy();
    expect(await badType.json()).toHaveProperty('id');

    // Headers past what the server reads are refused before any route: still Heroku's shape.
    const huge = await fetch(`${emulator.url}/account`, { headers: { Accept: V3, Authorization: `Bearer ${T.admin}`, 'X-Padding': 'x'.repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('request-id')).toBeTruthy();
    expect(await huge.json()).toEqual({ id: 'request_header_fields_too_large', message: "The request's headers are too large." });
  });
});

describe('HEAD', () => {
  it('answers like GET without a body', async () => {
    const get = await api(emulator, '/apps', T.admin);
    const head = await fetch(`${emulator.url}/apps`, { method: 'HEAD', headers: { Accept: V3, Authorization: `Bearer ${T.admin}` } });
    expect(head.status).toBe(get.status);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('ratelimit-remaining')).toBeTruthy();
    expect(await head.text()).toBe('');
    const missing = await fetch(`${emulator.url}/apps/no-such-app`, { method: 'HEAD', headers: { Accept: V3, Authorization: `Bearer ${T.admin}` } });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('');
  });
});

describe('the rate-limit endpoint', () => {
  it('reports the remaining pool without spending from it', async () => {
    const first = await api<{ remaining: number }>(emulator, '/account/rate-limits', T.outsider);
    const second = await api<{ remaining: number }>(emulator, '/account/rate-limits', T.outsider);
    expect(second.body.remaining).toBe(first.body.remaining);
    await api(emulator, '/account', T.outsider);
    const third = await api<{ remaining: number }>(emulator, '/account/rate-limits', T.outsider);
    expect(third.body.remaining).toBe(first.body.remaining - 1);
  });
});
