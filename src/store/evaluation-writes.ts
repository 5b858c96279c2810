/**
 * What recording an evaluation reads and writes: the stored findings of a
 * page of results, every finding once in index order, and the evaluation
 * written a page at a time in one transaction (compliance/findings.ts plans
 * each part). The findings' other reads are in findings.ts.
 */
import { sql } from 'kysely';
import type { Store } from './database.js';
import { dialectOf } from './dialects/index.js';
import type { ActiveSuppression, ExistingFinding, LapsedSuppression } from './findings.js';
import type { FindingEventsTable, FindingsTable, FindingStatus } from './schema.js';

/** A new finding as an evaluation plans it; the store adds the connection and the times. */
export type FindingInsert = Pick<FindingsTable, 'check_id' | 'resource_type' | 'resource_key' | 'resource_name' | 'severity' | 'result' | 'status' | 'message'>;

/** What one part of an evaluation writes (compliance/findings.ts plans it): the findings of a page of its results. */
export interface EvaluationChunk {
  inserts: FindingInsert[];
  updates: { id: number; set: Partial<ExistingFinding> & { updated_at: string } }[];
  /** Findings still failing: only their last-seen time moves. */
  stillFailing: number[];
  /** Findings that never failed whose resource left the inventory. */
  removals: number[];
  events: { finding_id: number; event: FindingEventsTable['event']; detail: string | null }[];
}

/** How an evaluation ends: its counts, and the suppressions it noticed lapsing or ending. */
export interface EvaluationTotals {
  checks: number;
  passed: number;
  failed: number;
  unknown: number;
  /** Findings opened, reopened or unsuppressed, and resolved (the evaluation's row counts them). */
  opened: number;
  resolved: number;
  durationMs: number;
  lapsedIds: number[];
  /** Suppressions that end because the failure they accepted is fixed (each with its finding's `unsuppressed` event). */
  endedSuppressions: { id: number; finding_id: number; detail: string }[];
  /** Findings inserted in all (many new rows call for fresh planner statistics). */
  inserted: number;
}

/** An evaluation being written: its row, its connection and its time. */
export interface EvaluationHandle {
  id: number;
  connectionId: number;
  now: string;
}

const FINDING_COLUMNS = [
  'id',
  'check_id',
  'resource_key',
  'resource_name',
  'severity',
  'result',
  'status',
  'message',
  'first_seen_at',
  'last_seen_at',
  'resolved_at',
  'removed_at',
] as const;

/** Rows per statement when an evaluation reads or writes findings. */
const CHUNK = 500;

/** The suppressions an evaluation starts from: those in force, and those that lapsed without being noticed. */
export async function suppressionState(store: Store, connectionId: number, now: Date): Promise<{ lapsed: LapsedSuppression[]; active: ActiveSuppression[] }> {
  const lapsed = await store.db
    .selectFrom('hw_suppressions')
    .select(['id', 'check_id', 'resource_key', 'expires_at'])
    .where('connection_id', '=', connectionId)
    .where('revoked_at', 'is', null)
    .where('lapse_noted_at', 'is', null)
    .where('expires_at', '<=', now.toISOString())
    .execute();
  const active = await store.db
    .selectFrom('hw_suppressions')
    .select(['id', 'check_id', 'resource_key'])
    .where('connection_id', '=', connectionId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .execute();
  return { lapsed, active };
}

/** The stored findings of one check about these resources (an evaluation compares a page of its results with them). */
export async function findingsOf(store: Store, connectionId: number, checkId: string, resourceKeys: readonly string[]): Promise<ExistingFinding[]> {
  const rows: ExistingFinding[] = [];
  for (let i = 0; i < resourceKeys.length; i += CHUNK) {
    rows.push(
      ...(await store.db
        .selectFrom('hw_findings')
        .select(FINDING_COLUMNS)
        .where('connection_id', '=', connectionId)
        .where('check_id', '=', checkId)
        .where('resource_key', 'in', resourceKeys.slice(i, i + CHUNK))
        .execute()),
    );
  }
  return rows;
}

/** Where a finding is in a connection's findings, in the order an evaluation reads them (by check, then resource). */
export type FindingKey = Pick<ExistingFinding, 'id' | 'check_id' | 'resource_key' | 'status' | 'removed_at'>;

/**
 * A connection's findings after `after` (by check, then resource, as its
 * unique index holds them: no sort), at most `limit`, with what tells
 * whether an evaluation must act on them: it reads them all this way, a page
 * at a time.
 */
export async function findingKeysAfter(
  store: Store,
  connectionId: number,
  after: Pick<FindingKey, 'check_id' | 'resource_key'> | null,
  limit: number,
): Promise<FindingKey[]> {
  let query = store.db.selectFrom('hw_findings').select(['id', 'check_id', 'resource_key', 'status', 'removed_at']).where('connection_id', '=', connectionId);
  // A row-value comparison: both databases seek the unique index to it, rather than scan the connection's findings from its first check.
  if (after) query = query.where((eb) => eb(eb.refTuple('check_id', 'resource_key'), '>', eb.tuple(after.check_id, after.resource_key)));
  const rows = await query.orderBy('check_id').orderBy('resource_key').limit(limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Findings by id, whole (as an evaluation needs them). */
export async function findingsById(store: Store, ids: readonly number[]): Promise<ExistingFinding[]> {
  const rows: ExistingFinding[] = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    rows.push(
      ...(await store.db
        .selectFrom('hw_findings')
        .select(FINDING_COLUMNS)
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute()),
    );
  return rows;
}

/** The findings (any check) about these resources: their ids, by resource. */
export async function findingIdsOfResources(
  store: Store,
  connectionId: number,
  resourceKeys: readonly string[],
): Promise<{ id: number; resource_key: string }[]> {
  const rows: { id: number; resource_key: string }[] = [];
  for (let i = 0; i < resourceKeys.length; i += CHUNK) {
    const found = await store.db
      .selectFrom('hw_findings')
      .select(['id', 'resource_key'])
      .where('connection_id', '=', connectionId)
      .where('resource_key', 'in', resourceKeys.slice(i, i + CHUNK))
      .execute();
    rows.push(...found.map((r) => ({ id: Number(r.id), resource_key: r.resource_key })));
  }
  return rows;
}

/**
 * Starts an evaluation's row (its counts come with `finishEvaluation`).
 * An evaluation is written in one transaction (see inTransaction): begun,
 * written a page at a time, finished.
 */
export async function beginEvaluation(
  store: Store,
  evaluation: { connectionId: number; runId: number | null; now: string; notify?: boolean },
): Promise<EvaluationHandle> {
  const row = await store.db
    .insertInto('hw_evaluations')
    .values({
      connection_id: evaluation.connectionId,
      run_id: evaluation.runId,
      evaluated_at: evaluation.now,
      checks: 0,
      passed: 0,
      failed: 0,
      unknown: 0,
      opened: 0,
      resolved: 0,
      duration_ms: 0,
      notify: evaluation.notify ? 'pending' : null,
      notified_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), connectionId: evaluation.connectionId, now: evaluation.now };
}

/**
 * Writes one page of an evaluation's findings. Findings inserted open get
 * their `opened` event here (their ids exist only now); they are returned
 * so the caller can report them.
 */
export async function writeEvaluationChunk(
  store: Store,
  evaluation: EvaluationHandle,
  chunk: EvaluationChunk,
): Promise<{ id: number; check_id: string; resource_key: string; status: FindingStatus }[]> {
  const { now, id: evaluationId, connectionId } = evaluation;
  const tx = store.db;
  const inserted: { id: number; check_id: string; resource_key: string; status: FindingStatus }[] = [];
  for (let i = 0; i < chunk.inserts.length; i += CHUNK) {
    const rows = await tx
      .insertInto('hw_findings')
      .values(
        chunk.inserts.slice(i, i + CHUNK).map((f) => ({
          ...f,
          connection_id: connectionId,
          first_seen_at: f.status === 'open' ? now : null,
          last_seen_at: f.status === 'open' ? now : null,
          resolved_at: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(['id', 'check_id', 'resource_key', 'status'])
      .execute();
    inserted.push(...rows.map((r) => ({ ...r, id: Number(r.id) })));
  }
  const events = [...chunk.events, ...inserted.filter((r) => r.status === 'open').map((r) => ({ finding_id: r.id, event: 'opened' as const, detail: null }))];
  for (const { id, set } of chunk.updates) await tx.updateTable('hw_findings').set(set).where('id', '=', id).execute();
  for (let i = 0; i < chunk.stillFailing.length; i += CHUNK) {
    await tx
      .updateTable('hw_findings')
      .set({ last_seen_at: now })
      .where('id', 'in', chunk.stillFailing.slice(i, i + CHUNK))
      .execute();
  }
  for (let i = 0; i < chunk.removals.length; i += CHUNK) {
    await tx
      .updateTable('hw_findings')
      .set({ removed_at: now, updated_at: now })
      .where('id', 'in', chunk.removals.slice(i, i + CHUNK))
      .execute();
  }
  for (let i = 0; i < events.length; i += CHUNK) {
    await tx
      .insertInto('hw_finding_events')
      .values(events.slice(i, i + CHUNK).map((e) => ({ ...e, evaluation_id: evaluationId, at: now })))
      .execute();
  }
  return inserted;
}

/** Ends an evaluation: its counts, and the suppressions it noticed lapsing or ending. */
export async function finishEvaluation(store: Store, evaluation: EvaluationHandle, totals: EvaluationTotals): Promise<void> {
  const { now, id: evaluationId } = evaluation;
  const tx = store.db;
  if (totals.lapsedIds.length > 0) await tx.updateTable('hw_suppressions').set({ lapse_noted_at: now }).where('id', 'in', totals.lapsedIds).execute();
  for (const ended of totals.endedSuppressions) {
    await tx.updateTable('hw_suppressions').set({ revoked_at: now }).where('id', '=', ended.id).execute();
    await tx
      .insertInto('hw_finding_events')
      .values({ finding_id: ended.finding_id, evaluation_id: evaluationId, at: now, event: 'unsuppressed', detail: ended.detail })
      .execute();
  }
  if (dialectOf(store).analyzeAfterBulkInsert && totals.inserted >= 1000) await sql`ANALYZE hw_findings`.execute(tx);
  await tx
    .updateTable('hw_evaluations')
    .set({
      checks: totals.checks,
      passed: totals.passed,
      failed: totals.failed,
      unknown: totals.unknown,
      opened: totals.opened,
      resolved: totals.resolved,
      duration_ms: totals.durationMs,
    })
    .where('id', '=', evaluationId)
    .execute();
}
