import { sql, type Selectable } from 'kysely';
import type { Store } from './database.js';
import type { EvaluationsTable, FindingsTable, SuppressionsTable } from './schema.js';

/** A stored finding, as far as recording a new evaluation needs it. */
export type ExistingFinding = Omit<Selectable<FindingsTable>, 'connection_id' | 'resource_type' | 'created_at' | 'updated_at'>;
export type FindingRow = Selectable<FindingsTable>;
export type SuppressionRow = Selectable<SuppressionsTable>;

export type LapsedSuppression = Pick<SuppressionRow, 'id' | 'check_id' | 'resource_key' | 'expires_at'>;
export type ActiveSuppression = Pick<SuppressionRow, 'id' | 'check_id' | 'resource_key'>;

/** Suppressions of a connection in force at `now`. */
export async function activeSuppressionRows(store: Store, connectionId: number, now: Date): Promise<SuppressionRow[]> {
  return store.db
    .selectFrom('hw_suppressions')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .execute();
}

/** Suppressions of these connections that were in force at `at` (created before, not yet expired or revoked then). */
export async function suppressionsInForceAt(store: Store, connectionIds: number[], at: Date): Promise<SuppressionRow[]> {
  if (connectionIds.length === 0) return [];
  const iso = at.toISOString();
  const rows = await store.db
    .selectFrom('hw_suppressions')
    .selectAll()
    .where('connection_id', 'in', connectionIds)
    .where('created_at', '<=', iso)
    .where('expires_at', '>', iso)
    .execute();
  return rows.filter((s) => s.revoked_at === null || s.revoked_at > iso);
}

export async function findingById(store: Store, id: number): Promise<FindingRow | undefined> {
  return store.db.selectFrom('hw_findings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Replaces any suppression of the finding's check and resource with a new one, and records the event; in one transaction. */
export async function insertSuppression(
  store: Store,
  finding: Pick<FindingRow, 'id' | 'connection_id' | 'check_id' | 'resource_key'>,
  suppression: { reason: string; by: string; now: Date; expiresAt: Date; detail: string },
): Promise<number> {
  const now = suppression.now.toISOString();
  return store.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('hw_suppressions')
      .set({ revoked_at: now })
      .where('connection_id', '=', finding.connection_id)
      .where('check_id', '=', finding.check_id)
      .where('resource_key', '=', finding.resource_key)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await tx
      .insertInto('hw_suppressions')
      .values({
        connection_id: finding.connection_id,
        check_id: finding.check_id,
        resource_key: finding.resource_key,
        reason: suppression.reason,
        created_by: suppression.by,
        created_at: now,
        expires_at: suppression.expiresAt.toISOString(),
        revoked_at: null,
        lapse_noted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('hw_finding_events')
      .values({ finding_id: finding.id, evaluation_id: null, at: now, event: 'suppressed', detail: suppression.detail })
      .execute();
    return Number(row.id);
  });
}

/** Ends the suppression in force on a finding; false when there was none. */
export async function revokeSuppression(
  store: Store,
  finding: Pick<FindingRow, 'id' | 'connection_id' | 'check_id' | 'resource_key'>,
  now: Date,
  detail: string,
): Promise<boolean> {
  const at = now.toISOString();
  return store.db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('hw_suppressions')
      .set({ revoked_at: at })
      .where('connection_id', '=', finding.connection_id)
      .where('check_id', '=', finding.check_id)
      .where('resource_key', '=', finding.resource_key)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await tx.insertInto('hw_finding_events').values({ finding_id: finding.id, evaluation_id: null, at, event: 'unsuppressed', detail }).execute();
    return true;
  });
}

/** Opened, reopened and resolved events of these findings up to `at`, oldest first, per finding. */
export async function lifecycleEventsUpTo(store: Store, findingIds: number[], at: Date): Promise<Map<number, { event: string; at: string }[]>> {
  const events = new Map<number, { event: string; at: string }[]>();
  for (let i = 0; i < findingIds.length; i += 500) {
    const rows = await store.db
      .selectFrom('hw_finding_events')
      .select(['finding_id', 'event', 'at'])
      .where('finding_id', 'in', findingIds.slice(i, i + 500))
      .where('event', 'in', ['opened', 'reopened', 'resolved'])
      .where('at', '<=', at.toISOString())
      .orderBy('at')
      .execute();
    for (const row of rows) events.set(row.finding_id, [...(events.get(row.finding_id) ?? []), { event: row.event, at: row.at }]);
  }
  return events;
}

/** Everything that happened to one finding, oldest first. */
export async function findingHistory(store: Store, findingId: number): Promise<{ at: string; event: string; detail: string | null }[]> {
  return store.db.selectFrom('hw_finding_events').select(['at', 'event', 'detail']).where('finding_id', '=', findingId).orderBy('at').execute();
}

/** Every finding event of these connections within a period, newest first, with its finding. */
export async function findingEventsBetween(store: Store, connectionIds: number[], from: Date, to: Date) {
  if (connectionIds.length === 0) return [];
  return store.db
    .selectFrom('hw_finding_events as e')
    .innerJoin('hw_findings as f', 'f.id', 'e.finding_id')
    .select(['e.at', 'e.event', 'e.detail', 'f.check_id', 'f.resource_name', 'f.resource_key', 'f.connection_id', 'f.id'])
    .where('f.connection_id', 'in', connectionIds)
    .where('e.at', '>=', from.toISOString())
    .where('e.at', '<=', to.toISOString())
    .orderBy('e.at', 'desc')
    .execute();
}

export async function evaluationsBetween(store: Store, connectionIds: number[], from: Date, to: Date): Promise<Selectable<EvaluationsTable>[]> {
  if (connectionIds.length === 0) return [];
  return store.db
    .selectFrom('hw_evaluations')
    .selectAll()
    .where('connection_id', 'in', connectionIds)
    .where('evaluated_at', '>=', from.toISOString())
    .where('evaluated_at', '<=', to.toISOString())
    .orderBy('id')
    .execute();
}

/** A finding row with the suppression in force at the query's time, if any, and its connection's name. */
export interface FindingWithSuppression extends FindingRow {
  connection_name: string;
  suppression_id: number | null;
  suppression_reason: string | null;
  suppression_by: string | null;
  suppression_created_at: string | null;
  suppression_expires_at: string | null;
}

export interface FindingQuery {
  connectionIds: number[];
  /** Suppressions in force at this time make an open finding `suppressed`. */
  now: Date;
  /** As people see them: open, suppressed, resolved, unknown, pass. */
  statuses: readonly string[];
  severities: readonly string[];
  /** Most severe first is this order of statuses and of severities. */
  statusOrder: readonly string[];
  severityOrder: readonly string[];
  check?: string;
  /** Findings about these apps: the app itself, what it holds (`app/APP/...`: domains, certificates, collaborators), an add-on attached to it (`addon/ADDON/APP/...`), or a resource named as attached to it (`... -> APP`). */
  apps?: string[];
  includeRemoved?: boolean;
  limit?: number;
  offset?: number;
}

/** LIKE's wildcards taken literally. */
const literal = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A page of findings, most important first, with the total that match:
 * statuses (suppressed included), severities and order are worked out by
 * the database, so a first page of a large account costs a page.
 */
export async function findingPage(store: Store, query: FindingQuery): Promise<{ rows: FindingWithSuppression[]; total: number }> {
  if (query.connectionIds.length === 0 || query.statuses.length === 0 || query.severities.length === 0 || query.apps?.length === 0)
    return { rows: [], total: 0 };
  const now = query.now.toISOString();
  const viewStatus = sql<string>`CASE WHEN f.status = 'open' AND s.id IS NOT NULL THEN 'suppressed' ELSE f.status END`;
  const rank = (expression: ReturnType<typeof sql>, order: readonly string[]) =>
    sql`CASE ${expression} ${sql.join(
      order.map((value, i) => sql`WHEN ${value} THEN ${sql.lit(i)}`),
      sql` `,
    )} ELSE ${sql.lit(order.length)} END`;
  // Suppressed findings are stored open: the stored statuses narrow the rows (an index covers them) before the suppressions are joined.
  const stored = [...new Set(query.statuses.map((s) => (s === 'suppressed' ? 'open' : s)))];
  const conditions = [
    sql`f.connection_id IN (${sql.join(query.connectionIds)})`,
    sql`f.status IN (${sql.join(stored)})`,
    sql`f.severity IN (${sql.join([...query.severities])})`,
    sql`${viewStatus} IN (${sql.join([...query.statuses])})`,
    ...(query.check ? [sql`f.check_id = ${query.check}`] : []),
    ...(query.apps
      ? [
          sql`(${sql.join(
            // By the resource's key, as resultApp reads it (finding-view.ts): names are for people and say it differently per resource.
            query.apps.map(
              (app) =>
                sql`f.resource_key = ${`app/${app}`} OR f.resource_key LIKE ${`app/${literal(app)}/%`} ESCAPE '\\' OR f.resource_key LIKE ${`addon/%/${literal(app)}/%`} ESCAPE '\\' OR f.resource_name LIKE ${`% -> ${literal(app)}`} ESCAPE '\\'`,
            ),
            sql` OR `,
          )})`,
        ]
      : []),
    ...(query.includeRemoved ? [] : [sql`f.removed_at IS NULL`]),
  ];
  const from = sql`FROM hw_findings f
    JOIN hw_connections c ON c.id = f.connection_id
    LEFT JOIN hw_suppressions s ON s.connection_id = f.connection_id AND s.check_id = f.check_id AND s.resource_key = f.resource_key AND s.revoked_at IS NULL AND s.expires_at > ${now}
    WHERE ${sql.join(conditions, sql` AND `)}`;
  const paging = query.limit === undefined ? sql`` : sql` LIMIT ${query.limit} OFFSET ${query.offset ?? 0}`;
  const { rows } =
    await sql<FindingWithSuppression>`SELECT f.*, c.name AS connection_name, s.id AS suppression_id, s.reason AS suppression_reason, s.created_by AS suppression_by, s.created_at AS suppression_created_at, s.expires_at AS suppression_expires_at
    ${from}
    ORDER BY ${rank(viewStatus, query.statusOrder)}, ${rank(sql`f.severity`, query.severityOrder)}, c.name, f.check_id, f.resource_key${paging}`.execute(
      store.db,
    );
  const total =
    query.limit === undefined ? rows.length : Number((await sql<{ n: number | string }>`SELECT count(*) AS n ${from}`.execute(store.db)).rows[0]?.n ?? 0);
  return { rows, total };
}

/**
 * Findings counted by the day they were first seen failing and the day they
 * were resolved, per severity: enough to draw how many were open on each
 * day without reading the findings themselves.
 */
export async function findingDayCounts(
  store: Store,
  connectionIds: number[],
  since: string,
): Promise<{
  opened: { day: string; severity: string; n: number }[];
  resolved: { day: string; severity: string; n: number }[];
  openBefore: { severity: string; n: number }[];
}> {
  if (connectionIds.length === 0) return { opened: [], resolved: [], openBefore: [] };
  const failing = store.db
    .selectFrom('hw_findings')
    .where('connection_id', 'in', connectionIds)
    .where('first_seen_at', 'is not', null)
    .where('status', 'in', ['open', 'resolved']);
  const day = (column: 'first_seen_at' | 'resolved_at') => sql<string>`substr(${sql.ref(column)}, 1, 10)`;
  const opened = await failing
    .select([day('first_seen_at').as('day'), 'severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('first_seen_at', '>=', since)
    .groupBy([day('first_seen_at'), 'severity'])
    .execute();
  const resolved = await failing
    .select([day('resolved_at').as('day'), 'severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('resolved_at', '>=', since)
    .groupBy([day('resolved_at'), 'severity'])
    .execute();
  const openBefore = await failing
    .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('first_seen_at', '<', since)
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', since)]))
    .groupBy('severity')
    .execute();
  const num = <T extends { n: number | string | bigint }>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
  return { opened: num(opened), resolved: num(resolved), openBefore: num(openBefore) };
}

/**
 * Findings counted per check, by how a framework report classes them
 * (failing, suppressed, unknown, passed), with the suppressions in force at
 * `now`: a report without reading the findings themselves.
 */
export async function findingCountsByCheck(
  store: Store,
  connectionIds: number[],
  now: Date,
): Promise<{ check_id: string; status: string; result: string; n: number }[]> {
  if (connectionIds.length === 0) return [];
  const { rows } = await sql<{
    check_id: string;
    status: string;
    result: string;
    n: number | string;
  }>`SELECT f.check_id, CASE WHEN f.status = 'open' AND s.id IS NOT NULL THEN 'suppressed' ELSE f.status END AS status, f.result, count(*) AS n
    FROM hw_findings f
    LEFT JOIN hw_suppressions s ON s.connection_id = f.connection_id AND s.check_id = f.check_id AND s.resource_key = f.resource_key AND s.revoked_at IS NULL AND s.expires_at > ${now.toISOString()}
    WHERE f.connection_id IN (${sql.join(connectionIds)}) AND f.removed_at IS NULL
    GROUP BY 1, 2, 3`.execute(store.db);
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** A pending evaluation's changes, as its finding events recorded them (newest state of each finding). */
export interface PendingNotice {
  evaluationId: number;
  evaluatedAt: string;
  changes: {
    event: 'opened' | 'reopened' | 'resolved';
    findingId: number;
    checkId: string;
    severity: string;
    resourceKey: string;
    resourceName: string;
    message: string;
  }[];
}

/** The connection's evaluations whose changes the webhook has not received yet, oldest first. */
export async function pendingNotices(store: Store, connectionId: number): Promise<PendingNotice[]> {
  const evaluations = await store.db
    .selectFrom('hw_evaluations')
    .select(['id', 'evaluated_at'])
    .where('connection_id', '=', connectionId)
    .where('notify', '=', 'pending')
    .orderBy('id')
    .execute();
  if (evaluations.length === 0) return [];
  const rows = await store.db
    .selectFrom('hw_finding_events as e')
    .innerJoin('hw_findings as f', 'f.id', 'e.finding_id')
    .select(['e.evaluation_id', 'e.event', 'f.id', 'f.check_id', 'f.severity', 'f.resource_key', 'f.resource_name', 'f.message'])
    .where(
      'e.evaluation_id',
      'in',
      evaluations.map((e) => Number(e.id)),
    )
    .where('e.event', 'in', ['opened', 'reopened', 'resolved'])
    .orderBy('f.id')
    .execute();
  return evaluations.map((evaluation) => ({
    evaluationId: Number(evaluation.id),
    evaluatedAt: evaluation.evaluated_at,
    changes: rows
      .filter((row) => Number(row.evaluation_id) === Number(evaluation.id))
      .map((row) => ({
        event: row.event as 'opened' | 'reopened' | 'resolved',
        findingId: Number(row.id),
        checkId: row.check_id,
        severity: row.severity,
        resourceKey: row.resource_key,
        resourceName: row.resource_name,
        message: row.message,
      })),
  }));
}

/** Marks an evaluation's changes delivered (or, with nothing to send, done). */
export async function markNotified(store: Store, evaluationId: number, at: Date): Promise<void> {
  await store.db.updateTable('hw_evaluations').set({ notify: 'sent', notified_at: at.toISOString() }).where('id', '=', evaluationId).execute();
}
