import { hostname } from 'node:os';
import type { Store } from './database.js';
import { dropLeftStaging, purgeRun } from './records.js';
import type { Selectable } from 'kysely';
import type { CoverageStatus, CoverageTable, RunStatus, SyncMode } from './schema.js';

export interface RunRow {
  id: number;
  connection_id: number;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  requests: number;
  not_modified: number;
  retries: number;
  rate_limit_low: number | null;
  throttled_ms: number;
  items: number;
  error: string | null;
  /** inventory, or audit (the audit trail only). */
  kind: 'inventory' | 'audit';
  /** full, or incremental (what the planner chose). */
  mode: SyncMode;
}

/** Runs from before leases: taken for dead once their heartbeat is this old. */
const LEGACY_STALE_MS = 5 * 60_000;

/**
 * Starts a run holding a lease of `leaseMs` (wall-clock time, whatever clock
 * the sync's data uses). `startedAt` is the run's own time.
 */
export async function startRun(
  store: Store,
  connectionId: number,
  startedAt: Date,
  kind: 'inventory' | 'audit',
  leaseMs: number,
  mode: SyncMode = 'full',
): Promise<number> {
  const wall = Date.now();
  const row = await store.db
    .insertInto('hw_sync_runs')
    .values({
      connection_id: connectionId,
      started_at: startedAt.toISOString(),
      status: 'running',
      pid: process.pid,
      host: hostname(),
      heartbeat_at: new Date(wall).toISOString(),
      lease_until: new Date(wall + leaseMs).toISOString(),
      kind,
      mode,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The connection's last complete inventory run, for what the next one will cost; undefined before the first. */
export async function lastCompleteInventoryRun(store: Store, connectionId: number): Promise<Pick<RunRow, 'id' | 'requests' | 'items'> | undefined> {
  return store.db
    .selectFrom('hw_sync_runs')
    .select(['id', 'requests', 'items'])
    .where('connection_id', '=', connectionId)
    .where('kind', '=', 'inventory')
    .where('status', '=', 'complete')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Renews a running run's lease. */
export async function renewLease(store: Store, runId: number, leaseMs: number): Promise<void> {
  const wall = Date.now();
  await store.db
    .updateTable('hw_sync_runs')
    .set({ heartbeat_at: new Date(wall).toISOString(), lease_until: new Date(wall + leaseMs).toISOString() })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute();
}

/**
 * Runs left `running` whose lease ran out (their process was killed, crashed
 * or lost the database) are marked interrupted and what they wrote is
 * purged, as are staging rows ended runs left. Returns the ids so marked.
 * A run whose lease holds blocks a new one: two runs of one connection never
 * overlap.
 */
export async function recoverInterruptedRuns(
  store: Store,
  connectionId: number,
): Promise<{ interrupted: number[]; running: { id: number; pid: number; host: string } | null }> {
  const wall = Date.now();
  const running = await store.db.selectFrom('hw_sync_runs').selectAll().where('connection_id', '=', connectionId).where('status', '=', 'running').execute();
  const interrupted: number[] = [];
  for (const run of running) {
    const expires = run.lease_until ? Date.parse(run.lease_until) : Date.parse(run.heartbeat_at) + LEGACY_STALE_MS;
    if (expires > wall) return { interrupted, running: { id: run.id, pid: run.pid, host: run.host } };
    await purgeRun(store, connectionId, run.id);
    await store.db
      .updateTable('hw_sync_runs')
      .set({
        status: 'interrupted',
        finished_at: new Date(wall).toISOString(),
        error: `Interrupted: the process (pid ${run.pid} on ${run.host}) stopped renewing its lease before the run completed; nothing it collected was kept.`,
      })
      .where('id', '=', run.id)
      .execute();
    interrupted.push(run.id);
  }
  await dropLeftStaging(store, connectionId);
  return { interrupted, running: null };
}

export interface CoverageEntry {
  resource: string;
  parentKey: string;
  status: CoverageStatus;
  httpStatus?: number | null;
  errorId?: string | null;
  reason?: string | null;
  fix?: string | null;
  items: number;
}

const SEVERITY: CoverageStatus[] = ['failed', 'forbidden', 'missing'];

/**
 * Stores a run's coverage of some resources: per resource a summary row
 * (parent '') and, for per-parent resources, a row per parent with a gap
 * (or read in full, with a note). `entries` may leave out the lists read in
 * full without a note when `totals` counts them.
 */
export async function recordCoverage(
  store: Store,
  runId: number,
  resources: { name: string; parent?: string }[],
  entries: readonly CoverageEntry[],
  totals?: (resource: string) => { lists: number; items: number },
): Promise<void> {
  const rows: CoverageRow[] = [];
  for (const resource of resources) {
    const own = entries.filter((e) => e.resource === resource.name);
    if (!resource.parent) {
      for (const e of own) rows.push(row(runId, e, null));
      continue;
    }
    const gaps = own.filter((e) => e.status !== 'ok');
    const worst = SEVERITY.find((status) => gaps.some((g) => g.status === status));
    const { lists, items } = totals?.(resource.name) ?? { lists: own.length, items: own.reduce((sum, e) => sum + e.items, 0) };
    rows.push({
      run_id: runId,
      resource: resource.name,
      parent_key: '',
      status: worst ?? 'ok',
      http_status: null,
      error_id: null,
      reason: gaps.length > 0 ? `${gaps.length} of ${lists} ${resource.parent.replace(/_/g, ' ')} could not be read in full; see the rows for each` : null,
      fix: null,
      items,
      parents: lists,
    });
    // Parents read in full get no row, unless something about the read is worth keeping (a note in `reason`).
    for (const entry of own) if (entry.status !== 'ok' || entry.reason) rows.push(row(runId, entry, null));
  }
  for (let i = 0; i < rows.length; i += 200) {
    await store.db
      .insertInto('hw_coverage')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.columns(['run_id', 'resource', 'parent_key']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          items: eb.ref('excluded.items'),
          reason: eb.ref('excluded.reason'),
          fix: eb.ref('excluded.fix'),
          parents: eb.ref('excluded.parents'),
        })),
      )
      .execute();
  }
}

type CoverageRow = Selectable<CoverageTable>;

function row(runId: number, e: CoverageEntry, parents: number | null): CoverageRow {
  return {
    run_id: runId,
    resource: e.resource,
    parent_key: e.parentKey,
    status: e.status,
    http_status: e.httpStatus ?? null,
    error_id: e.errorId ?? null,
    reason: e.reason ?? null,
    fix: e.fix ?? null,
    items: e.items,
    parents,
  };
}

/** Ends a run that did not complete (failed, or incomplete: too many lists could not be read), discarding the records it wrote; its coverage stays, to say what failed. */
export async function failRun(
  store: Store,
  connectionId: number,
  runId: number,
  error: string,
  stats: Partial<RunRow>,
  status: 'failed' | 'incomplete' = 'failed',
): Promise<void> {
  await purgeRun(store, connectionId, runId);
  await store.db
    .updateTable('hw_sync_runs')
    .set({ ...stats, status, finished_at: new Date().toISOString(), error })
    .where('id', '=', runId)
    .execute();
}

export async function listRuns(store: Store, connectionId?: number, limit = 50): Promise<RunRow[]> {
  let query = store.db
    .selectFrom('hw_sync_runs')
    .select([
      'id',
      'connection_id',
      'started_at',
      'finished_at',
      'status',
      'requests',
      'not_modified',
      'retries',
      'rate_limit_low',
      'throttled_ms',
      'items',
      'error',
      'kind',
      'mode',
    ]);
  if (connectionId !== undefined) query = query.where('connection_id', '=', connectionId);
  return (await query.orderBy('id', 'desc').limit(limit).execute()) as RunRow[];
}

export type CoverageRecord = Selectable<CoverageTable>;

/** The coverage rows of one run. */
export async function runCoverage(store: Store, runId: number): Promise<CoverageRecord[]> {
  return store.db.selectFrom('hw_coverage').selectAll().where('run_id', '=', runId).execute();
}

/** The coverage rows of several runs, by run. */
export async function coverageOfRuns(store: Store, runIds: number[]): Promise<CoverageRecord[]> {
  if (runIds.length === 0) return [];
  return store.db.selectFrom('hw_coverage').selectAll().where('run_id', 'in', runIds).orderBy('run_id').execute();
}

/** The last complete inventory run of a connection that finished by `at`. */
export async function lastInventoryRunBy(store: Store, connectionId: number, at: Date): Promise<{ id: number; finished_at: string | null } | undefined> {
  const run = await store.db
    .selectFrom('hw_sync_runs')
    .select(['id', 'finished_at'])
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'complete')
    .where('kind', '=', 'inventory')
    .where('finished_at', '<=', at.toISOString())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return run ? { id: Number(run.id), finished_at: run.finished_at } : undefined;
}

/** Runs of these connections started within a period. */
export async function runsStartedBetween(store: Store, connectionIds: number[], from: Date, to: Date) {
  if (connectionIds.length === 0) return [];
  return store.db
    .selectFrom('hw_sync_runs')
    .select(['id', 'connection_id', 'kind', 'started_at', 'finished_at', 'status', 'requests', 'not_modified', 'retries', 'rate_limit_low', 'items', 'error'])
    .where('connection_id', 'in', connectionIds)
    .where('started_at', '>=', from.toISOString())
    .where('started_at', '<=', to.toISOString())
    .orderBy('id')
    .execute();
}

/** Ids of a connection's complete inventory runs, oldest first. */
export async function completeRunIds(store: Store, connectionId: number): Promise<number[]> {
  return (
    await store.db.selectFrom('hw_sync_runs').select('id').where('connection_id', '=', connectionId).where('status', '=', 'complete').orderBy('id').execute()
  ).map((r) => r.id);
}

export async function markInterrupted(store: Store, runId: number): Promise<void> {
  await store.db.updateTable('hw_sync_runs').set({ status: 'interrupted' }).where('id', '=', runId).execute();
}

/** One run by id. */
export async function getRun(store: Store, runId: number): Promise<RunRow | undefined> {
  return (await store.db
    .selectFrom('hw_sync_runs')
    .select([
      'id',
      'connection_id',
      'started_at',
      'finished_at',
      'status',
      'requests',
      'not_modified',
      'retries',
      'rate_limit_low',
      'throttled_ms',
      'items',
      'error',
    ])
    .where('id', '=', runId)
    .executeTakeFirst()) as RunRow | undefined;
}

/** When the connection's last inventory run before `runId` started (whatever its end): the planner's budget accrues from then. */
export async function previousInventoryRunStart(store: Store, connectionId: number, runId: number): Promise<string | null> {
  const row = await store.db
    .selectFrom('hw_sync_runs')
    .select('started_at')
    .where('connection_id', '=', connectionId)
    .where('kind', '=', 'inventory')
    .where('id', '<', runId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.started_at ?? null;
}
