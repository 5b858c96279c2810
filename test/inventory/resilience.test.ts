import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/emulator/index.js';
import type { Herowatch } from '../../src/service/herowatch.js';
import { syncConnection } from '../../src/service/sync.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { herowatch as herowatchRun, startHerowatch as startHerowatchProcess } from '../support/cli.js';
import { gapGroups } from '../../src/inventory/coverage.js';
import { readDataset } from '../../src/store/datasets.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectedInventory } from '../support/expected.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const bin = fileURLToPath(new URL('../../bin/herowatch', import.meta.url));

async function datasetKeys(hw: Herowatch): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const dataset of [
    'apps',
    'config_vars',
    'domains',
    'sni_endpoints',
    'collaborators',
    'formations',
    'log_drains',
    'releases',
    'slugs',
    'addons',
    'addon_attachments',
    'teams',
    'team_members',
    'team_apps',
    'pipelines',
    'pipeline_couplings',
    'enterprise_members',
    'audit_events',
  ]) {
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
      rules: [{ error: 0.1 }, { reset: 0.02, truncate: 0.02, malformed: 0.02 }, { rateLimitBurst: { probability: 0.003, length: 4 } }],
    });
    emulator.clearRequests();
    const faulty = await openTestHerowatch('sqlite', emulator.url);
    const faultyRun = await run(faulty);
    const faults = emulator
      .requests()
      .filter((r) => r.fault)
      .map((r) => r.fault!.replace(/ \d+$/, ''));
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
    const first = await syncConnection(hw, {
      connection: 'default',
      token: generated.tokens.global,
      apiUrl: emulator.url,
      sync: { now: () => NOW, auditBackfillDays: 2 },
    });
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
    const next = await syncConnection(hw, {
      connection: 'default',
      token: generated.tokens.global,
      apiUrl: emulator.url,
      sync: { now: () => NOW, auditBackfillDays: 2 },
    });
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

describe('a sync when Heroku stops answering', () => {
  it('fails at the bound with one message, keeps the last inventory, never says complete; says where it is without a terminal', async () => {
    const generated = generateScenario({ apps: 300, teams: 3, members: 10, days: 2, seed: 5 });
    // Paced like a remote API, so that the sync is still reading the per-app lists when Heroku goes away.
    const emulator = await startEmulatorForTest({
      scenario: generated.scenario,
      rateLimit: { poolSize: 1_000_000 },
      faults: { rules: [{ latencyMs: [20, 40] }] },
    });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const env = { ...hw.env, HEROKU_API_KEY: generated.tokens.global, HEROKU_HOST: emulator.url };
    expect((await herowatchRun(env, ['sync'])).code).toBe(0);
    const apps = (await readDataset(hw.store, 'apps', {})).rows.length;
    expect(apps).toBeGreaterThan(250);
    await writeFile(join(hw.home, 'settings.yaml'), 'sync:\n  unreachable_after: 3s\n');
    const sync = startHerowatchProcess(env, ['sync', '--full']);
    let seen = '';
    sync.child.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    // Without a terminal, the sync still says where it is.
    for (const started = Date.now(); !/collaborators|domains|formations|config_vars|log_drains/.test(seen);) {
      if (Date.now() - started > 60_000) throw new Error(`the sync said nothing of the per-app lists: ${seen.slice(-400)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Heroku goes away: every connection is reset.
    emulator.setFaults({ rules: [{ reset: 1 }] });
    const wentAway = Date.now();
    const result = await sync.done;
    // The bound (3 s here) and the retry it falls in, not a connection test against a Heroku that is gone.
    expect(Date.now() - wentAway).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Sync run 2 .*failed after .*: Heroku has not answered for \d+ s \(last: .*\), so the work stopped/);
    expect(result.stderr).toContain('The last complete inventory is untouched.');
    expect(result.stderr).not.toMatch(/gap/);
    const runs = JSON.parse((await herowatchRun(env, ['runs', '--json'])).stdout) as { id: number; status: string }[];
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [2, 'failed'],
      [1, 'complete'],
    ]);
    expect((await readDataset(hw.store, 'apps', {})).rows).toHaveLength(apps);
  }, 120_000);

  it('ends incomplete, keeping the last inventory, when more than a few lists could not be read; gaps grouped, never one line per app', async () => {
    const generated = generateScenario({ apps: 120, teams: 2, members: 6, days: 1, seed: 9 });
    const emulator = await startEmulatorForTest({ scenario: generated.scenario, rateLimit: { poolSize: 1_000_000 } });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const run = () =>
      syncConnection(hw, {
        connection: 'default',
        token: generated.tokens.global,
        apiUrl: emulator.url,
        full: true,
        client: { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 }, rateLimit: { poolSize: 1_000_000 } },
        sync: { now: () => NOW },
      });
    expect((await run()).status).toBe('complete');
    // Every app's domains answer 503, whatever the retries: 120 lists of about 800.
    emulator.setFaults({ rules: [{ path: '/apps/*/domains', error: 1, errorStatuses: [503] }] });
    const failed = await run();
    expect(failed.status).toBe('incomplete');
    const domainLists = failed.gaps.length;
    expect(domainLists).toBeGreaterThan(100);
    expect(failed.error).toMatch(
      new RegExp(
        `^${domainLists} of \\d+ lists could not be read after retries \\(domains: ${domainLists}, HTTP 503\\), more than 5%: the run is incomplete and the last complete inventory stands`,
      ),
    );
    expect(gapGroups(failed.gaps)).toEqual([expect.objectContaining({ resource: 'domains', status: 'failed', cause: 'HTTP 503', count: domainLists })]);
    const runs = (await readDataset(hw.store, 'sync_runs', {})).rows.map((r) => r.status);
    expect(runs.sort()).toEqual(['complete', 'incomplete']);
    expect((await readDataset(hw.store, 'domains', {})).rows.length).toBeGreaterThan(0);
    // A few lists that fail (under 5%) leave a complete run, with their gaps.
    const one = String((await readDataset(hw.store, 'apps', {})).rows[0]!.id);
    emulator.setFaults({ rules: [{ path: `/apps/${one}/domains`, error: 1, errorStatuses: [503] }] });
    const mostly = await run();
    expect(mostly.status).toBe('complete');
    expect(gapGroups(mostly.gaps).map((g) => [g.resource, g.count])).toEqual([['domains', 1]]);
  }, 120_000);
});
