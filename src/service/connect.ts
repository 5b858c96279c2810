import { disabledStatus, testConnection, type ConnectionStatus } from '../connections/status.js';
import { InputError } from '../errors.js';
import { HerokuClient, type HerokuClientOptions } from '../heroku/client.js';
import { activateConnection, deleteConnection, disableConnection, findConnection, listConnections } from '../store/connections.js';
import { credentialSaver, deleteCredential, rotateMasterKey, type RotationResult } from '../vault/credentials.js';
import { apiOrigin } from '../vault/vault.js';
import type { Herowatch } from './herowatch.js';
import { checkConnectionName, connectionToken, ensureConnection, keySource, requireConnection } from './connections.js';

/*
 * Connecting an account, and letting it go: a token is tried against Heroku
 * before anything is stored, stored encrypted and bound to its API, and
 * deleted on disconnect (with the history, when asked); and the master key
 * that encrypts every stored token, rotated.
 */

/** Re-encrypts every stored credential under a new master key (see vault/credentials.ts). */
export async function rotateVaultKey(hw: Herowatch, newKey?: { name: string; value: string | undefined }): Promise<RotationResult> {
  return rotateMasterKey(hw.store, keySource(hw), newKey);
}

/** A token Heroku will not accept: nothing was stored. */
export class ConnectionRefused extends InputError {
  constructor(readonly status: ConnectionStatus) {
    const [diagnosis] = status.diagnoses;
    super(
      'HW_CONNECTION_REFUSED',
      `${diagnosis?.message ?? 'The token does not work.'}${diagnosis?.fix ? `\n  fix: ${diagnosis.fix}` : ''}\nNothing was stored.`,
    );
  }
}

export interface ConnectRequest {
  name: string;
  token: string;
  apiUrl: string;
  enterprise?: string | null;
  client?: TestClientOptions;
}

export type TestClientOptions = Pick<HerokuClientOptions, 'rateLimit' | 'send' | 'timeoutMs'>;

/**
 * A client for the connection test. Asked for by a person, the test's dozen
 * requests run even when the pool is low (that is one of its diagnoses), so
 * without a reserve; after a sync, the sync's reserve is kept.
 */
export function testClient(token: string, apiUrl: string, options?: TestClientOptions, keepReserve = false): HerokuClient {
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
  if (missingEnterprise) throw new InputError('HW_CONNECTION_REFUSED', `${missingEnterprise.message} Nothing was saved. ${missingEnterprise.fix}`);
  if (existing?.account_id && existing.account_id !== status.account!.id) {
    throw new InputError(
      'HW_CONNECTION_OTHER_ACCOUNT',
      `Connection "${request.name}" holds the inventory of ${existing.account_email}, but this token belongs to ${status.account!.email}. Use another connection name, or delete this one with its history first.`,
      { remedy: { do: 'purge', connection: request.name } },
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

/**
 * A token from the environment goes only to the API it was given for: a
 * connection pointing elsewhere (or --api-url) does not receive it.
 */
export function refuseTokenElsewhere(givenFor: string, target: string, connection: string): void {
  if (apiOrigin(givenFor) === apiOrigin(target)) return;
  throw new InputError(
    'HW_TOKEN_WRONG_API',
    `HEROKU_API_KEY is for ${apiOrigin(givenFor)} (HEROKU_HOST), but connection "${connection}" is for ${apiOrigin(target)}; herowatch sends a token only to the API it was given for. Set HEROKU_HOST to ${apiOrigin(target)}, or connect the connection with its own token.`,
    { remedy: { do: 'reconnect', connection } },
  );
}
