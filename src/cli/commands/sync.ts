import { gapGroups } from '../../inventory/coverage.js';
import { setMaxListeners } from 'node:events';
import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../../log.js';
import { defaultSyncConnection, syncAll, syncConnection, type ConnectionSyncResult, type SyncRequest } from '../../service/sync.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { wholeNumber } from '../parse.js';
import { progressJson, progressLine, progressLog } from '../progress.js';
import { printEvaluation } from './compliance.js';
import { printStatus } from './connections.js';
import { describePlan } from '../../inventory/plan.js';

interface SyncFlags {
  connection?: string;
  all?: boolean;
  apiUrl?: string;
  json?: boolean;
  backfillDays: number;
  concurrency: number;
  reserve: number;
  verbose?: boolean;
  full?: boolean;
}

export function registerSync(program: Command, output: Output, setExitCode: (code: number) => void): void {
  program
    .command('sync')
    .description(
      'Collect the inventory of a connected Heroku account (or of HEROKU_API_KEY at HEROKU_HOST, as the Heroku CLI reads them), then test the connection',
    )
    .option('--connection <name>', 'connection to sync (default: the only one; with HEROKU_API_KEY: "default")')
    .option('--all', 'sync every connected account, one after another')
    .option('--api-url <url>', 'Heroku API URL (default: from HEROKU_HOST, else https://api.heroku.com)')
    .option('--backfill-days <n>', 'days of enterprise audit trail to collect the first time', wholeNumber(1, 3650), 30)
    .option('--concurrency <n>', 'requests in flight at once', wholeNumber(1, 256), 16)
    .option('--reserve <percent>', 'share of the rate-limit pool left for people and deploys', percentage, 10)
    .option('--full', 'read every list, rather than what changed and a share of the rest within the budget (settings: sync)')
    .option('--json', 'print progress and the result as JSON lines')
    .option('--verbose', 'log what the sync does (retries, gaps) to standard error')
    .action(async (flags: SyncFlags) => {
      const { backfillDays: backfill, concurrency, reserve } = flags;
      const controller = new AbortController();
      // Every request waiting for the rate limit listens for the stop, more than Node's default warning threshold.
      setMaxListeners(0, controller.signal);
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const progress = flags.json
        ? progressJson((event) => output.json(event))
        : process.stderr.isTTY
          ? progressLine()
          : progressLog((line) => output.err(line));
      try {
        const results = await withHerowatch(flags, async (hw, config) => {
          const request: Omit<SyncRequest, 'connection'> = {
            token: config.herokuApiKey?.token,
            tokenApiUrl: config.herokuApiKey?.apiUrl,
            apiUrl: config.apiUrl,
            client: { concurrency, rateLimit: { reserveRatio: reserve / 100 } },
            full: flags.full,
            sync: {
              auditBackfillDays: backfill,
              signal: controller.signal,
              logger: createLogger(flags.verbose ? 'debug' : config.logLevel),
              onProgress: (event) => progress.update(event),
            },
          };
          if (!flags.all)
            return [await syncConnection(hw, { ...request, connection: flags.connection ?? (await defaultSyncConnection(hw, request.token !== undefined)) })];
          const all = await syncAll(hw, { client: request.client, sync: request.sync, full: request.full });
          if (all.length === 0) throw new UsageError('No connection has stored credentials: herowatch connect --name NAME --token-stdin');
          return all;
        });
        progress.done();
        for (const result of results) {
          if (flags.json) output.json({ type: 'result', ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
          else printResult(output, result);
        }
        const worst = Math.max(
          ...results.map((r) => (r.status === 'complete' ? (r.connectionStatus?.state === 'failing' ? 1 : 0) : r.status === 'interrupted' ? 130 : 1)),
        );
        setExitCode(worst);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
/** The gaps grouped by resource and cause, with counts: a line per kind of gap, never one per app. */
function printGaps(print: (line: string) => void, gaps: ConnectionSyncResult['gaps']): void {
  for (const group of gapGroups(gaps)) {
    const of =
      group.count === 1
        ? ''
        : ` (${group.count.toLocaleString('en-US')} lists${group.parents.length > 0 ? `, e.g. of ${group.parents.slice(0, 3).join(', ')}` : ''})`;
    print(`  gap: ${group.resource} ${group.status === 'failed' ? `failed: ${group.cause}` : group.status}${of}: ${group.reason ?? ''}`);
    if (group.fix) print(`      fix: ${group.fix}`);
  }
}

/** A share of the rate-limit pool, in percent. */
function percentage(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 100)) throw new InvalidArgumentError('Use a percentage from 0 to 99.');
  return n;
}

function printResult(output: Output, result: ConnectionSyncResult): void {
  const connection = result.connection;
  const seconds = (result.durationMs / 1000).toFixed(1);
  const who = result.account ? ` of ${result.account.email}` : '';
  if (result.status !== 'complete') {
    output.err(`Sync run ${result.runId}${who} ${result.status} after ${seconds}s: ${result.error}`);
    output.err('The last complete inventory is untouched.');
    if (result.status === 'incomplete') printGaps((line) => output.err(line), result.gaps);
    if (result.connectionStatus) printStatus(output, result.connectionStatus);
    return;
  }
  output.out(`Sync run ${result.runId} of connection "${connection}"${who}: complete in ${seconds}s (${result.mode})`);
  if (result.plan) output.out(`  ${describePlan(result.plan)}`);
  output.out(`  ${result.items} records (${result.versions} new or changed), ${result.auditEvents} audit events read`);
  output.out(
    `  ${result.requests} requests (${result.notModified} unchanged since last time, ${result.retries} retried), rate-limit pool low point ${result.rateLimitLow ?? 'unknown'}${result.throttledMs > 0 ? `, paused ${(result.throttledMs / 1000).toFixed(1)}s to keep the reserve` : ''}`,
  );
  if (result.recovered.length > 0) output.out(`  runs ${result.recovered.join(', ')} had been interrupted; they are marked so and left nothing behind`);
  const { ok, forbidden, failed, missing } = result.coverage;
  output.out(`  coverage: ${ok} ok, ${forbidden} forbidden, ${failed} failed, ${missing} missing`);
  printGaps((line) => output.out(line), result.gaps);
  if (result.connectionStatus) printStatus(output, result.connectionStatus);
  if (result.compliance) printEvaluation(output, result.compliance);
  const vulns = result.vulnerabilities;
  if (vulns?.error) output.out(`Vulnerability tests could not run: ${vulns.error}`);
  else if (vulns) {
    output.out(
      `Vulnerabilities of ${vulns.apps} monitored app${vulns.apps === 1 ? '' : 's'}: ${vulns.open} open (${vulns.opened} new, ${vulns.resolved} resolved); ${vulns.downloaded} slug${vulns.downloaded === 1 ? '' : 's'} read${vulns.gaps > 0 ? `, ${vulns.gaps} app${vulns.gaps === 1 ? '' : 's'} without a slug to read` : ''}; herowatch vulns lists them.`,
    );
  }
}
