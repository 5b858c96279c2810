import type { AccessLevel } from '../http/auth.js';
import type { Json, RepresentContext } from '../representations/context.js';
import type { Token } from '../world/types.js';

export interface RouteContext extends RepresentContext {
  token: Token;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  /** `Accept-Expansion` fields, e.g. `addon_service`, `plan`. */
  expansions: string[];
  /** `Accept-Inclusion` fields, e.g. `addon:plan`, `config_vars` (attachments). */
  inclusions: string[];
  /** Rate-limit tokens the viewer's account has left. */
  rateLimitRemaining(): number;
  /** Call after changing the world, so cached lists are rebuilt. */
  changed(): void;
}

export type RouteResult =
  /** A collection: sorted and cut by the Range header. */
  | { list: Json[] }
  /** A body served as it is (objects, and the few arrays Heroku does not paginate). */
  | { json: Json | Json[]; status?: number };

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify path pattern, e.g. `/apps/:app/domains`. */
  path: string;
  access: AccessLevel;
  handler(ctx: RouteContext): RouteResult;
  /** Sortable fields, where the schema's link names none. */
  ranges?: string[];
  /** False when the answer changes with time alone (token expiry), so it must not be cached. */
  cacheable?: boolean;
  /** False for requests that do not count against the rate limit. */
  costs?: boolean;
}

export const get = (path: string, access: AccessLevel, handler: RouteSpec['handler'], extra: Partial<RouteSpec> = {}): RouteSpec => ({
  method: 'GET',
  path,
  access,
  handler,
  ...extra,
});
