/**
 * Sync benchmark: a generated world served by the emulator in its own
 * process; herowatch syncs it (full, then again), and a straightforward
 * script on Heroku's official `heroku-client` collects the same inventory as
 * the baseline. Each runs in its own process so its memory is its own.
 * Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateScenario, loadWorld } from '../src/emulator/index.js';
import { Access } from '../src/emulator/world/access.js';
import type { World } from '../src/emulator/world/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const AUDIT_DAYS = 30;

export interface SyncBenchOptions {
  apps: number;
}

/** The fewest requests that read this inventory: every list at 1,000 a page, every per-app resource once. */
function minimumRequests(world: World, email: string, days: number): number {
  const user = world.users.find(email)!;
  const access = new Access(world);
  const pages = (n: number) => Math.max(1, Math.ceil(n / 1000));
  let n = 2 + pages(user.teamMemberships.length) + pages(user.enterpriseMemberships.length);
  for (const { team } of user.teamMemberships) n += pages(team.members.length) + pages(team.features.length) + pages(access.teamApps(user, team).length);
  // herowatch runs on the real clock: its backfill window ends today.
  const today = new Date();
  const firstDay = new Date(today.getTime() - (days - 1) * 86_400_000);
  const currentMonth = today.toISOString().slice(0, 7);
  for (const membership of user.enterpriseMemberships) {
    if (!membership.permissions.includes('view')) continue;
    n += pages(membership.enterprise.members.length);
    // With manage, past months of the first backfill come from their archives: one request a month.
    const dayList = Array.from({ length: days }, (_, i) => new Date(firstDay.getTime() + i * 86_400_000).toISOString().slice(0, 10));
    const archived = membership.permissions.includes('manage') ? new Set(dayList.map((d) => d.slice(0, 7)).filter((m) => m < currentMonth)) : new Set<string>();
    n += archived.size + dayList.filter((d) => !archived.has(d.slice(0, 7))).length;
  }
  const apps = access.visibleApps(user);
  n += pages(apps.length);
  for (const app of apps) {
    n +=
      1 +
      pages(app.domains.length) +
      pages(app.sniEndpoints.length) +
      pages(app.collaborators.length) +
      pages(app.formation.length) +
      pages(app.logDrains.length) +
      1;
    if (app.currentRelease?.slug) n += 1;
  }
  n += pages(access.visibleAddons(user).length) + pages(access.visibleAttachments(user).length) + pages(world.services.size);
  n += pages(access.visiblePipelines(user).length) + pages(world.couplings.size) + 1;
  return n;
}

function run(command: string[], env: Record<string, string>): Promise<{ stdout: string; wallMs: number; code: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, command, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('exit', (code) => resolve({ stdout, wallMs: Math.round(performance.now() - started), code: code ?? 1 }));
  });
}

export async function benchSync(options: SyncBenchOptions): Promise<Record<string, number | string>> {
  const spec = `apps=${options.apps},domains=${options.apps * 2},addons=${options.apps * 2},days=${AUDIT_DAYS}`;
  const generated = generateScenario({ apps: options.apps, domains: options.apps * 2, addons: options.apps * 2, days: AUDIT_DAYS, seed: 1 });
  const world = await loadWorld(generated.scenario);
  const minimum = minimumRequests(world, generated.planted.auditor, AUDIT_DAYS);

  // The emulator in a process of its own, with a pool large enough that the
  // benchmark measures throughput (pacing is tested separately).
  const emulator = spawn(
    process.execPath,
    ['bin/herowatch', 'emulator', '--generate', spec, '--seed', '1', '--port', '0', '--json', '--rate-limit', 'pool=1000000'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const { url } = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: emulator.stdout }).once('line', resolve))) as { url: string };
  const requests = async (): Promise<number> =>
    ((await (await fetch(`${url}/__emulator/requests`)).json()) as { totals: { requests: number } }).totals.requests;
  const resetLog = () => fetch(`${url}/__emulator/requests`, { method: 'DELETE' });
  const home = await mkdtemp(join(tmpdir(), 'herowatch-bench-'));
  const env = { HEROWATCH_HOME: home, HEROKU_API_KEY: generated.tokens.global, HEROKU_HOST: url };
  const figures: Record<string, number | string> = {
    apps: options.apps,
    apps_visible: new Access(world).visibleApps(world.users.find(generated.planted.auditor)!).length,
    minimum_requests: minimum,
  };
  try {
    for (const phase of ['full_sync', 'resync'] as const) {
      await resetLog();
      const result = await run(['bin/herowatch', 'sync', '--json', '--backfill-days', String(AUDIT_DAYS), '--concurrency', '16'], env);
      const final = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
        status: string;
        requests: number;
        notModified: number;
        durationMs: number;
        peakRssMb: number;
        items: number;
      };
      if (final.status !== 'complete') throw new Error(`${phase} did not complete: ${result.stdout.slice(-500)}`);
      figures[`${phase}_wall_ms`] = result.wallMs;
      figures[`${phase}_sync_ms`] = final.durationMs;
      // The emulator's log also holds the connection test that follows every sync.
      figures[`${phase}_requests`] = final.requests;
      figures[`${phase}_connection_test_requests`] = (await requests()) - final.requests;
      figures[`${phase}_not_modified`] = final.notModified;
      figures[`${phase}_peak_rss_mb`] = final.peakRssMb;
      if (phase === 'full_sync') {
        figures.full_sync_records = final.items;
        figures.full_sync_requests_per_app = (final.requests / options.apps).toFixed(2);
        figures.full_sync_requests_over_minimum = `${(((final.requests - minimum) / minimum) * 100).toFixed(1)}%`;
      }
    }
    await resetLog();
    const baseline = await run(['bench/baseline-heroku-client.mjs', url, generated.tokens.global, String(AUDIT_DAYS)], {});
    const baselineResult = JSON.parse(baseline.stdout) as { durationMs: number; peakRssMb: number };
    figures.baseline_heroku_client_wall_ms = baseline.wallMs;
    figures.baseline_heroku_client_requests = await requests();
    figures.baseline_heroku_client_peak_rss_mb = baselineResult.peakRssMb;
  } finally {
    emulator.kill('SIGTERM');
    await rm(home, { recursive: true, force: true });
  }
  return figures;
}
