/**
 * Scale benchmark: memory and time of a full sync, an incremental sync and
 * a re-evaluation of the checks, at several account sizes. Each size is a
 * generated world served by the emulator in a process of its own; each
 * herowatch command runs in its own process (the CLI, as people run it), so
 * its peak resident memory is its own. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const peakRss = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url));

export interface ScaleBenchOptions {
  /** Account sizes, in apps. */
  sizes: number[];
}

interface Measured {
  wallMs: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs one herowatch command in a process of its own, and measures it. */
async function herowatch(args: string[], env: Record<string, string>, scratch: string): Promise<Measured> {
  const peakFile = join(scratch, 'peak');
  await rm(peakFile, { force: true });
  const started = performance.now();
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', peakRss, 'bin/herowatch', ...args], {
      cwd: root,
      env: { ...process.env, ...env, HEROWATCH_BENCH_PEAK: peakFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (exit) => resolve({ code: exit ?? 1, stdout: out }));
  });
  const wallMs = Math.round(performance.now() - started);
  if (code !== 0) throw new Error(`herowatch ${args.join(' ')} exited ${code}: ${stdout.slice(-500)}`);
  return { wallMs, peakRssMb: Math.round(Number(await readFile(peakFile, 'utf8')) / 1024), stdout };
}

/** The emulator's resident memory (Linux), for the machine's budget: it holds the whole world. */
async function rssOf(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

async function benchSize(apps: number): Promise<Record<string, number | string>> {
  const teams = Math.max(4, Math.round(apps / 250));
  const spec = `apps=${apps},teams=${teams},days=30`;
  const emulatorStarted = performance.now();
  const emulator = spawn(
    process.execPath,
    ['bin/herowatch', 'emulator', '--generate', spec, '--seed', '7', '--port', '0', '--json', '--rate-limit', 'pool=100000000'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const start = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: emulator.stdout }).once('line', resolve))) as {
    url: string;
    tokens: { token: string; user: string; scope: string[]; description: string }[];
  };
  const figures: Record<string, number | string> = { apps, teams, emulator_start_ms: Math.round(performance.now() - emulatorStarted) };
  const scratch = await mkdtemp(join(tmpdir(), 'herowatch-scale-'));
  try {
    // The first token the start-up line names is the monitored account's: its API key comes next.
    const token = start.tokens.find((t) => t.user === start.tokens[0]!.user && t.scope.includes('global'))!.token;
    const env = { HEROWATCH_HOME: join(scratch, 'home'), HEROKU_API_KEY: token, HEROKU_HOST: start.url };
    const sync = async (phase: string) => {
      const run = await herowatch(['sync', '--json'], env, scratch);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { status: string; requests: number; items: number };
      if (result.status !== 'complete') throw new Error(`${phase} at ${apps} apps did not complete: ${run.stdout.slice(-500)}`);
      figures[`${phase}_wall_ms`] = run.wallMs;
      figures[`${phase}_peak_rss_mb`] = run.peakRssMb;
      figures[`${phase}_requests`] = result.requests;
      if (phase === 'full_sync') figures.records = result.items;
    };
    await sync('full_sync');
    await sync('incremental_sync');
    const evaluation = await herowatch(['evaluate', '--json'], env, scratch);
    const summary = (JSON.parse(evaluation.stdout) as { passed: number; failed: number; unknown: number }[])[0]!;
    figures.evaluation_wall_ms = evaluation.wallMs;
    figures.evaluation_peak_rss_mb = evaluation.peakRssMb;
    figures.evaluation_results = summary.passed + summary.failed + summary.unknown;
    figures.emulator_rss_mb = (await rssOf(emulator.pid!)) ?? 'n/a';
  } finally {
    emulator.kill('SIGTERM');
    await rm(scratch, { recursive: true, force: true });
  }
  return figures;
}

export async function benchScale(options: ScaleBenchOptions): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  for (const apps of options.sizes) for (const [key, value] of Object.entries(await benchSize(apps))) figures[`${apps}_apps_${key}`] = value;
  return figures;
}
