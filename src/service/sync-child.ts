/**
 * A sync asked for from the dashboard ("sync now"), in a process of its
 * own (see sync-now.ts): the inventory, the checks and the vulnerability
 * tests that follow are work a server must not do on its event loop, and a
 * large account's sync holds memory the server should not. The parent sends
 * the configuration and what to sync; this sends back each progress event,
 * then how the sync ended. SIGTERM interrupts the sync as Ctrl-C does.
 */
import type { HerowatchConfig } from '../config.js';
import type { SyncProgress } from '../inventory/sync.js';
import { openHerowatch } from './herowatch.js';
import { syncConnection } from './sync.js';

export interface SyncChildJob {
  config: HerowatchConfig;
  connection: string;
  full: boolean;
}

/** How a sync ended, as the dashboard says it. */
export interface SyncEnd {
  ok: boolean;
  text: string;
}

export type SyncChildMessage = { progress: SyncProgress } | { end: SyncEnd };

const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
process.once('SIGINT', () => controller.abort());

async function run(job: SyncChildJob): Promise<SyncEnd> {
  const hw = await openHerowatch(job.config);
  try {
    const result = await syncConnection(hw, {
      connection: job.connection,
      full: job.full,
      sync: { signal: controller.signal, onProgress: (progress) => process.send!({ progress } satisfies SyncChildMessage) },
    });
    const findings = result.compliance
      ? ` Checks: ${result.compliance.failed} failing, ${result.compliance.changeCounts.opened + result.compliance.changeCounts.reopened + result.compliance.changeCounts.resolved} findings changed.`
      : '';
    return result.status === 'complete'
      ? { ok: true, text: `Sync ${result.runId} complete: ${result.requests} requests, ${result.items} records.${findings}` }
      : { ok: false, text: `Sync ${result.runId} ${result.status}: ${result.error ?? 'see Runs'}` };
  } finally {
    await hw.close();
  }
}

process.once('message', (job: SyncChildJob) => {
  void run(job)
    .catch((error: unknown): SyncEnd => ({ ok: false, text: `The sync failed: ${error instanceof Error ? error.message : String(error)}` }))
    .then((end) => process.send!({ end } satisfies SyncChildMessage, () => process.exit(0)));
});
