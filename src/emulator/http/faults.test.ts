import { describe, expect, it } from 'vitest';
import { FaultInjector, globToRegExp } from './faults.js';

describe('globToRegExp', () => {
  it.each([
    ['/**', '/apps', true],
    ['/**', '/apps/x/config-vars', true],
    ['/apps/*/config-vars', '/apps/acme/config-vars', true],
    ['/apps/*/config-vars', '/apps/acme/domains', false],
    ['/apps/*', '/apps/acme/domains', false],
    ['/apps/**', '/apps', true],
    ['/apps/**', '/apps/a/b/c', true],
    ['/teams/*/members', '/teams/a.b/members', true],
  ])('%s matches %s: %s', (glob, path, matches) => {
    expect(globToRegExp(glob).test(path)).toBe(matches);
  });
});

function fates(injector: FaultInjector, path: string, times: number): (string | null)[] {
  return Array.from({ length: times }, () => {
    const plan = injector.plan('GET', path, path, 'account');
    return plan.before ?? plan.after;
  });
}

describe('FaultInjector', () => {
  it('does nothing without rules', () => {
    const injector = new FaultInjector(undefined);
    expect(injector.active).toBe(false);
    expect(injector.plan('GET', '/apps', '/apps', 'a')).toEqual({ before: null, errorStatus: 0, after: null, latencyMs: 0 });
  });

  it('is deterministic by seed, whatever other requests interleave', () => {
    const rules = [{ error: 0.3, reset: 0.1, truncate: 0.1, malformed: 0.1 }];
    const a = new FaultInjector({ seed: 42, rules });
    const b = new FaultInjector({ seed: 42, rules });
    const first = fates(a, '/apps/x', 50);
    fates(b, '/apps/other', 17);
    expect(fates(b, '/apps/x', 50)).toEqual(first);
    expect(fates(new FaultInjector({ seed: 43, rules }), '/apps/x', 50)).not.toEqual(first);
  });

  it('injects each fault at about its rate, and repeating a request rolls again', () => {
    const injector = new FaultInjector({ seed: 7, rules: [{ error: 0.1, errorStatuses: [503] }] });
    const outcomes = fates(injector, '/apps', 2000);
    const errors = outcomes.filter((f) => f === 'error').length;
    expect(errors).toBeGreaterThan(140);
    expect(errors).toBeLessThan(260);
  });

  it('answers errors with the configured statuses, mixing 500 and 503 by default', () => {
    const only503 = new FaultInjector({ seed: 1, rules: [{ error: 1, errorStatuses: [503] }] });
    const statuses503 = new Set(Array.from({ length: 40 }, (_, i) => only503.plan('GET', '/apps', `k${i}`, 'a').errorStatus));
    expect([...statuses503]).toEqual([503]);
    const mixed = new FaultInjector({ seed: 1, rules: [{ error: 1 }] });
    const statuses = new Set(Array.from({ length: 40 }, (_, i) => mixed.plan('GET', '/apps', `k${i}`, 'a').errorStatus));
    expect([...statuses].sort()).toEqual([500, 503]);
  });

  it('only touches matching paths and methods', () => {
    const injector = new FaultInjector({ rules: [{ path: '/apps/*/config-vars', method: 'GET', error: 1 }] });
    expect(injector.plan('GET', '/apps/a/config-vars', 'k', 'a').before).toBe('error');
    expect(injector.plan('GET', '/apps/a/config-vars?x=1', 'k2', 'a').before).toBe('error');
    expect(injector.plan('GET', '/apps/a/domains', 'k', 'a').before).toBeNull();
    expect(injector.plan('POST', '/apps/a/config-vars', 'k', 'a').before).toBeNull();
  });

  it('answers a burst of 429s for the account that hit it, then lets requests through', () => {
    const injector = new FaultInjector({ seed: 3, rules: [{ rateLimitBurst: { probability: 1, length: 3 } }] });
    const mine = Array.from({ length: 3 }, (_, i) => injector.plan('GET', '/apps', `k${i}`, 'a').before);
    expect(mine).toEqual(['rate-limit-burst', 'rate-limit-burst', 'rate-limit-burst']);
    const quiet = new FaultInjector({ seed: 3, rules: [{ rateLimitBurst: { probability: 0, length: 3 } }] });
    expect(quiet.plan('GET', '/apps', 'k', 'a').before).toBeNull();
  });

  it('adds latency within the configured range', () => {
    const injector = new FaultInjector({ rules: [{ latencyMs: [10, 20] }, { path: '/apps', latencyMs: 5 }] });
    for (let i = 0; i < 20; i++) {
      const { latencyMs } = injector.plan('GET', '/apps', `k${i}`, 'a');
      expect(latencyMs).toBeGreaterThanOrEqual(15);
      expect(latencyMs).toBeLessThanOrEqual(25);
    }
  });
});
