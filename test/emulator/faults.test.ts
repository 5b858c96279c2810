import { describe, expect, it } from 'vitest';
import { api, startTestEmulator, V3 } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const emulator = await startTestEmulator({ scenario: edgeScenario() });

async function raw(path: string): Promise<Response> {
  return fetch(`${emulator.url}${path}`, { headers: { Accept: V3, Authorization: `Bearer ${T.admin}` } });
}

describe('fault injection', () => {
  it('answers 500/503 with Heroku error bodies on matching paths only', async () => {
    emulator.setFaults({ seed: 1, rules: [{ path: '/apps/*/config-vars', error: 1 }] });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const response = await api<{ id: string }>(emulator, '/apps/edge-api/config-vars', T.admin);
      statuses.add(response.status);
      expect(response.body.id).toBe(response.status === 503 ? 'service_unavailable' : 'internal_server_error');
    }
    expect([...statuses].sort()).toEqual([500, 503]);
    expect((await api(emulator, '/apps/edge-api', T.admin)).status).toBe(200);
    expect(emulator.requests().at(-2)!.fault).toMatch(/^error 50[03]$/);
  });

  it('resets connections', async () => {
    emulator.setFaults({ rules: [{ path: '/apps', reset: 1 }] });
    await expect(raw('/apps')).rejects.toThrow();
    expect(emulator.requests().at(-1)).toMatchObject({ path: '/apps', status: 0, fault: 'reset' });
  });

  it('cuts bodies short after declaring their full length', async () => {
    emulator.setFaults({ rules: [{ path: '/apps', truncate: 1 }] });
    const response = await raw('/apps');
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(emulator.requests().at(-1)!.fault).toBe('truncate');
  });

  it('sends bodies that are not valid JSON', async () => {
    emulator.setFaults({ rules: [{ path: '/apps', malformed: 1 }] });
    const response = await raw('/apps');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith('[{')).toBe(true);
  });

  it('answers bursts of 429 for an account', async () => {
    emulator.setFaults({ seed: 5, rules: [{ rateLimitBurst: { probability: 1, length: 3 } }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(emulator, '/account', T.member)).status);
    expect(statuses).toEqual([429, 429, 429]);
    emulator.setFaults({ rules: [] });
    expect((await api(emulator, '/account', T.member)).status).toBe(200);
  });

  it('adds latency', async () => {
    emulator.setFaults({ rules: [{ path: '/account', latencyMs: 120 }] });
    await api(emulator, '/account', T.admin);
    expect(emulator.requests().at(-1)!.durationMs).toBeGreaterThanOrEqual(120);
  });

  it('makes the same decisions for the same seed', async () => {
    const rules = [{ error: 0.3, malformed: 0.2 }];
    const outcomes = async (seed: number): Promise<string[]> => {
      emulator.setFaults({ seed, rules });
      const seen: string[] = [];
      for (let i = 0; i < 25; i++) {
        const response = await raw('/apps/edge-api');
        const text = await response.text();
        seen.push(`${response.status}:${text.endsWith('}') ? 'json' : 'broken'}`);
      }
      return seen;
    };
    const first = await outcomes(11);
    expect(await outcomes(11)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
    emulator.setFaults(undefined);
  });
});
