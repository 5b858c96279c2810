import { describe, expect, it } from 'vitest';
import type { HerokuRequest, HerokuResponse } from '../transport.js';
import { RateLimitGauge, withThrottle } from './throttle.js';

/**
 * A server pool (refilling continuously, like Heroku's) on a fake clock that
 * only moves when the client sleeps or a request takes time.
 */
function simulation(poolSize: number, refillPerMinute: number, startRemaining = poolSize, assumedPool = poolSize) {
  let now = 0;
  let level = startRemaining;
  let levelAt = 0;
  const msPerToken = 60_000 / refillPerMinute;
  const remaining = (): number => Math.min(poolSize, level + (now - levelAt) / msPerToken);
  const seen: number[] = [];
  const gauge = new RateLimitGauge({
    poolSize: assumedPool,
    reserveRatio: 0.1,
    refillPerMinute,
    now: () => now,
    sleep: async (ms) => void (now += ms),
    probeAfterMs: 3000,
  });
  let probes = 0;
  const next = async (request: HerokuRequest): Promise<HerokuResponse> => {
    await Promise.resolve();
    now += 5; // each request takes 5 ms
    if (request.path === '/account/rate-limits') {
      probes++;
      return { status: 200, headers: {}, body: { remaining: Math.floor(remaining()) } }; // free, as on Heroku
    }
    const available = remaining();
    if (available < 1) throw new Error('429: the client let the pool run dry');
    level = available - 1;
    levelAt = now;
    seen.push(Math.floor(level));
    return { status: 200, headers: { 'ratelimit-remaining': String(Math.floor(level)) }, body: {} };
  };
  return { gauge, request: withThrottle(gauge)(next), seen, clock: () => now, probes: () => probes };
}

describe('withThrottle', () => {
  it('never lets the pool fall into the reserve, pacing at the refill rate instead', async () => {
    const sim = simulation(200, 60);
    const request: HerokuRequest = { method: 'GET', path: '/apps', headers: {} };
    // 600 requests from 4 workers: far more than the pool holds.
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (sent < 600) {
        sent++;
        await sim.request(request);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(Math.min(...sim.seen)).toBeGreaterThanOrEqual(20);
    expect(sim.gauge.lowWater).toBeGreaterThanOrEqual(20);
    // 600 requests, 180 of them from the pool above the reserve: the other 420 wait for refills at 1/s.
    expect(sim.clock()).toBeGreaterThan(400_000);
    expect(sim.clock()).toBeLessThan(460_000);
  });

  it('learns a pool smaller than assumed, and paces by it instead of waiting for tokens it never holds', async () => {
    // A 150-token pool (an emulator's) while 4,500 is assumed: 10% of 4,500 is more than the whole pool.
    const sim = simulation(150, 75, 150, 4500);
    for (let i = 0; i < 300; i++) await sim.request({ method: 'GET', path: '/apps', headers: {} });
    expect(sim.gauge.pool).toBe(150);
    expect(sim.gauge.reserve).toBe(15);
    expect(Math.min(...sim.seen)).toBeGreaterThanOrEqual(15);
    // 135 from the pool, the other 165 at the refill rate (0.8 s each): about 2.2 minutes, not one request every 4 minutes.
    expect(sim.clock()).toBeLessThan(150_000);
    expect(sim.probes()).toBeGreaterThan(0);
  });

  it('does not take a drained pool for a small one', async () => {
    const sim = simulation(1000, 60, 30, 1000);
    for (let i = 0; i < 40; i++) await sim.request({ method: 'GET', path: '/apps', headers: {} });
    expect(sim.gauge.pool).toBe(1000);
    expect(Math.min(...sim.seen.slice(1))).toBeGreaterThanOrEqual(100);
  });

  it('does not wait while the pool is comfortably full', async () => {
    const sim = simulation(4500, 75);
    for (let i = 0; i < 100; i++) await sim.request({ method: 'GET', path: '/apps', headers: {} });
    expect(sim.gauge.waitedMs).toBe(0);
  });

  it('after a 429, lets one probe through and waits for its answer before sending more', async () => {
    const sim = simulation(100, 60);
    sim.gauge.unknown();
    const order: string[] = [];
    await Promise.all(
      [1, 2, 3].map(async (n) => {
        await sim.request({ method: 'GET', path: `/r${n}`, headers: {} });
        order.push(`r${n}`);
      }),
    );
    expect(order[0]).toBe('r1');
    expect(sim.seen).toHaveLength(3);
  });

  it('waits for the pool when another client already drained it', async () => {
    const sim = simulation(100, 60, 5);
    await sim.request({ method: 'GET', path: '/account', headers: {} });
    await sim.request({ method: 'GET', path: '/account', headers: {} });
    expect(sim.gauge.waitedMs).toBeGreaterThan(0);
    expect(Math.min(...sim.seen.slice(1))).toBeGreaterThanOrEqual(10);
  });

  it('counts the time spent waiting once, however many requests wait at the same time', async () => {
    // 100 tokens a second, 10 in reserve, 10 left: eight requests at once wait one after another for the refill.
    const gauge = new RateLimitGauge({
      poolSize: 100,
      reserveRatio: 0.1,
      refillPerMinute: 6000,
      now: () => performance.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      probeAfterMs: 60_000,
    });
    gauge.observe(1, 10);
    const started = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => gauge.acquire()));
    const wall = performance.now() - started;
    expect(gauge.waitedMs).toBeGreaterThan(0);
    expect(gauge.waitedMs).toBeLessThanOrEqual(wall + 1);
  });
});
