/**
 * Query benchmark: the reads the dashboard and the MCP server make, over a
 * synced generated world (10,000 apps at full size), on SQLite and, when
 * HEROWATCH_BENCH_DATABASE_URL (or HEROWATCH_TEST_DATABASE_URL) names one,
 * on PostgreSQL: lists with filters, counts and a page, one app with its
 * children, joins across datasets, and a finding list. Each query runs
 * several times; the median and the slowest are printed. Asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { generateScenario, startEmulator, type Emulator } from '../src/emulator/index.js';
import { findingsPage } from '../src/service/compliance.js';
import { runReadOnlySql } from '../src/service/datasets.js';
import { openHerowatch, type Herowatch } from '../src/service/herowatch.js';
import { syncConnection } from '../src/service/sync.js';
import { countDataset, readDataset } from '../src/store/datasets.js';

export interface QueryBenchOptions {
  apps: number;
  rounds: number;
}

type Query = [name: string, run: (hw: Herowatch, app: { id: string; name: string }) => Promise<unknown>];

const QUERIES: Query[] = [
  [
    'apps page 25 with filters and total',
    async (hw) => {
      const filters = { region: 'eu' };
      await Promise.all([
        readDataset(hw.store, 'apps', { connection: 'bench', filters, orderBy: ['name'], limit: 25 }),
        countDataset(hw.store, 'apps', { connection: 'bench', filters }),
      ]);
    },
  ],
  [
    'apps count by region and stack',
    (hw) => runReadOnlySql(hw, "SELECT region, stack, count(*) AS n FROM apps WHERE connection = 'bench' GROUP BY region, stack"),
  ],
  ['apps search by name', (hw) => runReadOnlySql(hw, "SELECT name, region, stack, updated_at FROM apps WHERE name LIKE '%ap%' ORDER BY name LIMIT 25")],
  [
    'one app with its children',
    async (hw, app) => {
      const filters = { app_id: app.id };
      await Promise.all([
        readDataset(hw.store, 'apps', { connection: 'bench', filters: { id: app.id } }),
        ...['domains', 'sni_endpoints', 'collaborators', 'config_vars', 'formations', 'log_drains', 'releases', 'addon_attachments', 'pipeline_couplings'].map(
          (dataset) => readDataset(hw.store, dataset, { connection: 'bench', filters }),
        ),
        readDataset(hw.store, 'addons', { connection: 'bench', filters }),
      ]);
    },
  ],
  [
    'join apps and domains grouped by app',
    (hw) =>
      runReadOnlySql(
        hw,
        'SELECT a.name, count(d.id) AS domains FROM apps a LEFT JOIN domains d ON d.app_id = a.id AND d.connection = a.connection GROUP BY a.name ORDER BY domains DESC LIMIT 25',
      ),
  ],
  [
    'join apps, add-ons and attachments',
    (hw) =>
      runReadOnlySql(
        hw,
        'SELECT a.name, count(DISTINCT t.id) AS attached FROM apps a JOIN addon_attachments t ON t.app_id = a.id JOIN addons o ON o.id = t.addon_id WHERE o.app_id <> a.id GROUP BY a.name ORDER BY attached DESC LIMIT 25',
      ),
  ],
  [
    'open findings, high and above: a page of 25 and the total',
    (hw) => findingsPage(hw, { connection: 'bench', status: ['open'], severity: 'high' }, { limit: 25 }),
  ],
  ['every open finding (a full export)', (hw) => findingsPage(hw, { connection: 'bench', status: ['open'] }, { limit: 100_000 })],
];

async function benchDialect(
  dialect: 'sqlite' | 'postgres',
  emulator: Emulator,
  token: string,
  options: QueryBenchOptions,
  databaseUrl?: string,
): Promise<Record<string, number | string>> {
  const home = await mkdtemp(join(tmpdir(), 'herowatch-bench-queries-'));
  let dropSchema = async (): Promise<void> => {};
  const env: Record<string, string> = { HEROWATCH_HOME: home };
  if (dialect === 'postgres') {
    const schema = `bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    env.DATABASE_URL = `${databaseUrl}${databaseUrl!.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
    dropSchema = async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    };
  }
  const hw = await openHerowatch(loadConfig(env, { apiUrl: emulator.url }));
  try {
    const now = emulator.world().now();
    const started = performance.now();
    const sync = await syncConnection(hw, { connection: 'bench', token, apiUrl: emulator.url, now, sync: { now: () => now, auditBackfillDays: 7 } });
    if (sync.status !== 'complete') throw new Error(`bench sync ${sync.status}: ${sync.error}`);
    const figures: Record<string, number | string> = { records: sync.items, sync_and_evaluate_ms: Math.round(performance.now() - started) };
    const { rows } = await readDataset(hw.store, 'apps', { connection: 'bench', columns: ['id', 'name'], orderBy: ['name'] });
    const apps = rows as { id: string; name: string }[];
    for (const [name, run] of QUERIES) {
      const times: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const app = apps[(round * 7919) % apps.length]!;
        const t0 = performance.now();
        await run(hw, app);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      figures[`${name} (median / max ms)`] = `${times[Math.floor(times.length / 2)]!.toFixed(1)} / ${times.at(-1)!.toFixed(1)}`;
    }
    return figures;
  } finally {
    await hw.close();
    await dropSchema();
    await rm(home, { recursive: true, force: true });
  }
}

export async function benchQueries(options: QueryBenchOptions): Promise<Record<string, number | string>> {
  const generated = generateScenario({
    apps: options.apps,
    domains: options.apps * 3,
    addons: options.apps * 2,
    teams: Math.max(4, options.apps / 250),
    members: Math.max(40, options.apps / 20),
    days: 7,
    seed: 11,
  });
  const emulator = await startEmulator({ scenario: generated.scenario, port: 0, rateLimit: { poolSize: 10_000_000 } });
  const figures: Record<string, number | string> = { world: `apps=${options.apps}, rounds=${options.rounds}` };
  try {
    for (const [key, value] of Object.entries(await benchDialect('sqlite', emulator, generated.tokens.global, options))) figures[`sqlite: ${key}`] = value;
    const databaseUrl = process.env.HEROWATCH_BENCH_DATABASE_URL || process.env.HEROWATCH_TEST_DATABASE_URL;
    if (databaseUrl) {
      for (const [key, value] of Object.entries(await benchDialect('postgres', emulator, generated.tokens.global, options, databaseUrl)))
        figures[`postgres: ${key}`] = value;
    } else figures.postgres = 'skipped (set HEROWATCH_BENCH_DATABASE_URL)';
  } finally {
    await emulator.close();
  }
  return figures;
}
