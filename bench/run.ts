/**
 * `npm run bench`: runs herowatch's benchmarks and prints their figures.
 * `npm run bench -- --small` runs the small configuration CI uses.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { benchCompliance } from './compliance.js';
import { benchDashboard } from './dashboard.js';
import { benchEmulator } from './emulator.js';
import { benchFreshness } from './freshness.js';
import { benchQueries } from './queries.js';
import { benchScale } from './scale.js';
import { benchSync } from './sync.js';
import { benchVulns } from './vulns.js';
import { benchWorkers } from './workers.js';

const small = process.argv.includes('--small');
const configuration = small ? 'small' : 'full';

const emulator = await benchEmulator(small ? { apps: 1000, reads: 1000, concurrency: 8 } : { apps: 10_000, reads: 1000, concurrency: 8 });
const sync = await benchSync({ apps: small ? 300 : 2000 });
const scale = await benchScale({ sizes: small ? [500, 2000] : [2000, 10_000, 50_000] });
const compliance = await benchCompliance(small ? { apps: 1000, rounds: 3 } : { apps: 10_000, rounds: 5 });
const queries = await benchQueries(small ? { apps: 1000, rounds: 5 } : { apps: 10_000, rounds: 9 });
const dashboard = await benchDashboard(small ? { apps: 1000, rounds: 10 } : { apps: 10_000, rounds: 20 });
const vulns = await benchVulns(
  small
    ? { slugMb: 50, advisories: 3000, apps: 200, packagesPerApp: 300, baselineApps: 3, dailyAdvisories: 100 }
    : { slugMb: 500, advisories: 30_000, apps: 2000, packagesPerApp: 300, baselineApps: 5, dailyAdvisories: 300 },
);
const freshnessWorld = small ? { apps: 300, days: 1 } : { apps: 10_000, days: 7 };
const freshness = await benchFreshness({ ...freshnessWorld, changesPerDay: 0.05, teamPerHour: 1500, auditTrail: true });
const freshnessNoAudit = await benchFreshness({ ...freshnessWorld, changesPerDay: 0.05, teamPerHour: 1500, auditTrail: false });
const workers = await benchWorkers(
  small ? { accounts: 4, apps: 100, workers: [1, 2], latencyMs: [20, 60] } : { accounts: 20, apps: 500, workers: [1, 2, 4], latencyMs: [50, 150] },
);

// One worker holding several large accounts' syncs at once: its memory (the rate limit lifted, no latency).
const workerMemory = await benchWorkers(
  small
    ? { accounts: 2, apps: 500, workers: [1], concurrency: 2, latencyMs: [0, 0], rateLimit: 'pool=100000000' }
    : { accounts: 4, apps: 10_000, workers: [1], concurrency: 4, latencyMs: [0, 0], rateLimit: 'pool=100000000' },
);

console.log(`herowatch benchmarks (${configuration} configuration, node ${process.version}, ${new Date().toISOString()})`);
for (const [title, figures] of [
  ['emulator', emulator],
  ['sync', sync],
  ['scale: memory and time by account size', scale],
  ['compliance', compliance],
  ['queries', queries],
  ['dashboard', dashboard],
  ['vulnerabilities', vulns],
  ['freshness, with an audit trail', freshness],
  ['freshness, without an audit trail', freshnessNoAudit],
  ['workers (PostgreSQL job queue)', workers],
  ['workers: memory of one worker syncing several accounts at once', workerMemory],
] as const) {
  console.log(`\n${title}`);
  for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(40)} ${value}`);
}

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL(`./results/${configuration}.json`, import.meta.url),
  `${JSON.stringify({ configuration, emulator, sync, scale, compliance, queries, dashboard, vulns, freshness, freshnessNoAudit, workers, workerMemory }, null, 2)}\n`,
);
