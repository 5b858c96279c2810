import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/emulator/index.js';
import type { Herowatch } from '../../src/service/herowatch.js';
import { syncConnection } from '../../src/service/sync.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { expectedInventory } from '../support/expected.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const bin = fileURLToPath(new URL('../../bin/herowatch', import.meta.url));

async function datasetKeys(hw: Herowatch): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const dataset of ['apps', 'config_vars', 'domains', 'sni_endpoints', 'collaborators', 'formations', 'log_drains', 'releases', 'slugs', 'addons', 'addon_attachments', 'teams', 'team_members', 'team_apps', 'pipelines', 'pipeline_couplings', 'enterprise_members', 'audit_events']) {
    const { rows } = await sql.raw<{ k: string }>(`SELECT * FROM ${dataset}`).execute(hw.store.db);
    out[dataset] = rows.map((r) => JSON.stringify(Object.values(r))).sort();
  }
  return out;
}

describe('a sync under adverse conditions', () => {
  it('collects the same inventory through 10% server errors, resets, cut and garbled bodies and 429 bursts', async () => {
    const generated = generateScenario({ apps: 1000, teams: 6, members: 60, days: 3, seed: 21 });
    // About 8,000 requests: more than Heroku's 4,500 pool, so this test gives the account a large one.
    const emulator = await startEmulatorForTest({ scenario: generated.scenario, rateLimit: { poolSize: 1_000_000 } });
    const run = (hw: Herowatch) =>
      syncConnection(hw, {
        connection: 'default',
        token: generated.tokens.global,
        apiUrl: emulator.url,
        client: { concurrency: 8, retry: { retries: 10, baseDelayMs: 2, maxDelayMs: 40 }, rateLimit: { poolSize: 1_000_000 } },
        sync: { now: () => NOW, auditBackfillDays: 3 },
      });
    const clean = await openTestHerowatch('sqlite', emulator.url);
    const cleanRun = await run(clean);
    expect(cleanRun.status).toBe('complete');

    emulator.setFaults({
      seed: 5,
      rules: [
        { error: 0.1 },
        { reset: 0.02, truncate: 0.02, malformed: 0.02 },
        { rateLimitBurst: { probability: 0.003, length: 4 } },
      ],
    });
    emulator.clearRequests();
    const faulty = await openTestHerowatch('sqlite', emulator.url);
    const faultyRun = await run(faulty);
    const faults = emulator.requests().filter((r) => r.fault).map((r) => r.fault!.replace(/ \d+$/, ''));
    expect(new Set(faults)).toEqual(new Set(['error', 'reset', 'truncate', 'malformed', 'rate-limit-burst']));
    expect(faultyRun).toMatchObject({ status: 'complete', coverage: { failed: 0, forbidden: 0, missing: 0 } });
    expect(faultyRun.retries).toBeGreaterThan(faults.length * 0.9);
    expect(await datasetKeys(faulty)).toEqual(await datasetKeys(clean));
    emulator.setFaults(undefined);
  }, 180_000);

  it('never lets the rate-limit pool fall into the reserve, and never fails on 429', async () => {
    const generated = generateScenario({ apps: 60, teams: 2, members: 10, days: 2, seed: 3 });
    // A 200-token pool refilling 100 a second (60 a minute, time scaled 100x): the sync needs far more.
    const emulator = await startEmulatorForTest({ scenario: generated.scenario, rateLimit: { poolSize: 200, refillPerMinute: 60, timeScale: 100 } });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const result = await syncConnection(hw, {
      connection: 'default',
      token: generated.tokens.global,
      apiUrl: emulator.url,
      client: { concurrency: 8, rateLimit: { poolSize: 200, refillPerMinute: 6000, reserveRatio: 0.1 } },
      sync: { now: () => NOW, auditBackfillDays: 2 },
    });
    const log = emulator.requests().filter((r) => r.account === generated.planted.auditor);
    expect(result.status).toBe('complete');
    expect(log.length).toBeGreaterThan(400);
    expect(log.filter((r) => r.status === 429)).toEqual([]);
    expect(Math.min(...log.map((r) => r.remaining ?? 200))).toBeGreaterThanOrEqual(20);
    expect(result.throttledMs).toBeGreaterThan(0);
    expect(result.rateLimitLow).toBeGreaterThanOrEqual(20);
  });
});

describe.each(DIALECTS)('an interrupted sync on %s', (dialect) => {
  it('leaves the last inventory intact; the next run completes, marks the killed one and keeps nothing of it', async () => {
    const generated = generateScenario({ apps: 80, teams: 3, members: 12, days: 2, seed: 8 });
    const emulator = await startEmulatorForTest({ scenario: generated.scenario });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const first = await syncConnection(hw, { connection: 'default', token: generated.tokens.global, apiUrl: emulator.url, sync: { now: () => NOW, auditBackfillDays: 2 } });
    expect(first.status).toBe('complete');
    const before = await datasetKeys(hw);

    // Change the world, slow it down, and kill a sync halfway.
    const changed = structuredClone(generated.scenario);
    for (const app of changed.apps!.slice(0, 10)) app.maintenance = true;
    changed.apps!.push({ name: 'added-after-the-kill', owner: generated.planted.auditor });
    await emulator.setScenario(changed);
    emulator.setFaults({ rules: [{ latencyMs: 15 }] });
    emulator.clearRequests();
    const child = spawn(process.execPath, [bin, 'sync', '--concurrency', '2'], {
      env: { ...process.env, ...hw.env, HEROKU_API_KEY: generated.tokens.global, HEROKU_HOST: emulator.url, HEROWATCH_RUN_LEASE_SECONDS: '1' },
      stdio: 'ignore',
    });
    while (emulator.requests().length < 60) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const { rows: running } = await sql<{ id: number; status: string }>`SELECT id, status FROM hw_sync_runs ORDER BY id`.execute(hw.store.db);
    expect(running.map((r) => r.status)).toEqual(['complete', 'running']);
    expect(await datasetKeys(hw)).toEqual(before);
    // Another sync cannot start while the killed run's lease holds; once it runs out, the run is taken for dead.
    await new Promise((resolve) => setTimeout(resolve, 1200));

    emulator.setFaults(undefined);
    const next = await syncConnection(hw, { connection: 'default', token: generated.tokens.global, apiUrl: emulator.url, sync: { now: () => NOW, auditBackfillDays: 2 } });
    expect(next).toMatchObject({ status: 'complete', recovered: [running[1]!.id] });
    const { rows: runs } = await sql<{ status: string; error: string | null }>`SELECT status, error FROM hw_sync_runs ORDER BY id`.execute(hw.store.db);
    expect(runs.map((r) => r.status)).toEqual(['complete', 'interrupted', 'complete']);
    expect(runs[1]!.error).toMatch(/^Interrupted: the process \(pid \d+ on .+\) stopped renewing its lease before the run completed/);
    const { rows: leftovers } = await sql<{ n: number }>`SELECT count(*) AS n FROM hw_records WHERE valid_from = ${running[1]!.id}`.execute(hw.store.db);
    expect(Number(leftovers[0]!.n)).toBe(0);
    const expected = expectedInventory(emulator.world(), generated.planted.auditor, ['2026-11-20', '2026-11-19']);
    const { rows: apps } = await sql<{ name: string }>`SELECT name FROM apps`.execute(hw.store.db);
    expect(apps.map((a) => a.name).sort()).toEqual(expected.apps.map((a) => a.split(':')[0]).sort());
  }, 60_000);
});
