import { disabledStatus, testConnection, type ConnectionStatus } from '../connections/status.js';
import { InputError, NotFoundError } from '../errors.js';
import { rotationDue } from '../compliance/checks/oauth-authorization-rotated.js';
import { HerokuClient, type HerokuClientOptions } from '../heroku/client.js';
import { tokenFingerprint } from '../heroku/sanitize.js';
import {
  activateConnection,
  deleteConnection,
  disableConnection,
  findConnection,
  insertConnection,
  listConnections,
  updateConnection,
  type ConnectionRecord,
} from '../store/connections.js';
import { readDataset } from '../store/datasets.js';
import { runCoverage } from '../store/runs.js';
import type { Store } from '../store/database.js';
import { credentialSaver, deleteCredential, readCredential, rotateMasterKey, type KeySource, type RotationResult } from '../vault/credentials.js';
import { apiOrigin } from '../vault/vault.js';
import type { Herowatch } from './herowatch.js';

/** Connection names: what people type after --connection. */
export function checkConnectionName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(name)) {
    throw new InputError(`"${name}" is not a valid connection name: use letters, digits, - and _ (up to 63), starting with a letter or digit.`);
  }
  return name;
}

export { findConnection, listConnections, type ConnectionRecord };

export async function requireConnection(store: Store, name: string): Promise<ConnectionRecord> {
  const connection = await findConnection(store, name);
  if (!connection) {
    const names = (await listConnections(store)).map((c) => c.name);
    throw new NotFoundError(
      `There is no connection "${name}"${names.length ? ` (connections: ${names.join(', ')})` : ''}; create it with: herowatch connect --name ${name} --token-stdin`,
    );
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
    throw new NotFoundError('There is no connection yet: connect one (herowatch connect --name NAME --token-stdin) or sync with HEROKU_API_KEY.');
  throw new InputError(
    `Which connection? Give --connection NAME (${connections.map((c) => `${c.name}${c.state === 'active' ? '' : ' (disconnected)'}`).join(', ')}).`,
  );
}

/**
 * Each connection's status (or the named one's): tested now, or as last
 * tested. A connection without a stored token is tested with HEROKU_API_KEY
 * when that was given for its API.
 */
export async function connectionStatuses(hw: Herowatch, options: { name?: string; test: boolean }): Promise<ConnectionStatus[]> {
  const connections = options.name ? [await requireConnection(hw.store, options.name)] : await listConnections(hw.store);
  if (connections.length === 0) throw new NotFoundError('There are no connections yet: herowatch connect --name NAME --token-stdin');
  const statuses: ConnectionStatus[] = [];
  for (const connection of connections) {
    if (options.test) {
      statuses.push(await checkConnection(hw, connection.name, { token: hw.config.herokuApiKey?.token, tokenApiUrl: hw.config.herokuApiKey?.apiUrl }));
      continue;
    }
    const status = lastStatus(connection);
    if (!status) throw new InputError(`Connection "${connection.name}" has not been tested yet; run herowatch status ${connection.name}`);
    statuses.push(status);
  }
  return statuses;
}

/** Re-encrypts every stored credential under a new master key (see vault/credentials.ts). */
export async function rotateVaultKey(hw: Herowatch, newKey?: { name: string; value: string | undefined }): Promise<RotationResult> {
  return rotateMasterKey(hw.store, keySource(hw), newKey);
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
export async function connect(
  hw: Herowatch,
  request: ConnectRequest,
): Promise<{ status: ConnectionStatus; created: boolean; reenabled: boolean; reactivatedApps: number; warnings: string[] }> {
  checkConnectionName(request.name);
  const existing = await findConnection(hw.store, request.name);
  const enterprise = request.enterprise === undefined ? (existing?.enterprise ?? null) : request.enterprise;
  const status = await testConnection(testClient(request.token, request.apiUrl, request.client), {
    connection: request.name,
    apiUrl: request.apiUrl,
    token: request.token,
    enterprise,
    pool: request.client?.rateLimit?.poolSize,
  });
  if (status.state === 'failing') throw new ConnectionRefused(status);
  const missingEnterprise = request.enterprise ? status.diagnoses.find((d) => d.code === 'enterprise-not-found') : undefined;
  if (missingEnterprise) throw new InputError(`${missingEnterprise.message} Nothing was saved. ${missingEnterprise.fix}`);
  if (existing?.account_id && existing.account_id !== status.account!.id) {
    throw new InputError(
      `Connection "${request.name}" holds the inventory of ${existing.account_email}, but this token belongs to ${status.account!.email}. Use another connection name, or delete this one and its history first: herowatch disconnect ${request.name} --purge`,
    );
  }
  // The key is checked before anything is written, so that a refusal (no key, the wrong key) leaves nothing behind.
  const save = await credentialSaver(hw.store, keySource(hw));
  const connection = await ensureConnection(hw.store, request.name, request.apiUrl);
  const reenabled = connection.state === 'disabled';
  try {
    await save(connection, request.token);
    const reactivatedApps = await activateConnection(
      hw.store,
      connection.id,
      {
        enterprise,
        account_id: status.account!.id,
        account_email: status.account!.email,
        last_status: JSON.stringify(status),
        last_tested_at: status.tested_at,
      },
      new Date(),
      reenabled ? connection.disabled_at : null,
    );
    // A second connection to one account counts everything twice (apps, findings, evidence): allowed (two tokens of different scopes), but said.
    const twins = (await listConnections(hw.store))
      .filter((c) => c.name !== request.name && c.account_id === status.account!.id && c.state === 'active')
      .map((c) => c.name);
    const warnings =
      twins.length === 0
        ? []
        : [
            `${status.account!.email} is also connected as ${twins.map((t) => `"${t}"`).join(', ')}: both are synced, so every count (apps, findings, evidence) holds this account twice. To replace a token, connect again under the same name instead.`,
          ];
    return { status, created: !existing, reenabled, reactivatedApps, warnings };
  } catch (error) {
    if (!existing) await deleteConnection(hw.store, connection.id);
    throw error;
  }
}

/**
 * Tests a token as `connect` would, storing nothing: the dashboard's "Test
 * connection" before the account is connected.
 */
export async function tryToken(hw: Herowatch, request: Omit<ConnectRequest, 'client'> & { client?: TestClientOptions }): Promise<ConnectionStatus> {
  checkConnectionName(request.name);
  const existing = await findConnection(hw.store, request.name);
  const enterprise = request.enterprise === undefined ? (existing?.enterprise ?? null) : request.enterprise;
  return testConnection(testClient(request.token, request.apiUrl, request.client), {
    connection: request.name,
    apiUrl: request.apiUrl,
    token: request.token,
    enterprise,
    pool: request.client?.rateLimit?.poolSize,
  });
}

/** How the stored token is shown: its last four characters, never more; null when none is stored. */
export async function storedTokenHint(hw: Herowatch, name: string): Promise<string | null> {
  const token = await connectionToken(hw, await requireConnection(hw.store, name));
  return token === null ? null : `…${token.slice(-4)}`;
}

/**
 * Disconnects: deletes the credentials, deactivates the monitored apps and
 * stops scheduled work, keeping the inventory and its history. With `purge`,
 * the connection and everything collected through it are deleted.
 */
export async function disconnect(
  hw: Herowatch,
  name: string,
  options: { purge?: boolean } = {},
): Promise<{ credentialDeleted: boolean; appsDeactivated: number; purged: boolean; alreadyDisconnectedAt: string | null }> {
  const connection = await requireConnection(hw.store, name);
  if (options.purge) {
    const credentialDeleted = await deleteCredential(hw.store, connection.id);
    await deleteConnection(hw.store, connection.id);
    return { credentialDeleted, appsDeactivated: 0, purged: true, alreadyDisconnectedAt: null };
  }
  // Disconnecting again changes nothing: the apps deactivated the first time are the ones a reconnect resumes.
  if (connection.state === 'disabled') return { credentialDeleted: false, appsDeactivated: 0, purged: false, alreadyDisconnectedAt: connection.disabled_at };
  const result = await disableConnection(hw.store, connection.id, JSON.stringify(disabledStatus(name, connection.api_url)), new Date());
  return { ...result, purged: false, alreadyDisconnectedAt: null };
}

/** The stored token of a connection, decrypted (null when it has none). */
export async function connectionToken(hw: Herowatch, connection: ConnectionRecord): Promise<string | null> {
  return readCredential(hw.store, keySource(hw), connection);
}

/**
 * Tests a connection now with its stored token (or the token given, for
 * connections synced from HEROKU_API_KEY) and records the result.
 */
export async function checkConnection(
  hw: Herowatch,
  name: string,
  options: { token?: string; tokenApiUrl?: string; client?: TestClientOptions; keepReserve?: boolean; now?: Date } = {},
): Promise<ConnectionStatus> {
  const connection = await requireConnection(hw.store, name);
  if (connection.state === 'disabled') return disabledStatus(name, connection.api_url);
  const stored = await connectionToken(hw, connection);
  if (!stored && options.token && options.tokenApiUrl && apiOrigin(options.tokenApiUrl) !== apiOrigin(connection.api_url)) {
    throw new InputError(
      `Connection "${name}" is for ${apiOrigin(connection.api_url)} and has no stored token; HEROKU_API_KEY is for ${apiOrigin(options.tokenApiUrl)} and is sent nowhere else. Connect it: herowatch connect --name ${name} --token-stdin`,
    );
  }
  const token = stored ?? options.token;
  if (!token) throw new InputError(`Connection "${name}" has no stored token; connect it with: herowatch connect --name ${name} --token-stdin`);
  const status = await testConnection(testClient(token, connection.api_url, options.client, options.keepReserve), {
    connection: name,
    apiUrl: connection.api_url,
    token,
    enterprise: connection.enterprise,
    pool: options.client?.rateLimit?.poolSize,
    now: options.now,
  });
  await updateConnection(hw.store, connection.id, { last_status: JSON.stringify(status), last_tested_at: status.tested_at });
  return status;
}

export function lastStatus(connection: ConnectionRecord): ConnectionStatus | null {
  return connection.last_status ? (JSON.parse(connection.last_status) as ConnectionStatus) : null;
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
  /** Due for rotation: never expires and is older than the token_max_age_days setting (the oauth_authorization_rotated check's rule). */
  rotate: boolean;
}

/**
 * The account's OAuth authorizations as of the last sync: age, scope,
 * expiry. Heroku does not report when a token was last used.
 */
export async function tokenHygiene(hw: Herowatch, name: string): Promise<{ readable: boolean; reason: string | null; authorizations: AuthorizationHygiene[] }> {
  const connection = await requireConnection(hw.store, name);
  if (connection.last_complete_run === null)
    throw new InputError(`Connection "${name}" has not been synced yet: run herowatch sync --connection ${name} first.`);
  const gap = (await runCoverage(hw.store, connection.last_complete_run)).find((c) => c.resource === 'oauth_authorizations' && c.parent_key === '');
  if (gap && gap.status !== 'ok') return { readable: false, reason: gap.reason, authorizations: [] };
  const token = connection.state === 'active' ? await connectionToken(hw, connection).catch(() => null) : null;
  const mine = token ? tokenFingerprint(token) : null;
  const { rows } = await readDataset(hw.store, 'oauth_authorizations', {
    connection: name,
    columns: ['id', 'description', 'scope', 'created_at', 'expires_at', 'client_name', 'token_fingerprint'],
    orderBy: ['created_at'],
  });
  const now = new Date();
  return {
    readable: true,
    reason: null,
    authorizations: rows.map((row) => {
      const authorization = row as {
        id: string;
        description: string;
        scope: string[] | null;
        created_at: string;
        expires_at: string | null;
        client_name: string | null;
        token_fingerprint: string | null;
      };
      const { ageDays, due } = rotationDue(authorization, now, hw.config.settings.compliance.token_max_age_days);
      return {
        id: authorization.id,
        description: authorization.description,
        scope: authorization.scope ?? [],
        created_at: authorization.created_at,
        age_days: ageDays,
        expires_at: authorization.expires_at,
        client: authorization.client_name,
        this_connection: mine !== null && authorization.token_fingerprint === mine,
        rotate: due,
      };
    }),
  };
}

/**
 * A token from the environment goes only to the API it was given for: a
 * connection pointing elsewhere (or --api-url) does not receive it.
 */
export function refuseTokenElsewhere(givenFor: string, target: string, connection: string): void {
  if (apiOrigin(givenFor) === apiOrigin(target)) return;
  throw new InputError(
    `HEROKU_API_KEY is for ${apiOrigin(givenFor)} (HEROKU_HOST), but connection "${connection}" is for ${apiOrigin(target)}; herowatch sends a token only to the API it was given for. Set HEROKU_HOST to ${apiOrigin(target)}, or connect the connection with its own token (herowatch connect --name ${connection} --token-stdin).`,
  );
}
