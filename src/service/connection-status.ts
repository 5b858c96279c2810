import { disabledStatus, testConnection, type ConnectionStatus } from '../connections/status.js';
import { InputError } from '../errors.js';
import { rotationDue } from '../compliance/checks/oauth-authorization-rotated.js';
import { tokenFingerprint } from '../heroku/sanitize.js';
import { listConnections, updateConnection, type ConnectionRecord } from '../store/connections.js';
import { readDataset } from '../store/datasets.js';
import { runCoverage } from '../store/runs.js';
import { apiOrigin } from '../vault/vault.js';
import type { Herowatch } from './herowatch.js';
import { requireSynced } from './policy.js';
import { connectionToken, requireConnection } from './connections.js';
import { testClient, type TestClientOptions } from './connect.js';

/*
 * How each connection stands: tested now or as last tested, with the
 * diagnosis in words, and the hygiene of the account's OAuth tokens.
 */

/**
 * Each connection's status (or the named one's): tested now, or as last
 * tested. A connection without a stored token is tested with HEROKU_API_KEY
 * when that was given for its API.
 */
export async function connectionStatuses(hw: Herowatch, options: { name?: string; test: boolean }): Promise<ConnectionStatus[]> {
  const connections = options.name ? [await requireConnection(hw.store, options.name)] : await listConnections(hw.store);
  if (connections.length === 0) throw new InputError('HW_NO_CONNECTIONS', 'There are no connections yet.', { remedy: { do: 'connect' } });
  const statuses: ConnectionStatus[] = [];
  for (const connection of connections) {
    if (options.test) {
      statuses.push(await checkConnection(hw, connection.name, { token: hw.config.herokuApiKey?.token, tokenApiUrl: hw.config.herokuApiKey?.apiUrl }));
      continue;
    }
    const status = lastStatus(connection);
    if (!status)
      throw new InputError('HW_CONNECTION_NOT_TESTED', `Connection "${connection.name}" has not been tested yet.`, {
        remedy: { do: 'test-connection', connection: connection.name },
      });
    statuses.push(status);
  }
  return statuses;
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
      'HW_TOKEN_WRONG_API',
      `Connection "${name}" is for ${apiOrigin(connection.api_url)} and has no stored token; HEROKU_API_KEY is for ${apiOrigin(options.tokenApiUrl)} and is sent nowhere else.`,
      { remedy: { do: 'reconnect', connection: name } },
    );
  }
  const token = stored ?? options.token;
  if (!token) throw new InputError('HW_CONNECTION_NO_TOKEN', `Connection "${name}" has no stored token.`, { remedy: { do: 'reconnect', connection: name } });
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
  const connection = requireSynced(await requireConnection(hw.store, name));
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
