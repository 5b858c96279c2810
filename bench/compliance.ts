/**
 * Compliance benchmark: a generated world (10,000 apps at full size) is
 * synced once into a fresh SQLite database, then every check is evaluated
 * over it several times: loading the inventory from the database, running
 * the checks (the pure part), and recording the findings (first time: all
 * new; again: nothing changed). Prints figures; asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateChecks } from '../src/compliance/evaluate.js';
import { loadInventory } from '../src/compliance/inventory.js';
import { loadConfig } from '../src/config.js';
import { generateScenario, startEmulator } from '../src/emulator/index.js';
import { evaluateConnection } from '../src/service/compliance.js';
import { requireConnection } from '../src/service/connections.js';
import { openHerowatch } from '../src/service/herowatch.js';
import { syncConnection } from '../src/service/sync.js';

export interface ComplianceBenchOptions {
  apps: number;
  rounds: number;
}

export async function benchCompliance(options: ComplianceBenchOptions): Promise<Record<string, number | string>> {
  const generated = generateScenario({
    apps: options.apps,
    domains: options.apps * 3,
    addons: options.apps * 2,
    teams: Math.max(4, options.apps / 250),
    members: Math.max(40, options.apps / 20),
    days: 7,
    seed: 5,
  });
  const emulator = await startEmulator({ scenario: generated.scenario, port: 0, rateLimit: { poolSize: 1_000_000 } });
  const home = await mkdtemp(join(tmpdir(), 'herowatch-bench-compliance-'));
  const hw = await openHerowatch(loadConfig({ HEROWATCH_HOME: home }, { apiUrl: emulator.url }));
  try {
    const now = emulator.world().now();
    const sync = await syncConnection(hw, {
      connection: 'bench',
      token: generated.tokens.global,
      apiUrl: emulator.url,
      now,
      evaluate: false,
      sync: { now: () => now, auditBackfillDays: 7 },
    });
    if (sync.status !== 'complete') throw new Error(`bench sync ${sync.status}: ${sync.error}`);
    const connection = await requireConnection(hw.store, 'bench');
    const settings = hw.config.settings.compliance;

    const load: number[] = [];
    const evaluate: number[] = [];
    let results = 0;
    let failing = 0;
    for (let round = 0; round < options.rounds; round++) {
      const t0 = performance.now();
      const inventory = await loadInventory(hw.store, connection, now);
      const t1 = performance.now();
      const outcomes = evaluateChecks(inventory, settings);
      const t2 = performance.now();
      load.push(t1 - t0);
      evaluate.push(t2 - t1);
      results = outcomes.length;
      failing = outcomes.filter((o) => o.status === 'FAIL').length;
    }
    const first = await evaluateConnection(hw, 'bench', { now });
    const again = await evaluateConnection(hw, 'bench', { now });
    const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    return {
      world: `apps=${options.apps} (${sync.items} records synced)`,
      results,
      failing,
      evaluate_checks_ms_median: Math.round(median(evaluate)),
      evaluate_checks_ms_max: Math.round(Math.max(...evaluate)),
      load_inventory_ms_median: Math.round(median(load)),
      first_evaluation_store_ms: first.timings.storeMs,
      repeat_evaluation_total_ms: again.timings.loadMs + again.timings.evaluateMs + again.timings.storeMs,
      repeat_evaluation_changes: again.changes.length,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await hw.close();
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  }
}
