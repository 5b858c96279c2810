import type { Selectable } from 'kysely';
import type { Store } from './database.js';
import type { AuditCursorsTable, AuditEventsTable } from './schema.js';

export type AuditEventRow = Omit<Selectable<AuditEventsTable>, 'day' | 'first_seen_run'>;
export type AuditCursorRow = Selectable<AuditCursorsTable>;

/** Stores audit events; an event already stored (same id) is left as it is. */
export async function insertAuditEvents(store: Store, rows: Selectable<AuditEventsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await store.db
      .insertInto('hw_audit_events')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['connection_id', 'id']).doNothing())
      .execute();
  }
}

export async function auditCursor(store: Store, connectionId: number, enterpriseId: string): Promise<AuditCursorRow | undefined> {
  return store.db
    .selectFrom('hw_audit_cursors')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirst();
}

export async function auditCursors(store: Store, connectionIds: number[]): Promise<AuditCursorRow[]> {
  if (connectionIds.length === 0) return [];
  return store.db.selectFrom('hw_audit_cursors').selectAll().where('connection_id', 'in', connectionIds).execute();
}

/** Events naming an app since `since` (ISO): what the sync planner reads as change signals. */
export async function appEventsSince(
  store: Store,
  connectionId: number,
  since: string,
): Promise<{ app_name: string; type: string; action: string; created_at: string }[]> {
  const rows = await store.db
    .selectFrom('hw_audit_events')
    .select(['app_name', 'type', 'action', 'created_at'])
    .where('connection_id', '=', connectionId)
    .where('created_at', '>=', since)
    .where('app_name', 'is not', null)
    .execute();
  return rows as { app_name: string; type: string; action: string; created_at: string }[];
}

export interface AuditEventQuery {
  connectionIds: number[];
  /** Inclusive, ISO with second precision as Heroku gives it. */
  since?: string;
  /** Exclusive unless `untilInclusive`. */
  until?: string;
  untilInclusive?: boolean;
  actor?: string;
  action?: string;
  type?: string;
  app?: string;
  order: 'newest' | 'oldest';
  limit?: number;
}

export async function queryAuditEvents(store: Store, query: AuditEventQuery): Promise<AuditEventRow[]> {
  if (query.connectionIds.length === 0) return [];
  let q = store.db
    .selectFrom('hw_audit_events')
    .select(['connection_id', 'enterprise_id', 'id', 'created_at', 'type', 'action', 'actor_email', 'app_name', 'team_name', 'data'])
    .where('connection_id', 'in', query.connectionIds);
  if (query.since) q = q.where('created_at', '>=', query.since);
  if (query.until) q = q.where('created_at', query.untilInclusive ? '<=' : '<', query.until);
  if (query.actor) q = q.where('actor_email', '=', query.actor);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.type) q = q.where('type', '=', query.type);
  if (query.app) q = q.where('app_name', '=', query.app);
  q = query.order === 'newest' ? q.orderBy('created_at', 'desc').orderBy('id') : q.orderBy('created_at').orderBy('id');
  if (query.limit !== undefined) q = q.limit(query.limit);
  return q.execute();
}

/**
 * Completes an audit-only run in one transaction: the collection cursors
 * move and the run is marked complete together.
 */
export async function completeAuditRun(
  store: Store,
  connectionId: number,
  runId: number,
  cursors: { enterpriseId: string; completeThrough: string; firstDay?: string | null }[],
  stats: { finished_at: string; requests: number; retries: number; items: number },
): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    for (const cursor of cursors) {
      await tx
        .insertInto('hw_audit_cursors')
        .values({
          connection_id: connectionId,
          enterprise_id: cursor.enterpriseId,
          complete_through: cursor.completeThrough,
          first_day: cursor.firstDay ?? null,
        })
        .onConflict((oc) => oc.columns(['connection_id', 'enterprise_id']).doUpdateSet({ complete_through: cursor.completeThrough }))
        .execute();
    }
    await tx
      .updateTable('hw_sync_runs')
      .set({ ...stats, status: 'complete' })
      .where('id', '=', runId)
      .execute();
  });
}
