import { errors } from '../http/errors.js';
import { addonFor } from './addons.js';
import { appFor, enterpriseFor, teamFor } from './lookup.js';
import { pipelineFor } from './platform.js';
import { get, type RouteContext, type RouteSpec } from './route.js';

/**
 * Resources no emulated world holds (the scenario format has no place for
 * them): each list answers empty, each single one "not found", after the
 * resource the path names (app, team, add-on...) is checked as Heroku checks
 * it. Private Spaces are among them: a world has none, so every path under
 * `/spaces/{space}` is a space that does not exist.
 */
const none = (path: string, parent: (ctx: RouteContext) => unknown, extra: Partial<RouteSpec> = {}): RouteSpec =>
  get(
    path,
    'read',
    (ctx) => {
      parent(ctx);
      return { list: [] };
    },
    extra,
  );

/**
 * Metered add-on usage (beyond the schema; `heroku usage:addons` reads it,
 * with `version=3.sdk`): no add-on in a world is metered, so there is none.
 */
const noUsage = (path: string, parent: (ctx: RouteContext) => unknown, key: 'addons' | 'apps'): RouteSpec =>
  get(path, 'read', (ctx) => {
    parent(ctx);
    return { json: { [key]: [] } };
  });

const missing = (path: string, resource: string, parent: (ctx: RouteContext) => unknown, noun?: string): RouteSpec =>
  get(path, 'read', (ctx) => {
    parent(ctx);
    throw errors.notFound(resource, noun);
  });

const anyone = (): void => {};
const app = (ctx: RouteContext): unknown => appFor(ctx);
const team = (ctx: RouteContext): unknown => teamFor(ctx);
const addon = (ctx: RouteContext): unknown => addonFor(ctx);
const pipeline = (ctx: RouteContext): unknown => pipelineFor(ctx);
const noSpace = (): never => {
  throw errors.notFound('space');
};

/** The webhooks of an app or an add-on, their events and their deliveries: none. */
const webhooks = (prefix: string, parent: (ctx: RouteContext) => unknown, owner: 'app' | 'addon'): RouteSpec[] => [
  none(`${prefix}/webhooks`, parent),
  missing(`${prefix}/webhooks/:webhook`, `${owner}_webhook`, parent, 'webhook'),
  none(`${prefix}/webhook-events`, parent),
  missing(`${prefix}/webhook-events/:event`, `${owner}_webhook_event`, parent, 'webhook event'),
  // The CLI pages deliveries by `seq` (their sequence number), a field the schema does not list.
  none(`${prefix}/webhook-deliveries`, parent, { ranges: ['id', 'seq', 'created_at'] }),
  missing(`${prefix}/webhook-deliveries/:delivery`, `${owner}_webhook_delivery`, parent, 'webhook delivery'),
];

export const absentRoutes: RouteSpec[] = [
  // The account's billing and keys.
  none('/account/keys', anyone),
  missing('/account/keys/:key', 'key', anyone, 'SSH key'),
  none('/account/credits', anyone),
  missing('/account/credits/:credit', 'credit', anyone),
  none('/account/invoices', anyone),
  missing('/account/invoices/:invoice', 'invoice', anyone),
  none('/account/app-transfers', anyone),
  missing('/account/app-transfers/:transfer', 'app_transfer', anyone, 'app transfer'),
  none('/oauth/sessions', anyone),
  missing('/oauth/sessions/:session', 'oauth_session', anyone, 'OAuth session'),
  none('/oauth/clients', anyone),
  missing('/oauth/clients/:client', 'oauth_client', anyone, 'OAuth client'),
  missing('/app-setups/:setup', 'app_setup', anyone, 'app setup'),

  // App webhooks, telemetry, review apps.
  ...webhooks('/apps/:app', app, 'app'),
  none('/apps/:app/telemetry-drains', app),
  missing('/telemetry-drains/:drain', 'telemetry_drain', anyone, 'telemetry drain'),
  missing('/apps/:app/review-app', 'review_app', app, 'review app'),
  missing('/review-apps/:review', 'review_app', anyone, 'review app'),

  // Add-on webhooks and drains, and provider config.
  none('/addons/:addon/config', addon),
  ...webhooks('/addons/:addon', addon, 'addon'),
  none('/addons/:addon/log-drains', addon),

  // Teams' billing, invitations, allow-lists and spaces.
  none('/teams/:team/invoices', team),
  missing('/teams/:team/invoices/:invoice', 'invoice', team),
  noUsage('/apps/:app/usage', app, 'addons'),
  noUsage(
    '/teams/:team/apps/:app/usage',
    (ctx) => {
      teamFor(ctx);
      appFor(ctx);
    },
    'addons',
  ),
  noUsage('/teams/:team/usage', team, 'apps'),
  none('/teams/:team/usage/daily', team),
  none('/teams/:team/usage/monthly', team),
  none('/teams/:team/allowed-addon-services', team),
  none('/teams/:team/spaces', team),
  missing('/teams/invitations/:token', 'team_invitation', anyone, 'invitation'),
  none('/enterprise-accounts/:enterprise/usage/daily', (ctx) => enterpriseFor(ctx, 'billing')),
  none('/enterprise-accounts/:enterprise/usage/monthly', (ctx) => enterpriseFor(ctx, 'billing')),

  // Pipelines: CI, review apps, promotions.
  none('/pipelines/:pipeline/review-apps', pipeline),
  missing('/pipelines/:pipeline/review-app-config', 'review_app_config', pipeline, 'review app config'),
  // The CLI asks for the latest run by `number` (`heroku ci:last`).
  none('/pipelines/:pipeline/test-runs', pipeline, { ranges: ['id', 'number', 'created_at'] }),
  missing('/pipelines/:pipeline/test-runs/:number', 'test_run', pipeline, 'test run'),
  missing('/test-runs/:run', 'test_run', anyone, 'test run'),
  missing('/test-runs/:run/test-cases', 'test_run', anyone, 'test run'),
  missing('/test-runs/:run/test-nodes', 'test_run', anyone, 'test run'),
  missing('/pipeline-promotions/:promotion', 'pipeline_promotion', anyone, 'pipeline promotion'),
  missing('/pipeline-promotions/:promotion/promotion-targets', 'pipeline_promotion', anyone, 'pipeline promotion'),

  // Private Spaces.
  none('/spaces', anyone),
  ...[
    '/spaces/:space',
    '/spaces/:space/inbound-ruleset',
    '/spaces/:space/inbound-rulesets',
    '/spaces/:space/inbound-rulesets/:ruleset',
    '/spaces/:space/members',
    '/spaces/:space/members/:member',
    '/spaces/:space/nat',
    '/spaces/:space/peering-info',
    '/spaces/:space/peerings',
    '/spaces/:space/peerings/:peering',
    '/spaces/:space/dynos',
    '/spaces/:space/log-drain',
    '/spaces/:space/hosts',
    '/spaces/:space/telemetry-drains',
    '/spaces/:space/topology',
    '/spaces/:space/vpn-connections',
    '/spaces/:space/vpn-connections/:connection',
  ].map((path) => get(path, 'read', noSpace)),
];
