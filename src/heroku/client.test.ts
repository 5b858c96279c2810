import { describe, expect, it } from 'vitest';
import { apiUrlFromHost } from './api-url.js';
import { HerokuClient } from './client.js';
import { HerokuApiError, HerokuTransportError } from './errors.js';
import { memoryEtagCache } from './middleware/conditional.js';
import { redactUrl, tokenFingerprint } from './sanitize.js';
import type { Send } from './transport.js';

const TOKEN = 'HRKU-secret-token-canary-0000';
const CANARY = 'config-value-canary-1234';

type Scripted = { status?: number; body?: unknown; headers?: Record<string, string>; fail?: 'network' | 'truncated' };

/** A network that answers from a script and records what was asked. */
function scriptedFetch(script: (request: { url: string; headers: Record<string, string> }, n: number) => Scripted) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const send: Send = async (url, init) => {
    const call = { url, headers: { ...init.headers } };
    calls.push(call);
    const answer = script(call, calls.length);
    if (answer.fail === 'network') throw Object.assign(new Error('other side closed'), { code: 'ECONNRESET' });
    if (answer.fail === 'truncated') throw Object.assign(new Error('response body cut short'), { kind: 'truncated' });
    const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', 'ratelimit-remaining': '4000', ...answer.headers },
      text: answer.status === 304 ? '' : text,
    };
  };
  return { fetchFn: send, calls };
}

/** A client on a fake clock: sleeping advances it, so waits cost no real time. */
function client(fetchFn: Send, extra: Partial<ConstructorParameters<typeof HerokuClient>[0]> = {}) {
  const slept: number[] = [];
  const throttled: number[] = [];
  let now = 0;
  const instance = new HerokuClient({
    token: TOKEN,
    apiUrl: 'http://127.0.0.1:9',
    send: fetchFn,
    retry: { sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
    rateLimit: { now: () => now, sleep: async (ms) => void (throttled.push(ms), (now += ms)) },
    ...extra,
  });
  return { instance, slept, throttled };
}

describe('apiUrlFromHost', () => {
  it.each([
    [undefined, 'https://api.heroku.com'],
    ['', 'https://api.heroku.com'],
    ['heroku.com', 'https://api.heroku.com'],
    ['staging.herokudev.com', 'https://api.staging.herokudev.com'],
    ['http://127.0.0.1:5055', 'http://127.0.0.1:5055'],
    ['https://api.example.test/', 'https://api.example.test'],
  ])('%s -> %s', (host, url) => {
    expect(apiUrlFromHost(host)).toBe(url);
  });
});

describe('HerokuClient', () => {
  it('takes only 2xx as success: a redirect is an error, never followed, and a 1xx is not an answer', async () => {
    for (const status of [301, 302, 307, 101]) {
      const { fetchFn, calls } = scriptedFetch(() => ({ status, headers: { location: 'https://attacker.example/steal' } }));
      const error = await client(fetchFn)
        .instance.get('/account')
        .catch((caught: unknown) => caught);
      expect(error, String(status)).toBeInstanceOf(HerokuApiError);
      expect((error as HerokuApiError).status).toBe(status);
      expect(calls.map((c) => c.url)).toEqual(['http://127.0.0.1:9/account']);
    }
  });

  it('keeps the token and the body out of errors, whatever the server echoes', async () => {
    const { fetchFn } = scriptedFetch((_, n) =>
      n === 1
        ? { status: 422, body: { id: 'invalid_params', message: `Bad token ${TOKEN} \u001b[31m and Bearer abcdefghijklmnop` } }
        : { body: `{"config": "${CANARY}` },
    );
    const rejected = (await client(fetchFn)
      .instance.get('/apps/a')
      .catch((caught: unknown) => caught)) as HerokuApiError;
    expect(rejected.message).not.toContain(TOKEN);
    expect(rejected.message).not.toContain('abcdefghijklmnop');
    expect(rejected.message).not.toContain('\u001b');
    const garbled = (await client(fetchFn, { retry: { retries: 0 } })
      .instance.get('/apps/a')
      .catch((caught: unknown) => caught)) as HerokuTransportError;
    expect(garbled).toBeInstanceOf(HerokuTransportError);
    expect(garbled.message).not.toContain(CANARY);
  });

  it('sends Bearer auth, the v3 Accept header, a User-Agent and a Request-Id', async () => {
    const { fetchFn, calls } = scriptedFetch(() => ({ body: { email: 'a@b.example' } }));
    await client(fetchFn).instance.get('/account');
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/account');
    expect(calls[0]!.headers).toMatchObject({
      Authorization: `Bearer ${TOKEN}`,
      Accept: 'application/vnd.heroku+json; version=3',
      'User-Agent': expect.stringMatching(/^herowatch\//),
      'Request-Id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('turns error statuses into HerokuApiError with status, Heroku id and request id, never the token', async () => {
    const { fetchFn } = scriptedFetch(() => ({ status: 404, body: { id: 'not_found', message: "Couldn't find that app." }, headers: { 'request-id': 'r-1' } }));
    const error = await client(fetchFn)
      .instance.get('/apps/x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HerokuApiError);
    expect(error).toMatchObject({ status: 404, id: 'not_found', requestId: 'r-1', method: 'GET', path: '/apps/x' });
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain(TOKEN);
    // A proxy's answer may put anything in those fields: a token in the id, escapes in the request id. Neither is kept.
    const { fetchFn: hostile } = scriptedFetch(() => ({
      status: 403,
      body: { id: `forbidden ${TOKEN}`, message: 'no' },
      headers: { 'request-id': `r\u001b[2J${TOKEN}` },
    }));
    const refused = (await client(hostile)
      .instance.get('/apps/x')
      .catch((e: unknown) => e)) as HerokuApiError;
    expect(refused).toMatchObject({ status: 403, id: null, requestId: null });
    expect(JSON.stringify(refused) + String(refused)).not.toContain(TOKEN);
  });

  describe('the secrets boundary', () => {
    it('drops config var values, keeping names', async () => {
      const { fetchFn } = scriptedFetch(() => ({ body: { DATABASE_URL: CANARY, LOG_LEVEL: CANARY } }));
      const { body } = await client(fetchFn).instance.get('/apps/acme/config-vars');
      expect(body).toEqual({ DATABASE_URL: null, LOG_LEVEL: null });
      expect(JSON.stringify(body)).not.toContain(CANARY);
    });

    it('drops OAuth tokens from authorizations', async () => {
      const authorization = {
        id: 'a1',
        access_token: { id: 't1', token: CANARY, expires_in: null },
        refresh_token: { id: 'r1', token: CANARY },
        grant: { id: 'g', code: CANARY },
      };
      const { fetchFn } = scriptedFetch(() => ({ body: [authorization] }));
      const { body } = await client(fetchFn).instance.get<unknown[]>('/oauth/authorizations');
      expect(JSON.stringify(body)).not.toContain(CANARY);
      expect(body[0]).toMatchObject({ access_token: { id: 't1', token: null, fingerprint: tokenFingerprint(CANARY) } });
      expect(tokenFingerprint(CANARY)).toMatch(/^sha256:[0-9a-f]{16}$/);
    });

    it('strips credentials from log drain URLs and signed slug URLs', async () => {
      const { fetchFn } = scriptedFetch((request) =>
        request.url.includes('log-drains')
          ? { body: [{ url: `https://user:${CANARY}@logs.example.com/path?token=${CANARY}` }] }
          : { body: { id: 's', blob: { method: 'GET', url: `https://s3.example.com/slug?sig=${CANARY}` } } },
      );
      const { instance } = client(fetchFn);
      const drains = await instance.get<{ url: string }[]>('/apps/a/log-drains');
      // Scheme, host and port stay, with a fingerprint of the whole URL; the path and query can carry a token and go.
      expect(drains.body[0]!.url).toMatch(/^https:\/\/logs\.example\.com#[0-9a-f]{16}$/);
      expect(drains.body[0]!.url).not.toContain(CANARY);
      const slug = await instance.get('/apps/a/slugs/s');
      expect(JSON.stringify(slug.body)).not.toContain(CANARY);
    });

    it.each([
      ['syslog+tls://logs.example.net:6514', /^syslog\+tls:\/\/logs\.example\.net:6514#[0-9a-f]{16}$/],
      ['https://logs.example.com/in/s3cr3t-path-token', /^https:\/\/logs\.example\.com#[0-9a-f]{16}$/],
      ['not a url', /^\[unparseable URL redacted\]$/],
    ])('redactUrl(%s)', (input, output) => {
      expect(redactUrl(input)).toMatch(output);
    });

    it('fingerprints the whole drain URL, so a change of credentials is still a change', () => {
      expect(redactUrl('https://logs.example.com/a')).not.toBe(redactUrl('https://logs.example.com/b'));
      expect(redactUrl('https://logs.example.com/a')).toBe(redactUrl('https://logs.example.com/a'));
    });
  });

  describe('retries', () => {
    it.each<[string, Scripted]>([
      ['a 503', { status: 503, body: { id: 'service_unavailable', message: 'down' } }],
      ['a 500', { status: 500, body: { id: 'internal_server_error', message: 'oops' } }],
      ['a 429', { status: 429, body: { id: 'rate_limit', message: 'slow down' } }],
      ['a reset connection', { fail: 'network' }],
      ['a cut body', { fail: 'truncated' }],
      ['a garbled body', { body: '[{"id": "a' }],
    ])('retries %s with backoff, then succeeds', async (_case, failure) => {
      const { fetchFn, calls } = scriptedFetch((_r, n) => (n === 1 ? failure : { body: [] }));
      const { instance, slept } = client(fetchFn);
      await expect(instance.get('/apps')).resolves.toMatchObject({ status: 200 });
      expect(calls).toHaveLength(2);
      expect(slept).toEqual([375]);
      expect(instance.stats.retries).toBe(1);
    });

    it.each([400, 401, 403, 404, 422])('never retries a %i', async (status) => {
      const { fetchFn, calls } = scriptedFetch(() => ({ status, body: { id: 'x', message: 'no' } }));
      await expect(client(fetchFn).instance.get('/apps')).rejects.toBeInstanceOf(HerokuApiError);
      expect(calls).toHaveLength(1);
    });

    it('waits at least Retry-After on a 429, then probes the pool with one request', async () => {
      const { fetchFn } = scriptedFetch((_r, n) =>
        n === 1 ? { status: 429, body: { id: 'rate_limit', message: 'x' }, headers: { 'retry-after': '7' } } : { body: {} },
      );
      const { instance, slept, throttled } = client(fetchFn);
      await instance.get('/account');
      expect(slept[0]).toBe(7000);
      // The probe found 4,000 left: no further waiting.
      expect(throttled).toEqual([]);
      expect(instance.stats.rateLimitLow).toBe(0);
    });

    it('backs off exponentially and gives up after the configured retries with the last error', async () => {
      const { fetchFn, calls } = scriptedFetch(() => ({ fail: 'network' }));
      const { instance, slept } = client(fetchFn, { retry: { retries: 3, baseDelayMs: 100, random: () => 1, sleep: async (ms) => void slept.push(ms) } });
      await expect(instance.get('/apps')).rejects.toBeInstanceOf(HerokuTransportError);
      expect(calls).toHaveLength(4);
      expect(slept).toEqual([100, 200, 400]);
    });
  });

  describe('pagination', () => {
    const pagesOf = (ranges: Record<string, { items: number[]; next?: string }>) =>
      scriptedFetch((request) => {
        const page = ranges[request.headers.Range!];
        if (!page) return { status: 400, body: { id: 'bad_request', message: `unexpected ${request.headers.Range}` } };
        const headers: Record<string, string> = page.next ? { 'next-range': page.next } : {};
        return { status: page.next ? 206 : 200, body: page.items.map((id) => ({ id })), headers };
      });

    it('follows Next-Range from `id ..; max=1000` to the end', async () => {
      const { fetchFn, calls } = pagesOf({ 'id ..; max=1000': { items: [1, 2], next: 'id ]2..; max=1000' }, 'id ]2..; max=1000': { items: [3] } });
      expect(await client(fetchFn).instance.all<{ id: number }>('/apps')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(calls.map((c) => c.headers.Range)).toEqual(['id ..; max=1000', 'id ]2..; max=1000']);
    });

    it('stops when a Next-Range repeats', async () => {
      const { fetchFn, calls } = pagesOf({
        'id ..; max=1000': { items: [1], next: 'id ]1..; max=1000' },
        'id ]1..; max=1000': { items: [2], next: 'id ]1..; max=1000' },
      });
      expect(await client(fetchFn).instance.all('/apps')).toHaveLength(2);
      expect(calls).toHaveLength(2);
    });

    it('lets the caller stop early', async () => {
      const { fetchFn, calls } = pagesOf({ 'id ..; max=1000': { items: [1], next: 'id ]1..; max=1000' }, 'id ]1..; max=1000': { items: [2] } });
      for await (const page of client(fetchFn).instance.pages('/apps')) {
        expect(page.items).toEqual([{ id: 1 }]);
        break;
      }
      expect(calls).toHaveLength(1);
    });

    it('asks for another field and order', async () => {
      const { fetchFn, calls } = pagesOf({ 'version ..; max=5, order=desc': { items: [9] } });
      await client(fetchFn).instance.all('/apps/a/releases', { field: 'version', max: 5, order: 'desc' });
      expect(calls[0]!.headers.Range).toBe('version ..; max=5, order=desc');
    });
  });

  describe('conditional requests', () => {
    it('sends If-None-Match and answers a 304 from the cache, Next-Range included', async () => {
      const cache = memoryEtagCache();
      const { fetchFn, calls } = scriptedFetch((request) =>
        request.headers['If-None-Match'] === '"v1"'
          ? { status: 304 }
          : { status: 206, body: [{ id: 1 }], headers: { etag: '"v1"', 'next-range': 'id ]1..; max=1000' } },
      );
      const { instance } = client(fetchFn, { etagCache: cache });
      const first = await instance.get('/apps', { Range: 'id ..; max=1000' });
      const second = await instance.get('/apps', { Range: 'id ..; max=1000' });
      expect(calls[1]!.headers['If-None-Match']).toBe('"v1"');
      expect(second).toMatchObject({ status: 206, body: first.body, fromCache: true });
      expect(second.headers['next-range']).toBe('id ]1..; max=1000');
      expect(instance.stats.notModified).toBe(1);
    });

    it('keeps only sanitized bodies in the cache', async () => {
      const cache = memoryEtagCache();
      const { fetchFn } = scriptedFetch(() => ({ body: { SECRET: CANARY }, headers: { etag: '"e"' } }));
      await client(fetchFn, { etagCache: cache }).instance.get('/apps/a/config-vars');
      expect(JSON.stringify(await cache.get('/apps/a/config-vars|'))).not.toContain(CANARY);
    });
  });

  describe('bounded concurrency', () => {
    it('never has more requests in flight than allowed', async () => {
      let inFlight = 0;
      let peak = 0;
      const fetchFn: Send = async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { status: 200, headers: { 'ratelimit-remaining': '4000' }, text: '{}' };
      };
      const { instance } = client(fetchFn, { concurrency: 3 });
      await Promise.all(Array.from({ length: 20 }, () => instance.get('/account')));
      expect(peak).toBe(3);
    });
  });
});
