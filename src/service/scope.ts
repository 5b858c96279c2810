import { NotFoundError } from '../errors.js';
import { listConnections, type ConnectionRecord } from '../store/connections.js';
import { getRun } from '../store/runs.js';
import type { Herowatch } from './herowatch.js';

/**
 * What a front end may see: some connections (or all), and within them
 * optionally only some apps. An agent's server, an access token or a
 * dashboard user is bound to one; nothing outside it is visible, and a name
 * outside it reads as "not found", never as "forbidden" (which would say it
 * exists).
 */
export interface Scope {
  /** Connection names; null for every connection. */
  connections: string[] | null;
  /** App names; null for every app of those connections. */
  apps: string[] | null;
}

export const EVERYTHING: Scope = { connections: null, apps: null };

/** The connections of `scope`, or the one named in it; a name outside the scope is not found. */
export async function scopedConnections(hw: Herowatch, scope: Scope, named?: string): Promise<ConnectionRecord[]> {
  const all = await listConnections(hw.store);
  const visible = scope.connections === null ? all : all.filter((c) => scope.connections!.includes(c.name));
  if (named === undefined) return visible;
  const one = visible.find((c) => c.name === named);
  if (!one)
    throw new NotFoundError('HW_CONNECTION_UNKNOWN', `There is no connection "${named}"${scope.connections === null ? '' : ' that this client may see'}.`, {
      remedy: { do: 'list', what: 'connections' },
    });
  return [one];
}

/** Whether `app` is inside the scope's apps. */
export function appInScope(scope: Scope, app: string): boolean {
  return scope.apps === null || scope.apps.includes(app);
}

/** As of which sync: per connection, the last complete inventory run and when it finished. */
export interface Freshness {
  connection: string;
  run: number | null;
  synced_at: string | null;
}

/** As of which sync, for every connection of the scope. */
export async function scopeFreshness(hw: Herowatch, scope: Scope, named?: string): Promise<Freshness[]> {
  return freshness(hw, await scopedConnections(hw, scope, named));
}

export async function freshness(hw: Herowatch, connections: ConnectionRecord[]): Promise<Freshness[]> {
  const out: Freshness[] = [];
  for (const connection of connections) {
    const run = connection.last_complete_run === null ? undefined : await getRun(hw.store, connection.last_complete_run);
    out.push({ connection: connection.name, run: connection.last_complete_run, synced_at: run?.finished_at ?? null });
  }
  return out;
}
