import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limit.js';

/** A limiter on a clock the test moves by hand. */
function limiter(overrides: Partial<typeof DEFAULT_RATE_LIMIT> = {}) {
  let now = 0;
  const limit = new RateLimiter({ ...DEFAULT_RATE_LIMIT, ...overrides }, () => now);
  return { limit, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter (GCRA)', () => {
  it('starts each account with a full pool of 4,500 and takes one per request', () => {
    const { limit } = limiter();
    expect(limit.remaining('a')).toBe(4500);
    expect(limit.take('a')).toEqual({ allowed: true, remaining: 4499, retryAfterSeconds: 0 });
    expect(limit.remaining('b')).toBe(4500);
  });

  it('refuses when the pool is empty and names how long until a token is back', () => {
    const { limit } = limiter({ poolSize: 3 });
    for (let i = 0; i < 3; i++) expect(limit.take('a').allowed).toBe(true);
    const refused = limit.take('a');
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    // 75 a minute: one token every 0.8 s, so Retry-After rounds up to 1 s.
    expect(refused.retryAfterSeconds).toBe(1);
  });

  it('refills continuously at 75 tokens a minute, never beyond the pool', () => {
    const { limit, advance } = limiter();
    limit.drain('a');
    expect(limit.remaining('a')).toBe(0);
    advance(60_000);
    expect(limit.remaining('a')).toBe(75);
    advance(800);
    expect(limit.remaining('a')).toBe(76);
    advance(24 * 3_600_000);
    expect(limit.remaining('a')).toBe(4500);
  });

  it('scales time so a test can refill a pool in seconds', () => {
    const { limit, advance } = limiter({ poolSize: 100, refillPerMinute: 60, timeScale: 60 });
    limit.drain('a');
    advance(1000);
    expect(limit.remaining('a')).toBe(60);
    expect(limit.take('a').allowed).toBe(true);
  });

  it('gives a refunded token back', () => {
    const { limit } = limiter();
    limit.take('a');
    limit.refund('a');
    expect(limit.remaining('a')).toBe(4500);
  });

  it('drains leaving a chosen number of tokens', () => {
    const { limit } = limiter();
    limit.drain('a', 12);
    expect(limit.remaining('a')).toBe(12);
  });
});
