/**
 * Many accounts, many workers: `accounts` generated Heroku accounts (each
 * its own emulator, so each its own rate-limit pool) of `apps` apps, synced
 * through the job queue by 1, 2, 4... `herowatch worker` processes on
 * PostgreSQL. Printed per worker count: the wall time of the round, syncs
 * per minute, requests per second, and the lowest any account's pool went
 * (herowatch keeps a tenth of it in reserve). Needs PostgreSQL
 * (HEROWATCH_TEST_DATABASE_URL, as the tests); without it, says so. Asserts
 * nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { generateScenario, startEmulator, type Emulator } from '../src/emulator/index.js';
import { silentLogger } from '../src/log.js';
import { QueuePlanner } from '../src/scheduler/planner.js';
import { connect } from '../src/service/connections.js';
import { openHerowatch } from '../src/service/herowatch.js';
import { DEFAULT_SETTINGS } from '../src/settings.js';
import { openJobQueue } from '../src/store/job-queue.js';

const bin = fileURLToPath(new URL('../bin/herowatch', import.meta.url));

export interface WorkersBenchOptions {
  accounts: number;
  apps: number;
  workers: number[];
}

async function admin(base: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** One round: every account synced once by `workers` processes, on a fresh installation. */
async function round(base: string, emulators: Emulator[], tokens: string[], workers: number): Promise<{ seconds: number; requests: number; lowest: number }> {
  const schema = `bench_workers_${process.pid}_${workers}`;
  await admin(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_queue CASCADE; CREATE SCHEMA ${schema}`);
  const home = await mkdtemp(join(tmpdir(), 'herowatch-bench-workers-'));
  const env = { HEROWATCH_HOME: home, DATABASE_URL: `${base}${base.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`, HEROWATCH_QUEUE_SCHEMA: `${schema}_queue` };
  const hw = await openHerowatch(loadConfig(env, {}));
  const queue = await openJobQueue(hw.store);
  try {
    for (const [i, emulator] of emulators.entries()) await connect(hw, { name: `account-${i + 1}`, token: tokens[i]!, apiUrl: emulator.url });
    for (const emulator of emulators) emulator.clearRequests();
    await new QueuePlanner({ hw, schedule: DEFAULT_SETTINGS.schedule, log: silentLogger }).plan(queue);
    const started = performance.now();
    const processes = Array.from({ length: workers }, () => spawn(process.execPath, [bin, 'worker', '--concurrency', '1'], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' }));
    const exited = processes.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (;;) {
      const done = await hw.store.db.selectFrom('hw_sync_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'complete').executeTakeFirstOrThrow();
      if (Number(done.n) >= emulators.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(exited);
    const requests = emulators.reduce((sum, e) => sum + e.requestTotals().requests, 0);
    const lowest = Math.min(...emulators.flatMap((e) => e.requests().map((r) => r.remaining ?? Infinity)));
    return { seconds, requests, lowest };
  } finally {
    await queue.close();
    await hw.close();
    await admin(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_queue CASCADE`);
    await rm(home, { recursive: true, force: true });
  }
}

export async function benchWorkers(options: WorkersBenchOptions): Promise<Record<string, string | number>> {
  const base = process.env.HEROWATCH_TEST_DATABASE_URL;
  if (!base) return { skipped: 'needs PostgreSQL: set HEROWATCH_TEST_DATABASE_URL (.ci/postgres prints one)' };
  const worlds = Array.from({ length: options.accounts }, (_, i) => generateScenario({ seed: 100 + i, apps: options.apps, enterprises: 0 }));
  const figures: Record<string, string | number> = { world: `${options.accounts} accounts of ${options.apps} apps, each its own emulator and rate-limit pool (4,500, reserve 450)` };
  let first: number | null = null;
  for (const workers of options.workers) {
    // Fresh emulators each round: every pool starts full, as the first round's did.
    const emulators = await Promise.all(worlds.map((world) => startEmulator({ scenario: world.scenario })));
    try {
      const result = await round(base, emulators, worlds.map((w) => w.tokens.global), workers);
      first ??= result.seconds;
      figures[`${workers} worker${workers === 1 ? '' : 's'}`] =
        `${result.seconds.toFixed(1)} s for ${options.accounts} syncs (${((options.accounts / result.seconds) * 60).toFixed(1)} a minute, ${Math.round(result.requests / result.seconds)} requests/s, ${(first / result.seconds).toFixed(2)}x one worker); lowest pool ${result.lowest}`;
    } finally {
      await Promise.all(emulators.map((e) => e.close()));
    }
  }
  return figures;
}
