import { describe, expect, it } from 'vitest';
import { remainingRequests, syncSeconds } from './estimate.js';

const heroku = { available: 4500, reserve: 450, refillPerMinute: 75 };

describe('sync estimate', () => {
  it('is the time to send the requests while the pool above the reserve covers them', () => {
    // 1,000 requests, 16 in flight, answers in 200 ms: 12.5 s.
    expect(syncSeconds(1000, heroku, 16, 200)).toEqual({ seconds: 13, waitsForRateLimit: false });
  });

  it('is the pool refill time for what the pool cannot cover, whatever the concurrency', () => {
    // 10,000 requests: 4,050 at once, 5,950 at 75 a minute = 79.3 minutes.
    const { seconds, waitsForRateLimit } = syncSeconds(10_000, heroku, 256, 100);
    expect(waitsForRateLimit).toBe(true);
    expect(seconds).toBe(Math.ceil((5950 * 60) / 75));
    // A pool someone else has half spent leaves less to spend at once.
    expect(syncSeconds(10_000, { ...heroku, available: 2250 }, 256, 100).seconds).toBe(Math.ceil((8200 * 60) / 75));
    // A small pool (an emulator's 150) is waited for after its 135 above the reserve.
    expect(syncSeconds(300, { available: 150, reserve: 15, refillPerMinute: 75 }, 16, 10)).toEqual({ seconds: 132, waitsForRateLimit: true });
  });

  it('takes the pool as full before the first answer, and assumes an answer time until one is measured', () => {
    expect(syncSeconds(100, { available: null, reserve: 450, refillPerMinute: 75 }, 10, null)).toEqual({ seconds: 3, waitsForRateLimit: false });
  });

  it('counts one request per listed parent, and one per grandparent when the parent is not listed yet', () => {
    const listed = new Map([
      ['apps', 40],
      ['teams', 3],
      ['enterprise_accounts', 0],
    ]);
    const remaining = [
      { name: 'domains', parent: 'apps' },
      { name: 'releases', parent: 'apps' },
      { name: 'slugs', parent: 'releases' },
      { name: 'team_members', parent: 'teams' },
      { name: 'enterprise_members', parent: 'enterprise_accounts' },
      { name: 'regions' },
    ];
    expect(remainingRequests(remaining, listed)).toBe(40 + 40 + 40 + 3 + 0 + 1);
  });
});
