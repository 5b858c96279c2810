import { InputError } from '../errors.js';
import { DAY_MS, herokuTime, parseDay, parseDayOrTime } from '../time.js';
import { auditCursors, queryAuditEvents } from '../store/audit-events.js';
import { readDataset } from '../store/datasets.js';
import { parseJson } from '../store/database.js';
import { listConnections, requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

export interface AuditEventFilter {
  connection?: string;
  /** From this day or time (inclusive), ISO. */
  since?: string;
  /** Up to this day or time (exclusive when a time, inclusive when a day), ISO. */
  until?: string;
  actor?: string;
  action?: string;
  type?: string;
  app?: string;
  limit?: number;
}

export interface AuditEventView {
  connection: string;
  id: string;
  enterprise_account_id: string;
  created_at: string;
  type: string;
  action: string;
  actor_email: string | null;
  app_name: string | null;
  team_name: string | null;
  ip_address: string | null;
  data: Record<string, unknown>;
}

/** A --since/--until bound as Heroku writes times: a day is its first instant (since) or the next day's (until, exclusive). */
function bound(value: string | undefined, flag: string, endOfDay: boolean): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDayOrTime(value);
  if (!parsed) throw new InputError('HW_INVALID_INPUT', `"${flag}" takes a real day (YYYY-MM-DD) or an ISO time (2026-11-01T10:00:00Z), not ${value}`);
  return herokuTime(endOfDay && parseDay(value) ? new Date(parsed.getTime() + DAY_MS) : parsed);
}

/** Collected enterprise audit events, newest first, filtered. */
export async function listAuditEvents(hw: Herowatch, filter: AuditEventFilter = {}): Promise<AuditEventView[]> {
  const connections = filter.connection ? [await requireConnection(hw.store, filter.connection)] : await listConnections(hw.store);
  const since = bound(filter.since, 'since', false);
  const until = bound(filter.until, 'until', true);
  const names = new Map(connections.map((c) => [c.id, c.name]));
  if (names.size === 0) return [];
  // Stored times are Heroku's (second precision, Z): the bounds are written the same way.
  const rows = await queryAuditEvents(hw.store, {
    connectionIds: [...names.keys()],
    since,
    until,
    actor: filter.actor,
    action: filter.action,
    type: filter.type,
    app: filter.app,
    order: 'newest',
    limit: filter.limit ?? 1000,
  });
  return rows.map((row) => {
    const data = parseJson<Record<string, unknown>>(row.data);
    return {
      connection: names.get(row.connection_id)!,
      id: row.id,
      enterprise_account_id: row.enterprise_id,
      created_at: row.created_at,
      type: row.type,
      action: row.action,
      actor_email: row.actor_email,
      app_name: row.app_name,
      team_name: row.team_name,
      ip_address: (data.request as { ip_address?: string } | undefined)?.ip_address ?? null,
      data: (data.data as Record<string, unknown> | undefined) ?? {},
    };
  });
}

/**
 * Why no event matched, in words that point at the cause: nothing
 * collected yet (and what collecting needs), an app that is in no
 * inventory, or filters that match none of what was collected.
 */
export async function whyNoEvents(hw: Herowatch, filter: AuditEventFilter = {}): Promise<string> {
  const connections = filter.connection ? [await requireConnection(hw.store, filter.connection)] : await listConnections(hw.store);
  const cursors = await auditCursors(
    hw.store,
    connections.map((c) => c.id),
  );
  if (cursors.length === 0) {
    return 'No audit trail has been collected: herowatch sync collects it for enterprise accounts whose view permission the token has (herowatch status says whether it does).';
  }
  if (filter.app) {
    const apps = await readDataset(hw.store, 'apps', { connection: connections.map((c) => c.name), columns: ['name'], filters: { name: [filter.app] } });
    if (apps.rows.length === 0)
      return `There is no app "${filter.app}" in the inventory (herowatch apps available CONNECTION lists them), so no event names it.`;
  }
  const days = cursors.map((c) => c.complete_through).sort();
  return `No event matches these filters in the audit trail collected (complete through ${days.at(-1)}).`;
}
