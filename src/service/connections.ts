import { InputError, NotFoundError } from '../errors.js';
import { findConnection, insertConnection, listConnections, updateConnection, type ConnectionRecord } from '../store/connections.js';
import type { Store } from '../store/database.js';
import { readCredential, type KeySource } from '../vault/credentials.js';
import type { Herowatch } from './herowatch.js';

/** Connection names: what people type after --connection. */
export function checkConnectionName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(name)) {
    throw new InputError(
      'HW_CONNECTION_NAME_INVALID',
      `"${name}" is not a valid connection name: use letters, digits, - and _ (up to 63), starting with a letter or digit.`,
    );
  }
  return name;
}

export { findConnection, listConnections, type ConnectionRecord };

export async function requireConnection(store: Store, name: string): Promise<ConnectionRecord> {
  const connection = await findConnection(store, name);
  if (!connection) {
    const names = (await listConnections(store)).map((c) => c.name);
    throw new NotFoundError('HW_CONNECTION_UNKNOWN', `There is no connection "${name}"${names.length ? ` (connections: ${names.join(', ')})` : ''}.`, {
      // A name among others is a slip (they are listed); with none yet, the name is one to connect.
      remedy: names.length > 0 ? { do: 'list', what: 'connections' } : { do: 'connect', connection: name },
    });
  }
  return connection;
}

/**
 * The connection a command works on: the one named, or, unnamed, the only
 * active one there is; with several, the user must choose (the message lists them).
 */
export async function resolveConnection(store: Store, name?: string): Promise<ConnectionRecord> {
  if (name !== undefined) return requireConnection(store, name);
  const connections = await listConnections(store);
  const active = connections.filter((c) => c.state === 'active');
  if (active.length === 1) return active[0]!;
  if (connections.length === 0)
    throw new InputError('HW_NO_CONNECTIONS', 'There is no connection yet (a sync can also use HEROKU_API_KEY).', { remedy: { do: 'connect' } });
  const named = connections.map((c) => `${c.name}${c.state === 'active' ? '' : ' (disconnected)'}`);
  throw new InputError('HW_CONNECTION_CHOICE', `Which connection? There are several: ${named.join(', ')}.`, {
    remedy: { do: 'choose-connection', choices: connections.map((c) => c.name) },
  });
}

/** The named connection, created on first use with the given API URL. */
export async function ensureConnection(store: Store, name: string, apiUrl: string): Promise<ConnectionRecord> {
  checkConnectionName(name);
  const existing = await findConnection(store, name);
  if (existing) {
    if (existing.api_url !== apiUrl) await updateConnection(store, existing.id, { api_url: apiUrl, updated_at: new Date().toISOString() });
    return { ...existing, api_url: apiUrl };
  }
  return insertConnection(store, name, apiUrl, new Date());
}

export function keySource(hw: Herowatch): KeySource {
  return { home: hw.config.home, env: hw.config.keys };
}

/** The stored token of a connection, decrypted (null when it has none). */
export async function connectionToken(hw: Herowatch, connection: ConnectionRecord): Promise<string | null> {
  return readCredential(hw.store, keySource(hw), connection);
}

/** Which connections a door lists: all, the connected ones, or those with a complete sync to read from (what apps can be monitored on). */
export async function connectionNames(hw: Herowatch, which: 'all' | 'active' | 'synced' = 'all'): Promise<string[]> {
  return (await listConnections(hw.store))
    .filter((c) => which === 'all' || (c.state === 'active' && (which === 'active' || c.last_complete_run !== null)))
    .map((c) => c.name);
}

/** The connection of this name, for a door (not found, with what fixes it, otherwise). */
export function connectionNamed(hw: Herowatch, name: string): Promise<ConnectionRecord> {
  return requireConnection(hw.store, name);
}
