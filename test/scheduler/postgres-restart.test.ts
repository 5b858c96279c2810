import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { generateScenario } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/log.js';
import { QueuePlanner } from '../../src/scheduler/planner.js';
import { connect } from '../../src/service/connect.js';
import { openHerowatch } from '../../src/service/herowatch.js';
import { queueView } from '../../src/service/jobs.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { openJobQueue } from '../../src/store/job-queue.js';
import { startHerowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { startPrivatePostgres } from '../support/private-postgres.js';
import { eventually } from '../support/wait.js';

// The shared test server serves every other test; this one restarts a server of its own, built from the same package.
const POSTGRES = Boolean(process.env.HEROWATCH_TEST_DATABASE_URL);

describe.skipIf(!POSTGRES)('workers through a PostgreSQL restart', () => {
  it('finish every job once the database is back', async () => {
    const server = await startPrivatePostgres();
    if (!server) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql: run .ci/postgres');
    onTestFinished(() => server.close());
    // Three accounts (three pools), slow enough to answer that the restart lands mid-sync.
    const worlds = [1, 2, 3].map((seed) => generateScenario({ seed, apps: 40, enterprises: 0 }));
    const emulators = await Promise.all(worlds.map((w) => startEmulatorForTest({ scenario: w.scenario, faults: { rules: [{ latencyMs: [40, 80] }] } })));
    const home = await mkdtemp(join(tmpdir(), 'herowatch-restart-'));
    onTestFinished(() => rm(home, { recursive: true, force: true }));
    const env = { HEROWATCH_HOME: home, DATABASE_URL: server.url, HEROWATCH_RUN_LEASE_SECONDS: '3', HEROWATCH_LOG_LEVEL: 'warn' };
    const hw = await openHerowatch(loadConfig(env, {}));
    onTestFinished(() => hw.close());
    for (const [i, emulator] of emulators.entries()) await connect(hw, { name: `account-${i + 1}`, token: worlds[i]!.tokens.global, apiUrl: emulator.url });
    const queue = await openJobQueue(hw.store);
    expect(await new QueuePlanner({ hw, schedule: { ...DEFAULT_SETTINGS.schedule, jitter: 0 }, log: silentLogger }).plan(queue)).toBe(3);
    await queue.close();

    // Two workers under a supervisor, as a platform runs them (Heroku restarts a dyno whose process exits): a worker that exits
    // is recorded, with what it said, and replaced.
    let stopping = false;
    const deaths: { code: number; said: string }[] = [];
    const workers: ReturnType<typeof startHerowatch>[] = [];
    const supervise = (): void => {
      const worker = startHerowatch(env, ['worker', '--concurrency', '1']);
      workers.push(worker);
      void worker.done.then((run) => {
        if (stopping) return;
        deaths.push({ code: run.code, said: run.stderr.slice(-1500) });
        supervise();
      });
    };
    supervise();
    supervise();
    onTestFinished(async () => {
      stopping = true;
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.done));
    });
    await eventually(
      'a sync under way',
      async () => (await hw.store.db.selectFrom('hw_sync_runs').select('id').where('status', '=', 'running').executeTakeFirst()) !== undefined,
      30_000,
    );
    await server.restart(3_000);

    const state = async () => ({
      runs: await hw.store.db.selectFrom('hw_sync_runs').select(['connection_id', 'status', 'error']).orderBy('id').execute(),
      queue: (await queueView(hw, 50)).jobs,
    });
    const runs = await eventually(
      'every job done',
      async () => {
        const { runs: rows, queue: waiting } = await state();
        const complete = new Set(rows.filter((r) => r.status === 'complete').map((r) => r.connection_id));
        return complete.size === 3 && waiting.length === 0 && rows;
      },
      120_000,
    ).catch(async (error: Error) => {
      // What was left, and what the workers said, to see why.
      stopping = true;
      const left = JSON.stringify(await state().catch(() => null));
      for (const w of workers) w.child.kill('SIGTERM');
      const said = (await Promise.all(workers.map((w) => w.done))).map((r) => `exit ${r.code}: ${r.stderr.slice(-1500)}`);
      throw new Error(`${error.message}: ${left}; the workers said: ${said.join('\n---\n')}`);
    });
    // The sync the restart cut short was left behind (interrupted, or marked so by its retry), and done again.
    expect(runs.some((r) => r.status !== 'complete')).toBe(true);
    expect(runs.filter((r) => r.status === 'complete')).toHaveLength(3);
    // Each job is recorded done, and the findings of each account evaluated.
    const jobs = await hw.store.db.selectFrom('hw_jobs').select(['connection_id', 'status']).where('status', '=', 'complete').execute();
    expect(new Set(jobs.map((j) => j.connection_id)).size).toBe(3);
    const evaluated = await hw.store.db.selectFrom('hw_evaluations').select('connection_id').distinct().execute();
    expect(evaluated).toHaveLength(3);
    // A running worker rides the restart out. One still starting when the server goes down (the test waits for one sync,
    // not for both workers) exits at once, "Could not prepare the database", as a process that cannot reach its
    // database at start should: its supervisor starts another. What each said is printed.
    if (deaths.length > 0) console.warn(`workers that exited during the restart (and were replaced): ${JSON.stringify(deaths)}`);
  }, 180_000);
});
