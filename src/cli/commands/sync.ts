import type { Command } from 'commander';
import type { SyncResult } from '../../inventory/sync.js';
import { createLogger } from '../../log.js';
import { syncConnection } from '../../service/sync.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { progressLine } from '../progress.js';

interface SyncFlags {
  connection: string;
  apiUrl?: string;
  json?: boolean;
  backfillDays: string;
  concurrency: string;
  reserve: string;
  verbose?: boolean;
}

export function registerSync(program: Command, output: Output, setExitCode: (code: number) => void): void {
  program
    .command('sync')
    .description('Collect the inventory of a Heroku account (HEROKU_API_KEY and HEROKU_HOST, as the Heroku CLI reads them)')
    .option('--connection <name>', 'connection the inventory belongs to', 'default')
    .option('--api-url <url>', 'Heroku API URL (default: from HEROKU_HOST, else https://api.heroku.com)')
    .option('--backfill-days <n>', 'days of enterprise audit trail to collect the first time', '30')
    .option('--concurrency <n>', 'requests in flight at once', '16')
    .option('--reserve <percent>', 'share of the rate-limit pool left for people and deploys', '10')
    .option('--json', 'print progress and the result as JSON lines')
    .option('--verbose', 'log what the sync does (retries, gaps) to standard error')
    .action(async (flags: SyncFlags) => {
      const token = process.env.HEROKU_API_KEY?.trim();
      if (!token) throw new UsageError('No Heroku token: set HEROKU_API_KEY (heroku auth:token prints the CLI\'s), or create a least-privilege one with: heroku authorizations:create --scope identity,read-protected --description herowatch');
      const backfill = positiveInt(flags.backfillDays, '--backfill-days');
      const concurrency = positiveInt(flags.concurrency, '--concurrency');
      const reserve = Number(flags.reserve);
      if (!(reserve >= 0 && reserve < 100)) throw new UsageError(`--reserve is a percentage from 0 to 99, not ${flags.reserve}`);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const progress = flags.json ? null : progressLine();
      try {
        const result = await withHerowatch(flags, (hw, config) =>
          syncConnection(hw, {
            connection: flags.connection,
            token,
            apiUrl: config.apiUrl,
            client: { concurrency, rateLimit: { reserveRatio: reserve / 100 } },
            sync: {
              auditBackfillDays: backfill,
              signal: controller.signal,
              logger: createLogger(flags.verbose ? 'debug' : undefined),
              onProgress: (event) => (flags.json ? output.json(event) : progress!.update(event)),
            },
          }),
        );
        progress?.done();
        if (flags.json) output.json({ type: 'result', ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
        else printResult(output, flags.connection, result);
        setExitCode(result.status === 'complete' ? 0 : result.status === 'interrupted' ? 130 : 1);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, not ${value}`);
  return n;
}

function printResult(output: Output, connection: string, result: SyncResult): void {
  const seconds = (result.durationMs / 1000).toFixed(1);
  const who = result.account ? ` of ${result.account.email}` : '';
  if (result.status !== 'complete') {
    output.err(`Sync run ${result.runId}${who} ${result.status} after ${seconds}s: ${result.error}`);
    output.err('The last complete inventory is untouched.');
    return;
  }
  output.out(`Sync run ${result.runId} of connection "${connection}"${who}: complete in ${seconds}s`);
  output.out(`  ${result.items} records (${result.versions} new or changed), ${result.auditEvents} audit events read`);
  output.out(`  ${result.requests} requests (${result.notModified} unchanged since last time, ${result.retries} retried), rate-limit pool low point ${result.rateLimitLow ?? 'unknown'}${result.throttledMs > 0 ? `, paused ${(result.throttledMs / 1000).toFixed(1)}s to keep the reserve` : ''}`);
  if (result.recovered.length > 0) output.out(`  runs ${result.recovered.join(', ')} had been interrupted; they are marked so and left nothing behind`);
  const { ok, forbidden, failed, missing } = result.coverage;
  output.out(`  coverage: ${ok} ok, ${forbidden} forbidden, ${failed} failed, ${missing} missing`);
  const groups = new Map<string, { count: number; fix: string | null }>();
  for (const gap of result.gaps) {
    const key = `${gap.resource}: ${gap.status}: ${gap.reason}`;
    const group = groups.get(key) ?? { count: 0, fix: gap.fix ?? null };
    group.count++;
    groups.set(key, group);
  }
  for (const [what, { count, fix }] of groups) {
    output.out(`  gap (${count}x) ${what}`);
    if (fix) output.out(`      fix: ${fix}`);
  }
}
