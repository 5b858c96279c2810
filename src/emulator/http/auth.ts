import type { Scope } from '../scenario/types.js';
import type { Token, World } from '../world/types.js';
import { errors } from './errors.js';

/**
 * What a route needs from the token's OAuth scope:
 * - `identity`: account information, which every scope may read;
 * - `read`: apps and resources, not protected data;
 * - `read-protected`: config vars and other protected data;
 * - `write`: changes to apps and resources;
 * - `global`: the account's credentials (OAuth authorizations).
 */
export type AccessLevel = 'identity' | 'read' | 'read-protected' | 'write' | 'global';

export const ACCEPTED_SCOPES: Record<AccessLevel, Scope[]> = {
  identity: ['global', 'identity', 'read', 'write', 'read-protected', 'write-protected'],
  read: ['global', 'read', 'write', 'read-protected', 'write-protected'],
  'read-protected': ['global', 'read-protected', 'write-protected'],
  write: ['global', 'write', 'write-protected'],
  global: ['global'],
};

/**
 * The token in an Authorization header: `Bearer <token>`, or Basic with the
 * token as password (any user part: heroku-client sends an empty one).
 */
export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return null;
  if (scheme!.toLowerCase() === 'bearer') return value;
  if (scheme!.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(colon + 1);
  }
  return null;
}

/** The live token for a header, or the 401/403 Heroku would answer. */
export function authenticate(world: World, header: string | undefined): Token {
  const value = tokenFromHeader(header);
  const token = value === null ? undefined : world.tokens.get(value);
  if (!token || token.revoked || isExpired(token, world.now())) throw errors.unauthorized();
  if (token.user.suspendedAt && Date.parse(token.user.suspendedAt) <= world.now().getTime()) throw errors.suspended();
  return token;
}

export function isExpired(token: Token, now: Date): boolean {
  return token.expiresIn !== null && Date.parse(token.createdAt) + token.expiresIn * 1000 <= now.getTime();
}

export function checkScope(token: Token, level: AccessLevel): void {
  const accepted = ACCEPTED_SCOPES[level];
  if (!token.scope.some((scope) => accepted.includes(scope))) throw errors.scope();
}
