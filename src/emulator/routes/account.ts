import { errors } from '../http/errors.js';
import { ecoQuotaJson } from '../representations/apps.js';
import { accountJson, authorizationJson } from '../representations/people.js';
import { SCOPES, type Scope } from '../scenario/types.js';
import type { Json } from '../representations/context.js';
import { isExpired } from '../http/auth.js';
import { DAY_MS, isoSeconds } from '../world/time.js';
import { randomUUID } from 'node:crypto';
import { featureJson } from '../representations/catalog.js';
import { ACCOUNT_FEATURES } from '../world/catalog.js';
import { deriveHex } from '../world/ids.js';
import { byIdentity, requireSelf } from './lookup.js';
import { get, type RouteContext, type RouteSpec } from './route.js';
import type { Token } from '../world/types.js';

/** The viewer's authorizations that still work; revoked and expired ones are gone. */
function liveTokens(ctx: RouteContext): Token[] {
  return ctx.viewer.tokens.filter((t) => !t.revoked && !isExpired(t, ctx.world.now()));
}

function authorizationFor(ctx: RouteContext): Token {
  const identity = ctx.params.authorization!.toLowerCase();
  const tokens = liveTokens(ctx);
  const token = identity === '~' ? tokens.find((t) => t.kind === 'api-key') : tokens.find((t) => t.id === identity);
  if (!token) throw errors.notFound('authorization');
  return token;
}

/** When a delinquent account is suspended, then deleted, as Heroku schedules it after an unpaid invoice. */
export function delinquencyJson(delinquentAt: string | null): Json {
  const from = delinquentAt ? Date.parse(delinquentAt) : null;
  return {
    scheduled_suspension_time: from === null ? null : isoSeconds(new Date(from + 30 * DAY_MS)),
    scheduled_deletion_time: from === null ? null : isoSeconds(new Date(from + 60 * DAY_MS)),
  };
}

const accountFeatures = (ctx: RouteContext) => ACCOUNT_FEATURES.map((f) => featureJson(f, ctx.viewer, f.name === 'account-verification'));

export const accountRoutes: RouteSpec[] = [
  get('/account/features', 'identity', (ctx) => ({ list: accountFeatures(ctx) })),
  get('/account/features/:feature', 'identity', (ctx) => {
    const feature = byIdentity(accountFeatures(ctx) as { id: string; name: string }[], ctx.params.feature!, (f) => f.name);
    if (!feature) throw errors.notFound('feature');
    return { json: feature };
  }),
  get('/account/delinquency', 'identity', (ctx) => ({ json: delinquencyJson(ctx.viewer.delinquentAt) })),
  get('/account/invoice-address', 'identity', (ctx) => ({
    json: {
      address_1: '',
      address_2: '',
      city: '',
      country: '',
      heroku_id: `user${deriveHex(8, 'heroku-id', ctx.viewer.id)}@heroku.com`,
      other: '',
      postal_code: '',
      state: '',
      use_invoice_address: false,
    },
  })),
  get('/users/:user/sms-number', 'identity', (ctx) => {
    requireSelf(ctx);
    return { json: { sms_number: null } };
  }),
  get('/users/:user/preferences', 'identity', (ctx) => {
    requireSelf(ctx);
    return {
      json: {
        timezone: null,
        'default-organization': null,
        'dismissed-github-banner': null,
        'dismissed-getting-started': null,
        'dismissed-org-access-controls': null,
        'dismissed-org-wizard-notification': null,
        'dismissed-pipelines-banner': null,
        'dismissed-pipelines-github-banner': null,
        'dismissed-pipelines-github-banners': [],
        'dismissed-sms-banner': null,
      },
    };
  }),
  get('/account', 'identity', (ctx) => ({ json: accountJson(ctx.viewer) })),
  get('/users/:user', 'identity', (ctx) => {
    requireSelf(ctx);
    return { json: accountJson(ctx.viewer) };
  }),
  get(
    '/accounts/:user/actions/get-quota',
    'identity',
    (ctx) => {
      requireSelf(ctx);
      const quota = ecoQuotaJson(ctx.viewer, ctx.world.now());
      if (!quota) throw errors.notFound('quota');
      return { json: quota };
    },
    { cacheable: false },
  ),
  get('/account/rate-limits', 'identity', (ctx) => ({ json: { remaining: ctx.rateLimitRemaining() } }), { costs: false }),
  get('/oauth/authorizations', 'global', (ctx) => ({ list: liveTokens(ctx).map((t) => authorizationJson(t, ctx)) }), { cacheable: false }),
  get('/oauth/authorizations/:authorization', 'global', (ctx) => ({ json: authorizationJson(authorizationFor(ctx), ctx) })),
  {
    method: 'POST',
    path: '/oauth/authorizations',
    access: 'global',
    handler: (ctx) => {
      const body = (ctx.body ?? {}) as { description?: unknown; scope?: unknown; expires_in?: unknown };
      const scope = body.scope ?? ['global'];
      if (!Array.isArray(scope) || scope.length === 0 || !scope.every((s) => SCOPES.includes(s as Scope))) {
        throw errors.invalidParams(`Scope must be a list of: ${SCOPES.join(', ')}.`);
      }
      if (body.expires_in !== undefined && body.expires_in !== null && (!Number.isInteger(body.expires_in) || (body.expires_in as number) <= 0)) {
        throw errors.invalidParams('Expires in must be a positive number of seconds.');
      }
      if (body.description !== undefined && typeof body.description !== 'string') throw errors.invalidParams('Description must be a string.');
      const now = isoSeconds(ctx.world.now());
      const value = `HRKU-${randomUUID()}`;
      const token: Token = {
        id: randomUUID(),
        accessTokenId: randomUUID(),
        token: value,
        user: ctx.viewer,
        kind: 'authorization',
        scope: scope as Scope[],
        description: (body.description as string | undefined) ?? '',
        createdAt: now,
        updatedAt: now,
        expiresIn: (body.expires_in as number | null | undefined) ?? null,
        revoked: false,
        given: {},
      };
      ctx.world.tokens.set(value, token);
      ctx.viewer.tokens.push(token);
      ctx.changed();
      return { json: authorizationJson(token, ctx), status: 201 };
    },
  },
  {
    method: 'DELETE',
    path: '/oauth/authorizations/:authorization',
    access: 'global',
    handler: (ctx) => {
      const token = authorizationFor(ctx);
      const json = authorizationJson(token, ctx);
      token.revoked = true;
      ctx.changed();
      return { json };
    },
  },
];
