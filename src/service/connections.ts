import { sql } from 'kysely';
import { disabledStatus, testConnection, type ConnectionStatus } from '../connections/status.js';
import { InputError } from '../errors.js';
import { HerokuClient, type HerokuClientOptions } from '../heroku/client.js';
import { tokenFingerprint } from '../heroku/sanitize.js';
import type { Store } from '../store/database.js';
import { deleteCredential, readCredential, saveCredential, type KeySource } from '../vault/credentials.js';
import type { Herowatch } from './herowatch.js';

export interface ConnectionRecord {
  id: number;
  name: string;
  api_url: string;
  account_id: string | null;
  account_email: string | null;
  last_complete_run: number | null;
  state: 'active' | 'disabled';
  enterprise: string | null;
  last_status: string | null;
  last_tested_at: string | null;
  disabled_at: string | null;
}

const COLUMNS = ['id', 'name', 'api_url', 'account_id', 'account_email', 'last_complete_run', 'state', 'enterprise', 'last_status', 'last_tested_at', 'disabled_at'] as const;

/** Connection names: what people type after --connection. */
export function checkConnectionName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(name)) {
    throw new InputError(`"${name}" is not a valid connection name: use letters, digits, - and _ (up to 63), starting with a letter or digit.`);
  }
  return name;
}

export async function findConnection(store: Store, name: string): Promise<ConnectionRecord | undefined> {
  return store.db.selectFrom('hw_connections').select(COLUMNS).where('name', '=', name).executeTakeFirst() as Promise<ConnectionRecord | undefined>;
}

export async function requireConnection(store: Store, name: string): Promise<ConnectionRecord> {
  const connection = await findConnection(store, name);
  if (!connection) {
    const names = (await listConnections(store)).map((c) => c.name);
    throw new InputError(`There is no connection "${name}"${names.length ? ` (connections: ${names.join(', ')})` : ''}; create it with: herowatch connect --name ${name} --token-stdin`);
  }
  return connection;
}

/** The named connection, created on first use with the given API URL. */
export async function ensureConnection(store: Store, name: string, apiUrl: string): Promise<ConnectionRecord> {
  checkConnectionName(name);
  const existing = await findConnection(store, name);
  if (existing) {
    if (existing.api_url !== apiUrl) {
      await store.db.updateTable('hw_connections').set({ api_url: apiUrl, updated_at: new Date().toISOString() }).where('id', '=', existing.id).execute();
    }
    return { ...existing, api_url: apiUrl };
  }
  const now = new Date().toISOString();
  await store.db.insertInto('hw_connections').values({ name, api_url: apiUrl, created_at: now, updated_at: now, account_id: null, account_email: null, last_complete_run: null, enterprise: null, last_status: null, last_tested_at: null, disabled_at: null }).execute();
  return (await findConnection(store, name))!;
}

export async function listConnections(store: Store): Promise<ConnectionRecord[]> {
  return store.db.selectFrom('hw_connections').select(COLUMNS).orderBy('name').execute() as Promise<ConnectionRecord[]>;
}

export function keySource(hw: Herowatch, env: NodeJS.ProcessEnv = process.env): KeySource {
  return { home: hw.config.home, env };
}

/** A token Heroku will not accept: nothing was stored. */
export class ConnectionRefused extends InputError {
  constructor(readonly status: ConnectionStatus) {
    const [diagnosis] = status.diagnoses;
    super(`${diagnosis?.message ?? 'The token does not work.'}${diagnosis?.fix ? `\n  fix: ${diagnosis.fix}` : ''}\nNothing was stored.`);
  }
}

export interface ConnectRequest {
  name: string;
  token: string;
  apiUrl: string;
  enterprise?: string | null;
  client?: TestClientOptions;
}

type TestClientOptions = Pick<HerokuClientOptions, 'rateLimit' | 'send' | 'timeoutMs'>;

/**
 * A client for the connection test. Asked for by a person, the test's dozen
 * requests run even when the pool is low (that is one of its diagnoses), so
 * without a reserve; after a sync, the sync's reserve is kept.
 */
function testClient(token: string, apiUrl: string, options?: TestClientOptions, keepReserve = false): HerokuClient {
  return new HerokuClient({ ...options, token, apiUrl, concurrency: 4, rateLimit: { ...options?.rateLimit, ...(keepReserve ? {} : { reserveRatio: 0 }) } });
}

/**
 * Connects (or reconnects, or replaces the token of) a connection: tests
 * the token first and stores it, encrypted, only if Heroku accepts it and it
 * belongs to the account the connection's history is about. Reconnecting a
 * disconnected connection re-activates the apps the disconnect deactivated.
 */
export async function connect(hw: Herowatch, request: ConnectRequest, env: NodeJS.ProcessEnv = process.env): Promise<{ status: ConnectionStatus; created: boolean; reenabled: boolean; reactivatedApps: number }> {
  checkConnectionName(request.name);
  const existing = await findConnection(hw.store, request.name);
  const enterprise = request.enterprise === undefined ? (existing?.enterprise ?? null) : request.enterprise;
  const status = await testConnection(testClient(request.token, request.apiUrl, request.client), { connection: request.name, apiUrl: request.apiUrl, token: request.token, enterprise, pool: request.client?.rateLimit?.poolSize });
  if (status.state === 'failing') throw new ConnectionRefused(status);
  if (existing?.account_id && existing.account_id !== status.account!.id) {
    throw new InputError(
      `Connection "${request.name}" holds the inventory of ${existing.account_email}, but this token belongs to ${status.account!.email}. Use another connection name, or delete this one and its history first: herowatch disconnect ${request.name} --purge`,
    );
  }
  const connection = await ensureConnection(hw.store, request.name, request.apiUrl);
  const reenabled = connection.state === 'disabled';
  await saveCredential(hw.store, keySource(hw, env), connection.id, request.token);
  const now = new Date().toISOString();
  let reactivatedApps = 0;
  await hw.store.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('hw_connections')
      .set({ state: 'active', disabled_at: null, enterprise, account_id: status.account!.id, account_email: status.account!.email, last_status: JSON.stringify(status), last_tested_at: status.tested_at, updated_at: now })
      .where('id', '=', connection.id)
      .execute();
    if (reenabled && connection.disabled_at) {
      const result = await tx
        .updateTable('hw_monitored_apps')
        .set({ active: 1, deactivated_at: null })
        .where('connection_id', '=', connection.id)
        .where('deactivated_at', '=', connection.disabled_at)
        .executeTakeFirst();
      reactivatedApps = Number(result.numUpdatedRows);
    }
  });
  return { status, created: !existing, reenabled, reactivatedApps };
}

/**
 * Disconnects: deletes the credentials, deactivates the monitored apps and
 * stops scheduled work, keeping the inventory and its history. With `purge`,
 * the connection and everything collected through it are deleted.
 */
export async function disconnect(hw: Herowatch, name: string, options: { purge?: boolean } = {}): Promise<{ credentialDeleted: boolean; appsDeactivated: number; purged: boolean }> {
  const connection = await requireConnection(hw.store, name);
  if (options.purge) {
    const credentialDeleted = await deleteCredential(hw.store, connection.id);
    await hw.store.db.deleteFrom('hw_connections').where('id', '=', connection.id).execute();
    return { credentialDeleted, appsDeactivated: 0, purged: true };
  }
  const now = new Date().toISOString();
  return hw.store.db.transaction().execute(async (tx) => {
    const deleted = await tx.deleteFrom('hw_credentials').where('connection_id', '=', connection.id).executeTakeFirst();
    const apps = await tx.updateTable('hw_monitored_apps').set({ active: 0, deactivated_at: now }).where('connection_id', '=', connection.id).where('active', '=', 1).executeTakeFirst();
    await tx
      .updateTable('hw_connections')
      .set({ state: 'disabled', disabled_at: now, last_status: JSON.stringify(disabledStatus(name, connection.api_url)), last_tested_at: now, updated_at: now })
      .where('id', '=', connection.id)
      .execute();
    return { credentialDeleted: Number(deleted.numDeletedRows) > 0, appsDeactivated: Number(apps.numUpdatedRows), purged: false };
  });
}

/** The stored token of a connection, decrypted (null when it has none). */
export async function connectionToken(hw: Herowatch, connection: ConnectionRecord, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return readCredential(hw.store, keySource(hw, env), connection);
}

/**
 * Tests a connection now with its stored token (or the token given, for
 * connections synced from HEROKU_API_KEY) and records the result.
 */
export async function checkConnection(
  hw: Herowatch,
  name: string,
  options: { token?: string; env?: NodeJS.ProcessEnv; client?: TestClientOptions; keepReserve?: boolean } = {},
): Promise<ConnectionStatus> {
  const connection = await requireConnection(hw.store, name);
  if (connection.state === 'disabled') return disabledStatus(name, connection.api_url);
  const token = (await connectionToken(hw, connection, options.env)) ?? options.token;
  if (!token) throw new InputError(`Connection "${name}" has no stored token; connect it with: herowatch connect --name ${name} --token-stdin`);
  const status = await testConnection(testClient(token, connection.api_url, options.client, options.keepReserve), { connection: name, apiUrl: connection.api_url, token, enterprise: connection.enterprise, pool: options.client?.rateLimit?.poolSize });
  await hw.store.db.updateTable('hw_connections').set({ last_status: JSON.stringify(status), last_tested_at: status.tested_at }).where('id', '=', connection.id).execute();
  return status;
}

export function lastStatus(connection: ConnectionRecord): ConnectionStatus | null {
  return connection.last_status ? (JSON.parse(connection.last_status) as ConnectionStatus) : null;
}

export interface AvailableApp {
  id: string;
  name: string;
  team_name: string | null;
  monitored: boolean;
}

/** Apps of the connection's inventory (the last complete sync), and which are monitored. */
export async function availableApps(hw: Herowatch, name: string): Promise<AvailableApp[]> {
  const connection = await requireConnection(hw.store, name);
  if (connection.last_complete_run === null) throw new InputError(`Connection "${name}" has not been synced yet: run herowatch sync --connection ${name} first.`);
  const { rows } = await sql<{ id: string; name: string; team_name: string | null }>`SELECT id, name, team_name FROM apps WHERE connection = ${name} ORDER BY name`.execute(hw.store.db);
  const monitored = new Set((await monitoredApps(hw, name)).filter((a) => a.active).map((a) => a.app_id));
  return rows.map((row) => ({ ...row, monitored: monitored.has(row.id) }));
}

export interface MonitoredApp {
  app_id: string;
  app_name: string;
  active: boolean;
  added_at: string;
  deactivated_at: string | null;
}

export async function monitoredApps(hw: Herowatch, name: string): Promise<MonitoredApp[]> {
  const connection = await requireConnection(hw.store, name);
  const rows = await hw.store.db.selectFrom('hw_monitored_apps').select(['app_id', 'app_name', 'active', 'added_at', 'deactivated_at']).where('connection_id', '=', connection.id).orderBy('app_name').execute();
  return rows.map((row) => ({ ...row, active: Number(row.active) === 1 }));
}

/** Monitors apps (by name or id) of the connection's inventory. */
export async function addMonitoredApps(hw: Herowatch, name: string, apps: string[]): Promise<string[]> {
  const connection = await requireConnection(hw.store, name);
  if (connection.state === 'disabled') throw new InputError(`Connection "${name}" is disconnected; reconnect it first: herowatch connect --name ${name} --token-stdin`);
  const available = await availableApps(hw, name);
  const chosen = apps.map((wanted) => {
    const app = available.find((a) => a.name === wanted || a.id === wanted);
    if (!app) {
      const near = available.filter((a) => a.name.includes(wanted) || wanted.includes(a.name)).slice(0, 5).map((a) => a.name);
      throw new InputError(`App "${wanted}" is not in the inventory of connection "${name}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; herowatch apps available ${name} lists them.`);
    }
    return app;
  });
  const now = new Date().toISOString();
  for (const app of chosen) {
    await hw.store.db
      .insertInto('hw_monitored_apps')
      .values({ connection_id: connection.id, app_id: app.id, app_name: app.name, active: 1, added_at: now, deactivated_at: null })
      .onConflict((oc) => oc.columns(['connection_id', 'app_id']).doUpdateSet({ active: 1, deactivated_at: null, app_name: app.name }))
      .execute();
  }
  return chosen.map((a) => a.name);
}

export async function removeMonitoredApps(hw: Herowatch, name: string, apps: string[]): Promise<string[]> {
  const connection = await requireConnection(hw.store, name);
  const current = await monitoredApps(hw, name);
  const removed: string[] = [];
  for (const wanted of apps) {
    const app = current.find((a) => a.app_name === wanted || a.app_id === wanted);
    if (!app) throw new InputError(`App "${wanted}" is not monitored by connection "${name}"; herowatch apps list ${name} shows those that are.`);
    await hw.store.db.deleteFrom('hw_monitored_apps').where('connection_id', '=', connection.id).where('app_id', '=', app.app_id).execute();
    removed.push(app.app_name);
  }
  return removed;
}

export interface AuthorizationHygiene {
  id: string;
  description: string;
  scope: string[];
  created_at: string;
  age_days: number;
  expires_at: string | null;
  client: string | null;
  /** Whether this is the token the connection itself uses. */
  this_connection: boolean;
  /** Never expires, has the global scope and is older than 90 days. */
  rotate: boolean;
}

/**
 * The account's OAuth authorizations as of the last sync: age, scope,
 * expiry. Heroku does not report when a token was last used.
 */
export async function tokenHygiene(hw: Herowatch, name: string, env: NodeJS.ProcessEnv = process.env): Promise<{ readable: boolean; reason: string | null; authorizations: AuthorizationHygiene[] }> {
  const connection = await requireConnection(hw.store, name);
  if (connection.last_complete_run === null) throw new InputError(`Connection "${name}" has not been synced yet: run herowatch sync --connection ${name} first.`);
  const gap = await hw.store.db
    .selectFrom('hw_coverage')
    .select(['status', 'reason'])
    .where('run_id', '=', connection.last_complete_run)
    .where('resource', '=', 'oauth_authorizations')
    .executeTakeFirst();
  if (gap && gap.status !== 'ok') return { readable: false, reason: gap.reason, authorizations: [] };
  const token = connection.state === 'active' ? await connectionToken(hw, connection, env).catch(() => null) : null;
  const mine = token ? tokenFingerprint(token) : null;
  const { rows } = await sql<{ id: string; description: string; scope: unknown; created_at: string; expires_at: string | null; client_name: string | null; token_fingerprint: string | null }>`SELECT id, description, scope, created_at, expires_at, client_name, token_fingerprint FROM oauth_authorizations WHERE connection = ${name} ORDER BY created_at`.execute(hw.store.db);
  const now = Date.now();
  return {
    readable: true,
    reason: null,
    authorizations: rows.map((row) => {
      const scope = (typeof row.scope === 'string' ? JSON.parse(row.scope) : row.scope) as string[];
      const age = Math.floor((now - Date.parse(row.created_at)) / 86_400_000);
      return {
        id: row.id,
        description: row.description,
        scope,
        created_at: row.created_at,
        age_days: age,
        expires_at: row.expires_at,
        client: row.client_name,
        this_connection: mine !== null && row.token_fingerprint === mine,
        rotate: row.expires_at === null && scope.includes('global') && age > 90,
      };
    }),
  };
}
