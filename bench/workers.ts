/**
 * Many accounts, many workers: `accounts` generated Heroku accounts of
 * `apps` apps, each served by its own emulator process (so each its own
 * rate-limit pool, and none sharing a process with herowatch), answering
 * after a latency like a remote API's. They are synced through the job queue
 * by 1, 2, 4... `herowatch worker` processes on PostgreSQL. Printed per
 * worker count: the wall time of the round, syncs per minute, requests per
 * second, how busy the machine's cores were, and the lowest any account's
 * pool went (herowatch keeps a tenth of it in reserve), and the peak
 * resident memory of the worker processes. With `concurrency` and the rate
 * limit lifted, it is the memory benchmark of one worker holding several
 * large accounts' syncs at once. Needs PostgreSQL
 * (HEROWATCH_TEST_DATABASE_URL, as the tests); without it, says so. Asserts
 * nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { generateScenario } from '../src/emulator/index.js';
import { silentLogger } from '../src/log.js';
import { QueuePlanner } from '../src/scheduler/planner.js';
import { connect } from '../src/service/connect.js';
import { openHerowatch } from '../src/service/herowatch.js';
import { DEFAULT_SETTINGS } from '../src/settings.js';
import { openJobQueue } from '../src/store/job-queue.js';

const bin = fileURLToPath(new URL('../bin/herowatch', import.meta.url));
const peakRss = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url));

export interface WorkersBenchOptions {
  accounts: number;
  apps: number;
  workers: number[];
  /** Each answer's latency in ms, drawn from this range ([0, 0]: none). */
  latencyMs: [number, number];
  /** Jobs each worker runs at once (`--concurrency`; default 1). */
  concurrency?: number;
  /** The emulators' `--rate-limit` (default Heroku's pool of 4,500). */
  rateLimit?: string;
}

interface EmulatorProcess {
  url: string;
  child: ChildProcess;
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

/** `herowatch emulator` on a scenario file and a free port; resolves with its URL once it listens. */
function startEmulatorProcess(scenarioFile: string, options: Pick<WorkersBenchOptions, 'latencyMs' | 'rateLimit'>): Promise<EmulatorProcess> {
  const args = [bin, 'emulator', '--scenario', scenarioFile, '--port', '0', '--json'];
  if (options.latencyMs[1] > 0) args.push('--faults', JSON.stringify({ rules: [{ latencyMs: options.latencyMs }] }));
  if (options.rateLimit) args.push('--rate-limit', options.rateLimit);
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}) before listening`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        const { url } = JSON.parse(out) as { url: string };
        resolve({ url, child });
      } catch {
        // Not the whole line yet.
      }
    });
  });
}

async function stopProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve(null);
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Busy share of every core between two readings of `os.cpus()`. */
function busyShare(before: ReturnType<typeof cpus>, after: ReturnType<typeof cpus>): number {
  let busy = 0;
  let total = 0;
  for (const [i, cpu] of after.entries()) {
    const was = before[i]!.times;
    const delta = (key: keyof typeof was): number => cpu.times[key] - was[key];
    const idle = delta('idle');
    const all = delta('user') + delta('nice') + delta('sys') + delta('irq') + idle;
    busy += all - idle;
    total += all;
  }
  return total === 0 ? 0 : busy / total;
}

interface RoundResult {
  seconds: number;
  requests: number;
  lowest: number;
  busy: number;
  /** The highest peak resident memory of the worker processes, in MB. */
  peakRssMb: number;
}

/** One round: every account synced once by `workers` processes, on a fresh installation and fresh emulators (full pools). */
async function round(base: string, scenarioFiles: string[], tokens: string[], options: WorkersBenchOptions, workers: number): Promise<RoundResult> {
  const schema = `bench_workers_${process.pid}_${workers}`;
  await admin(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_queue CASCADE; CREATE SCHEMA ${schema}`);
  const home = await mkdtemp(join(tmpdir(), 'herowatch-bench-workers-'));
  const env = {
    HEROWATCH_HOME: home,
    DATABASE_URL: `${base}${base.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`,
    HEROWATCH_QUEUE_SCHEMA: `${schema}_queue`,
  };
  const emulators: EmulatorProcess[] = [];
  const processes: ChildProcess[] = [];
  const hw = await openHerowatch(loadConfig(env, {}));
  const queue = await openJobQueue(hw.store);
  try {
    emulators.push(...(await Promise.all(scenarioFiles.map((file) => startEmulatorProcess(file, options)))));
    for (const [i, emulator] of emulators.entries()) await connect(hw, { name: `account-${i + 1}`, token: tokens[i]!, apiUrl: emulator.url });
    await Promise.all(emulators.map((e) => fetch(`${e.url}/__emulator/requests`, { method: 'DELETE' })));
    await new QueuePlanner({ hw, schedule: DEFAULT_SETTINGS.schedule, log: silentLogger }).plan(queue);
    const started = performance.now();
    const cpuBefore = cpus();
    const peakFiles = Array.from({ length: workers }, (_, i) => join(home, `peak-${i}`));
    processes.push(
      ...peakFiles.map((peakFile) =>
        spawn(process.execPath, ['--import', peakRss, bin, 'worker', '--concurrency', String(options.concurrency ?? 1)], {
          env: { PATH: process.env.PATH, ...env, HEROWATCH_BENCH_PEAK: peakFile },
          stdio: 'ignore',
        }),
      ),
    );
    // A job ends with its evaluation: every account evaluated is the round's end.
    for (;;) {
      const done = await hw.store.db
        .selectFrom('hw_evaluations')
        .select((eb) => eb.fn.count<number>('connection_id').distinct().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(done.n) >= emulators.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    const busy = busyShare(cpuBefore, cpus());
    let requests = 0;
    let lowest = Infinity;
    for (const emulator of emulators) {
      const log = (await (await fetch(`${emulator.url}/__emulator/requests`)).json()) as {
        totals: { requests: number };
        requests: { remaining: number | null }[];
      };
      requests += log.totals.requests;
      for (const r of log.requests) if (r.remaining !== null) lowest = Math.min(lowest, r.remaining);
    }
    await stopProcesses(processes);
    let peakRssMb = 0;
    for (const file of peakFiles) peakRssMb = Math.max(peakRssMb, Math.round(Number(await readFile(file, 'utf8').catch(() => '0')) / 1024));
    return { seconds, requests, lowest, busy, peakRssMb };
  } finally {
    await stopProcesses(processes);
    await stopProcesses(emulators.map((e) => e.child));
    await queue.close();
    await hw.close();
    await admin(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_queue CASCADE`);
    await rm(home, { recursive: true, force: true });
  }
}

export async function benchWorkers(options: WorkersBenchOptions): Promise<Record<string, string | number>> {
  const base = process.env.HEROWATCH_TEST_DATABASE_URL;
  if (!base) return { skipped: 'needs PostgreSQL: set HEROWATCH_TEST_DATABASE_URL (.ci/postgres prints one)' };
  const dir = await mkdtemp(join(tmpdir(), 'herowatch-bench-worlds-'));
  try {
    // One world at a time, so that the benchmark does not hold them all.
    const files: string[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < options.accounts; i++) {
      const world = generateScenario({ seed: 100 + i, apps: options.apps, enterprises: 0 });
      const file = join(dir, `account-${i + 1}.json`);
      await writeFile(file, JSON.stringify(world.scenario));
      files.push(file);
      tokens.push(world.tokens.global);
    }
    const pace = options.latencyMs[1] > 0 ? `answering in ${options.latencyMs[0]}-${options.latencyMs[1]} ms` : 'answering at once';
    const figures: Record<string, string | number> = {
      world: `${options.accounts} accounts of ${options.apps} apps, each its own emulator process and rate-limit pool (${options.rateLimit ? `--rate-limit ${options.rateLimit}` : '4,500, reserve 450'}), ${pace}`,
      machine: `${cpus().length} cores, shared by the workers, the emulators and PostgreSQL`,
    };
    let first: number | null = null;
    for (const workers of options.workers) {
      const result = await round(base, files, tokens, options, workers);
      first ??= result.seconds;
      const concurrency = options.concurrency && options.concurrency > 1 ? ` --concurrency ${options.concurrency}` : '';
      figures[`${workers} worker${workers === 1 ? '' : 's'}${concurrency}`] =
        `${result.seconds.toFixed(1)} s for ${options.accounts} syncs (${((options.accounts / result.seconds) * 60).toFixed(1)} a minute, ${Math.round(result.requests / result.seconds)} requests/s, ${(first / result.seconds).toFixed(2)}x one worker); cores ${Math.round(result.busy * 100)}% busy; lowest pool ${result.lowest}; peak memory of a worker ${result.peakRssMb} MB`;
    }
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
