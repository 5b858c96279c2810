import { InputError, type ErrorOptions } from '../errors.js';
import { RESOURCES } from '../datasets/registry.js';
import { parseJson, type Store } from '../store/database.js';
import { recordsAt } from '../store/records.js';
import { completeRunIds, lastInventoryRunBy, listRuns, type RunRow } from '../store/runs.js';
import { requireConnection, resolveConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

export interface Change {
  resource: string;
  key: string;
  /** What people call the thing: its name, email or host name. */
  label: string;
  kind: 'added' | 'changed' | 'removed';
  /** For changes: the top-level fields that differ. */
  fields?: string[];
  /** For changes: each of those fields before and after, in brief (a name for a reference, JSON cut at 80 characters for the rest). */
  values?: { field: string; before: string; after: string }[];
}

/** A value as people read it in a change: a reference by its name, a list by its length when long. */
function brief(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value !== 'object') return String(value);
  const named = value as { name?: unknown; email?: unknown };
  if (!Array.isArray(value) && (typeof named.name === 'string' || typeof named.email === 'string')) return String(named.name ?? named.email);
  const text = canonical(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export class HistoryError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_HISTORY_RANGE', message, options);
  }
}

/** JSON with object keys sorted, to compare values whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Records as they stood after a complete run: what the datasets showed then. */
async function stateAt(store: Store, connectionId: number, run: number, appId?: string): Promise<Map<string, { hash: string; data: Record<string, unknown> }>> {
  const rows = await recordsAt(store, connectionId, run, { appId });
  return new Map(rows.map((r) => [`${r.resource}\u0000${r.key}`, { hash: r.hash, data: parseJson(r.data) }]));
}

/** What people call a record: its name, email, host name, dyno type, stage or version, with its app; the key only when it has none. */
function label(data: Record<string, unknown>, key: string): string {
  const nested = (data.user as { email?: string } | undefined)?.email;
  const app = (data.app as { name?: string } | undefined)?.name;
  const pipeline = (data.pipeline as { name?: string } | undefined)?.name;
  const own = (data.name ??
    data.email ??
    data.hostname ??
    nested ??
    data.description ??
    (data.version !== undefined ? `v${String(data.version)}` : undefined) ??
    (typeof data.type === 'string' ? `${data.type} dynos` : undefined) ??
    (typeof data.stage === 'string' ? `${data.stage}${pipeline ? ` of ${pipeline}` : ''}` : undefined) ??
    (typeof data.commit === 'string' ? `commit ${data.commit.slice(0, 12)}` : undefined)) as string | undefined;
  return own ? (app && own !== app ? `${app}: ${own}` : own) : key;
}

/**
 * What was added, changed and removed between a past complete run and the
 * latest one (or `until`). Volatile resources (the rate-limit pool) are left out.
 */
export async function changesBetween(
  store: Store,
  connectionId: number,
  since: number,
  until?: number,
  options: { appId?: string } = {},
): Promise<{ since: number; until: number; changes: Change[] }> {
  const complete = await completeRunIds(store, connectionId);
  const last = until ?? complete.at(-1);
  if (last === undefined) throw new HistoryError('This connection has no complete sync yet.', { remedy: { do: 'sync' } });
  if (!complete.includes(since))
    throw new HistoryError(`Run ${since} is not a complete sync of this connection; complete runs: ${complete.join(', ') || 'none'}.`, {
      remedy: { do: 'list', what: 'runs' },
    });
  if (!complete.includes(last)) throw new HistoryError(`Run ${last} is not a complete sync of this connection.`);
  const volatile = new Set(RESOURCES.filter((r) => r.volatile).map((r) => r.name));
  const before = await stateAt(store, connectionId, since, options.appId);
  const after = await stateAt(store, connectionId, last, options.appId);
  const changes: Change[] = [];
  for (const [id, now] of after) {
    const [resource, key] = id.split('\u0000') as [string, string];
    if (volatile.has(resource)) continue;
    const then = before.get(id);
    if (!then) changes.push({ resource, key, label: label(now.data, key), kind: 'added' });
    else if (then.hash !== now.hash) {
      const fields = [...new Set([...Object.keys(then.data), ...Object.keys(now.data)])]
        .filter((f) => canonical(then.data[f]) !== canonical(now.data[f]))
        .sort();
      // Same fields in another order is not a change.
      if (fields.length > 0) {
        const values = fields.map((field) => ({ field, before: brief(then.data[field]), after: brief(now.data[field]) }));
        changes.push({ resource, key, label: label(now.data, key), kind: 'changed', fields, values });
      }
    }
  }
  for (const [id, then] of before) {
    const [resource, key] = id.split('\u0000') as [string, string];
    if (!volatile.has(resource) && !after.has(id)) changes.push({ resource, key, label: label(then.data, key), kind: 'removed' });
  }
  changes.sort((a, b) => a.resource.localeCompare(b.resource) || a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
  return { since, until: last, changes };
}

/** What changed in a connection's inventory (the named one, or the only one) between two complete runs. */
export async function connectionChanges(
  hw: Herowatch,
  request: { connection?: string; since: number; until?: number },
): Promise<{ connection: string; since: number; until: number; changes: Change[] }> {
  const connection = await resolveConnection(hw.store, request.connection);
  return { connection: connection.name, ...(await changesBetween(hw.store, connection.id, request.since, request.until)) };
}

/**
 * What changed in one app and its resources (domains, releases, config var
 * names...) since the last complete run before `since`, up to the latest;
 * null when there was no complete run then (the history starts later).
 */
export async function appChanges(
  hw: Herowatch,
  request: { connection: string; appId: string; since: Date },
): Promise<{ since: number; until: number; changes: Change[] } | null> {
  const connection = await requireConnection(hw.store, request.connection);
  const since = (await lastInventoryRunBy(hw.store, connection.id, request.since))?.id ?? (await completeRunIds(hw.store, connection.id))[0];
  if (since === undefined) return null;
  return changesBetween(hw.store, connection.id, since, undefined, { appId: request.appId });
}

/** Sync runs, newest first: of one connection, or of all. */
export async function syncRuns(hw: Herowatch, request: { connection?: string; limit: number }): Promise<RunRow[]> {
  const connection = request.connection === undefined ? undefined : await requireConnection(hw.store, request.connection);
  return listRuns(hw.store, connection?.id, request.limit);
}
