import { describe, expect, it } from 'vitest';
import { api, startEmulatorForTest } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const RATE_LIMIT_BODY = {
  id: 'rate_limit',
  message: 'Your account reached the API rate limit\nPlease wait a few minutes before making new requests',
  url: 'https://devcenter.heroku.com/articles/platform-api-reference#rate-limits',
};

describe('rate limiting', () => {
  it("counts down RateLimit-Remaining per account and answers 429 with Heroku's body when the pool is empty", async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), rateLimit: { poolSize: 5, refillPerMinute: 1 } });
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await api(emulator, '/apps', T.admin);
      expect(response.status).toBeLessThan(300);
      remaining.push(response.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await api(emulator, '/apps', T.admin);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(RATE_LIMIT_BODY);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('retry-after')).toBeNull();
    // Another account has its own pool; the rate-limit endpoint is free even when the pool is empty.
    expect((await api(emulator, '/apps', T.member)).status).toBe(200);
    expect(await api(emulator, '/account/rate-limits', T.admin).then((r) => [r.status, r.body])).toEqual([200, { remaining: 0 }]);
    // Requests of one account share one pool, whichever token they use.
    expect((await api(emulator, '/account', T.adminRead)).status).toBe(429);
    const log = emulator.requests().filter((r) => r.status === 429);
    expect(log.map((r) => [r.account, r.cost])).toEqual([
      ['admin@edge.example', 0],
      ['admin@edge.example', 0],
    ]);
  });

  it('refills continuously; a time scale makes it fast enough to watch', async () => {
    // 60 a minute, 60 times faster: one token every 16.7 ms of real time, so a busy machine's delays stay within the bounds.
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), rateLimit: { poolSize: 50, refillPerMinute: 60, timeScale: 60 } });
    emulator.rateLimiter.drain((await api<{ id: string }>(emulator, '/account', T.admin)).body.id);
    expect((await api<{ remaining: number }>(emulator, '/account/rate-limits', T.admin)).body.remaining).toBeLessThanOrEqual(5);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const refilled = (await api<{ remaining: number }>(emulator, '/account/rate-limits', T.admin)).body.remaining;
    expect(refilled).toBeGreaterThan(10);
    expect(refilled).toBeLessThanOrEqual(50);
  });

  it('sends Retry-After when asked to', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), rateLimit: { poolSize: 1, refillPerMinute: 6, retryAfter: true } });
    await api(emulator, '/account', T.admin);
    const refused = await api(emulator, '/account', T.admin);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(10);
  });

  it('counts 304s by default, and not when configured so', async () => {
    for (const count304 of [true, false]) {
      // A pool that does not refill meanwhile (on a busy machine a second can pass between the two requests).
      const emulator = await startEmulatorForTest({ scenario: edgeScenario(), rateLimit: { count304, refillPerMinute: 0.001 } });
      const first = await api(emulator, '/apps/edge-api', T.admin);
      const before = Number(first.headers.get('ratelimit-remaining'));
      const again = await api(emulator, '/apps/edge-api', T.admin, { headers: { 'If-None-Match': first.headers.get('etag')! } });
      expect(again.status).toBe(304);
      expect(Number(again.headers.get('ratelimit-remaining'))).toBe(count304 ? before - 1 : before);
      expect(emulator.requests().at(-1)!.cost).toBe(count304 ? 1 : 0);
    }
  });
});
