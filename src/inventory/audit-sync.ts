import type { HerokuClient } from '../heroku/client.js';
import { silentLogger, type Logger } from '../log.js';
import type { Store } from '../store/database.js';
import { completeAuditRun } from '../store/audit-events.js';
import { connectionById } from '../store/connections.js';
import { readDataset } from '../store/datasets.js';
import { recordCoverage } from '../store/runs.js';
import { beginRun } from './run-lifecycle.js';
import { syncAuditTrail } from './audit-trail.js';

export interface AuditSyncResult {
  runId: number;
  status: 'complete' | 'failed' | 'interrupted';
  events: number;
  error: string | null;
  requests: number;
}

/**
 * Collects only the enterprise audit trail, from where the last collection
 * stopped, for the enterprise accounts of the last complete inventory. It is
 * a run of kind `audit`: it never overlaps another run of the connection,
 * and it leaves the inventory datasets where they are.
 */
export async function syncAuditOnly(options: {
  store: Store;
  client: HerokuClient;
  connectionId: number;
  backfillDays?: number;
  now?: () => Date;
  signal?: AbortSignal;
  logger?: Logger;
  leaseMs?: number;
}): Promise<AuditSyncResult> {
  const { store, client } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger ?? silentLogger;
  const connection = await connectionById(store, options.connectionId);

  const { rows } = await readDataset(store, 'enterprise_accounts', { connection: connection.name, columns: ['id', 'name', 'permissions'] });
  const enterprises = rows.map((row) => ({
    key: String(row.id),
    item: { id: row.id, name: row.name, permissions: (row.permissions as string[] | null) ?? [] } as Record<string, unknown>,
  }));

  const run = await beginRun(store, connection.id, 'audit', { startedAt: now(), leaseMs: options.leaseMs });
  const runId = run.id;
  try {
    const audit = await syncAuditTrail({
      store,
      client,
      connectionId: connection.id,
      runId,
      enterprises,
      backfillDays: options.backfillDays ?? 30,
      today: now(),
      accountEmail: connection.account_email,
      signal: options.signal,
    });
    if (options.signal?.aborted) throw new Error('Interrupted before the run completed.');
    await recordCoverage(store, runId, [{ name: 'audit_events', parent: 'enterprise_accounts' }], audit.coverage);
    await completeAuditRun(store, connection.id, runId, audit.cursors, {
      finished_at: now().toISOString(),
      requests: client.stats.requests,
      retries: client.stats.retries,
      items: audit.events,
    });
    log.info({ runId, events: audit.events }, 'audit trail collected');
    return { runId, status: 'complete', events: audit.events, error: null, requests: client.stats.requests };
  } catch (error) {
    const interrupted = options.signal?.aborted === true;
    const message = interrupted ? 'Interrupted before the run completed.' : (error as Error).message;
    await run.abandon(message, { requests: client.stats.requests }, interrupted ? 'interrupted' : 'failed');
    return { runId, status: interrupted ? 'interrupted' : 'failed', events: 0, error: message, requests: client.stats.requests };
  } finally {
    run.release();
  }
}
