/**
 * Emulator benchmark: how fast a large world is generated and loaded, and
 * how fast the emulator serves it. Prints its figures; asserts nothing.
 *
 *   full:  10,000 apps, 20,000 custom domains (30,000 with herokuapp.com ones),
 *          20,000 add-ons, a year of audit events
 *   small: the same shape at 1,000 apps (run in CI)
 */
import { performance } from 'node:perf_hooks';
import { buildWorld } from '../src/emulator/world/build.js';
import { generateScenario, startEmulator, validateScenario } from '../src/emulator/index.js';

export interface EmulatorBenchOptions {
  apps: number;
  reads: number;
  concurrency: number;
}

const V3 = 'application/vnd.heroku+json; version=3';

export async function benchEmulator(options: EmulatorBenchOptions): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  const time = async <T>(label: string, fn: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    const result = await fn();
    figures[label] = Math.round(performance.now() - start);
    return result;
  };

  const { scenario, tokens } = await time('generate_ms', () =>
    generateScenario({ apps: options.apps, domains: options.apps * 2, addons: options.apps * 2, days: 365, seed: 1 }),
  );
  const world = await time('validate_and_build_ms', () => buildWorld(validateScenario(scenario)));
  Object.assign(figures, {
    apps: world.stats.apps!,
    domains: world.stats.domains!,
    addons: world.stats.addons!,
    events: world.stats.events!,
  });

  const emulator = await time('start_ms', () => startEmulator({ scenario, rateLimit: { poolSize: 1_000_000 } }));
  const headers = { Accept: V3, Authorization: `Bearer ${tokens.global}` };
  try {
    const walk = async (): Promise<string[]> => {
      const names: string[] = [];
      let range = 'id ..; max=1000';
      for (;;) {
        const response = await fetch(`${emulator.url}/apps`, { headers: { ...headers, Range: range } });
        const page = (await response.json()) as { name: string }[];
        names.push(...page.map((a) => a.name));
        const next = response.headers.get('next-range');
        if (response.status !== 206 || !next) return names;
        range = next;
      }
    };
    const names = await time('apps_walk_cold_ms', walk);
    figures.apps_walked = names.length;
    figures.apps_walk_pages = emulator.requests().filter((r) => r.path === '/apps').length;
    await time('apps_walk_warm_ms', walk);

    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const targets = Array.from({ length: options.reads }, () => names[Math.floor(random() * names.length)]!);
    const read = (paths: string[]) => async () => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < paths.length) {
          const response = await fetch(`${emulator.url}${paths[next++]}`, { headers });
          if (response.status !== 200) throw new Error(`read failed: ${response.status}`);
          await response.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    };
    await time('app_reads_ms', read(targets.map((n) => `/apps/${n}`)));
    await time('config_var_reads_ms', read(targets.map((n) => `/apps/${n}/config-vars`)));
    await time('domain_list_reads_ms', read(targets.map((n) => `/apps/${n}/domains`)));
    figures.reads_each = options.reads;
    figures.read_concurrency = options.concurrency;
  } finally {
    await emulator.close();
  }
  figures.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  return figures;
}
