import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, InputError, NotFoundError, UnauthenticatedError } from '../errors.js';
import {
  accessTokenById,
  insertAccessToken,
  insertAgentCall,
  listAccessTokens,
  listAgentCalls,
  revokeAccessToken,
  touchAccessToken,
  type AgentCallRow,
} from '../store/access.js';
import { listConnections } from '../store/connections.js';
import { DAY_MS } from '../time.js';
import type { Herowatch } from './herowatch.js';
import type { Scope } from './scope.js';

/**
 * Access tokens herowatch issues for its HTTP doors (the REST API, which
 * takes `read` and `write`, and MCP, which takes `read` or `mcp:read`): `hwat_<id>_<secret>`, the secret 32 random bytes. Only a SHA-256
 * of the secret is stored (a secret this long needs no slow hash: it cannot
 * be guessed, only stolen), compared in constant time. Each token carries
 * its scopes, the connections (and apps) it may see, and an expiry.
 */
export const ACCESS_SCOPES = ['read', 'write', 'mcp:read'] as const;
export type AccessScope = (typeof ACCESS_SCOPES)[number];

const PREFIX = 'hwat_';
const MAX_DAYS = 365;

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export interface IssuedToken {
  id: number;
  /** Shown once, never stored. */
  token: string;
  expiresAt: string | null;
}

export async function createAccessToken(
  hw: Herowatch,
  request: { name: string; scopes: AccessScope[]; connections: string[] | null; apps?: string[] | null; expiresInDays: number | null; now?: Date },
): Promise<IssuedToken> {
  const now = request.now ?? new Date();
  if (!/^[\w .@-]{1,100}$/.test(request.name))
    throw new InputError('HW_ACCESS_TOKEN_INVALID', 'Name the token in up to 100 letters, digits, spaces and ._@- (who or what it is for).');
  if (request.scopes.length === 0 || request.scopes.some((s) => !(ACCESS_SCOPES as readonly string[]).includes(s)))
    throw new InputError('HW_ACCESS_TOKEN_INVALID', `A token's scopes are among ${ACCESS_SCOPES.join(', ')}.`);
  if (request.expiresInDays !== null && (!Number.isInteger(request.expiresInDays) || request.expiresInDays < 1 || request.expiresInDays > MAX_DAYS)) {
    throw new InputError('HW_ACCESS_TOKEN_INVALID', `A token expires in 1 to ${MAX_DAYS} days (or never, if you must).`);
  }
  if (request.connections !== null) {
    const known = new Set((await listConnections(hw.store)).map((c) => c.name));
    const unknown = request.connections.filter((c) => !known.has(c));
    if (unknown.length > 0)
      throw new NotFoundError('HW_CONNECTION_UNKNOWN', `There is no connection ${unknown.map((c) => `"${c}"`).join(', ')}.`, {
        remedy: { do: 'list', what: 'connections' },
      });
  }
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = request.expiresInDays === null ? null : new Date(now.getTime() + request.expiresInDays * DAY_MS).toISOString();
  const id = await insertAccessToken(hw.store, {
    name: request.name,
    secret_hash: hash(secret),
    scopes: request.scopes,
    connections: request.connections,
    apps: request.apps ?? null,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  return { id, token: `${PREFIX}${id}_${secret}`, expiresAt };
}

/** The token of an `Authorization: Bearer <token>` header, if it is one. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
}

/** Who presents `token`, and what they may see; anything else is UnauthenticatedError (401), with one message for every reason a token fails but expiry and revocation. */
/** A valid token without the scope asked for: known, but not allowed (403, not 401). */
export class InsufficientScope extends ForbiddenError {
  constructor(
    message: string,
    readonly scope: AccessScope,
  ) {
    super('HW_INSUFFICIENT_SCOPE', message, { remedy: { do: 'create-access-token', scope } });
  }
}

export async function authenticate(
  hw: Herowatch,
  token: string | undefined,
  accepted: AccessScope | AccessScope[],
  now: Date = new Date(),
): Promise<{ tokenId: number; scope: Scope }> {
  const scopes = [accepted].flat();
  const scope = scopes.join(' or ');
  const refused = new UnauthenticatedError(`An access token with the ${scope} scope is needed, sent as "Authorization: Bearer <token>".`, {
    remedy: { do: 'create-access-token', scope: scopes[0]! },
  });
  const match = token === undefined ? null : /^hwat_(\d{1,12})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw refused;
  const row = await accessTokenById(hw.store, Number(match[1]));
  if (!row) throw refused;
  const presented = Buffer.from(hash(match[2]!), 'hex');
  const stored = Buffer.from(row.secret_hash, 'hex');
  if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) throw refused;
  if (row.revoked_at !== null)
    throw new UnauthenticatedError(`Access token ${row.id} (${row.name}) was revoked.`, { remedy: { do: 'create-access-token', scope: scopes[0]! } });
  if (row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime())
    throw new UnauthenticatedError(`Access token ${row.id} (${row.name}) expired at ${row.expires_at}.`, {
      remedy: { do: 'create-access-token', scope: scopes[0]! },
    });
  if (!scopes.some((s) => row.scopes.includes(s)))
    throw new InsufficientScope(`Access token ${row.id} (${row.name}) is valid but lacks the ${scope} scope this needs.`, scopes[0]!);
  await touchAccessToken(hw.store, row.id, now.toISOString());
  return { tokenId: row.id, scope: { connections: row.connections, apps: row.apps } };
}

/** The tokens issued (never their secrets), with their state at `now`. */
export async function accessTokens(
  hw: Herowatch,
  now: Date = new Date(),
): Promise<
  {
    id: number;
    name: string;
    scopes: string[];
    connections: string[] | null;
    apps: string[] | null;
    created_at: string;
    expires_at: string | null;
    last_used_at: string | null;
    state: 'active' | 'expired' | 'revoked';
  }[]
> {
  return (await listAccessTokens(hw.store)).map(({ secret_hash: _hash, revoked_at, ...row }) => ({
    ...row,
    state: revoked_at !== null ? 'revoked' : row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime() ? 'expired' : 'active',
  }));
}

export async function revokeToken(hw: Herowatch, id: number, now: Date = new Date()): Promise<void> {
  if (!(await accessTokenById(hw.store, id)))
    throw new NotFoundError('HW_ACCESS_TOKEN_UNKNOWN', `There is no access token ${id}.`, { remedy: { do: 'list', what: 'access-tokens' } });
  await revokeAccessToken(hw.store, id, now.toISOString());
}

/** One call an agent made, as the agent audit log keeps it. */
export type AgentCall = Omit<AgentCallRow, 'id'>;

export async function recordAgentCall(hw: Herowatch, call: AgentCall): Promise<void> {
  await insertAgentCall(hw.store, call);
}

export async function agentCalls(hw: Herowatch, filter: { since?: Date; tokenId?: number; limit?: number } = {}): Promise<AgentCallRow[]> {
  return listAgentCalls(hw.store, { since: filter.since?.toISOString(), tokenId: filter.tokenId, limit: filter.limit ?? 100 });
}
