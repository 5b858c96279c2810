/**
 * Dashboard benchmark: every page of the dashboard over a synced generated
 * world (10,000 apps at full size, with its audit trail and findings), on
 * SQLite, as a signed-in admin; each page is asked for several times (apps
 * and findings varying) and its median and 95th percentile are printed,
 * with the JavaScript each page loads (htmx and the page script; the goal
 * is under 100 KB). Requests go through fastify's inject, so the figures
 * are the server's time to answer, without a network. Asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { generateScenario, startEmulator } from '../src/emulator/index.js';
import { addMonitoredApps } from '../src/service/monitored-apps.js';
import { openHerowatch } from '../src/service/herowatch.js';
import { listFindings } from '../src/service/compliance.js';
import { syncConnection } from '../src/service/sync.js';
import { addUser, signIn } from '../src/service/users.js';
import { readDataset } from '../src/store/datasets.js';
import { buildServer } from '../src/web/server.js';

export interface DashboardBenchOptions {
  apps: number;
  rounds: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function benchDashboard(options: DashboardBenchOptions): Promise<Record<string, number | string>> {
  const generated = generateScenario({
    apps: options.apps,
    domains: options.apps * 3,
    addons: options.apps * 2,
    teams: Math.max(4, options.apps / 250),
    members: Math.max(40, options.apps / 20),
    days: 7,
    seed: 13,
  });
  const emulator = await startEmulator({ scenario: generated.scenario, port: 0, rateLimit: { poolSize: 10_000_000 } });
  const home = await mkdtemp(join(tmpdir(), 'herowatch-bench-dashboard-'));
  const hw = await openHerowatch(loadConfig({ HEROWATCH_HOME: home }, { apiUrl: emulator.url }));
  const figures: Record<string, number | string> = { world: `apps=${options.apps}, rounds=${options.rounds}` };
  try {
    const now = emulator.world().now();
    const sync = await syncConnection(hw, {
      connection: 'bench',
      token: generated.tokens.global,
      apiUrl: emulator.url,
      now,
      vulnerabilities: false,
      sync: { now: () => now, auditBackfillDays: 7 },
    });
    if (sync.status !== 'complete') throw new Error(`bench sync ${sync.status}: ${sync.error}`);
    const apps = (await readDataset(hw.store, 'apps', { connection: 'bench', columns: ['name'], orderBy: ['name'] })).rows.map((r) => String(r.name));
    await addMonitoredApps(hw, 'bench', apps.slice(0, 100));
    const findings = (await listFindings(hw, { connection: 'bench', status: ['open'] })).map((f) => f.id);
    figures.findings_open = findings.length;
    await addUser(hw, { email: 'bench@example.com', password: 'benchmark passphrase', role: 'admin' });
    const { secret } = await signIn(hw, { email: 'bench@example.com', password: 'benchmark passphrase' });
    const { app } = await buildServer(hw);
    await app.ready();
    const get = (url: string) => app.inject({ method: 'GET', url, cookies: { herowatch_session: secret } });
    const pages: [string, (round: number) => string][] = [
      ['overview', () => '/'],
      ['integrations', () => '/integrations'],
      ['integration', () => '/integrations/bench'],
      ['apps (first page)', () => '/apps'],
      ['apps (search)', (r) => `/apps?search=${apps[(r * 7919) % apps.length]!.slice(0, 3)}`],
      ['app', (r) => `/apps/bench/${apps[(r * 7919) % apps.length]}`],
      ['add projects', () => '/apps/add'],
      ['findings (first page)', () => '/findings'],
      ['findings (high, by check)', () => '/findings?severity=high&group=check'],
      ['finding', (r) => `/findings/${findings[(r * 31) % findings.length]}`],
      ['compliance', () => '/compliance'],
      ['framework (soc2)', () => '/compliance/soc2'],
      ['vulnerabilities', () => '/vulnerabilities'],
      ['audit trail', () => '/audit'],
      ['datasets', () => '/datasets'],
      ['dataset (apps)', () => '/datasets/apps'],
      ['runs', () => '/runs'],
      ['settings', () => '/settings'],
    ];
    const all: number[] = [];
    let worst = { page: '', p95: 0 };
    let scriptBytes = 0;
    for (const [name, url] of pages) {
      await get(url(0)); // warm the template cache and the database's
      const times: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const t0 = performance.now();
        const response = await get(url(round));
        times.push(performance.now() - t0);
        if (response.statusCode !== 200) throw new Error(`${url(round)} answered ${response.statusCode}`);
        if (round === 0) {
          let bytes = 0;
          for (const [, src] of response.body.matchAll(/<script src="([^"]+)"/g)) bytes += (await app.inject({ method: 'GET', url: src! })).rawPayload.length;
          scriptBytes = Math.max(scriptBytes, bytes);
        }
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      const p95 = percentile(times, 95);
      if (p95 > worst.p95) worst = { page: name, p95 };
      figures[`${name} (median / p95 ms)`] = `${percentile(times, 50).toFixed(1)} / ${p95.toFixed(1)}`;
    }
    all.sort((a, b) => a - b);
    figures['all pages p95 ms'] = Number(percentile(all, 95).toFixed(1));
    figures['slowest page p95 ms'] = `${worst.p95.toFixed(1)} (${worst.page})`;
    figures['JavaScript per page (KB, uncompressed)'] = Number((scriptBytes / 1024).toFixed(1));
    await app.close();
  } finally {
    await hw.close();
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  }
  return figures;
}
