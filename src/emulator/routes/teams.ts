import { errors } from '../http/errors.js';
import { addonJson } from '../representations/addons.js';
import { teamFeatureJson, teamJson, teamMemberJson } from '../representations/people.js';
import { couplingJson } from '../representations/platform.js';
import { APP_PERMISSIONS } from '../world/catalog.js';
import { byIdentity, teamFor } from './lookup.js';
import { get, type RouteSpec } from './route.js';

export const teamRoutes: RouteSpec[] = [
  get('/teams', 'read', (ctx) => ({ list: ctx.viewer.teamMemberships.map((m) => teamJson(m.team, ctx)) })),
  get('/teams/permissions', 'read', () => ({ json: APP_PERMISSIONS.map((p) => ({ ...p })) })),
  get('/teams/:team', 'read', (ctx) => ({ json: teamJson(teamFor(ctx), ctx) })),
  get('/teams/:team/members', 'read', (ctx) => ({ list: teamFor(ctx).members.map(teamMemberJson) })),
  get('/teams/:team/features', 'read', (ctx) => ({ list: teamFor(ctx).features.map(teamFeatureJson) })),
  get('/teams/:team/features/:feature', 'read', (ctx) => {
    const feature = byIdentity(teamFor(ctx).features, ctx.params.feature!, (f) => f.name);
    if (!feature) throw errors.notFound('feature');
    return { json: teamFeatureJson(feature) };
  }),
  // Pending invitations are not part of the scenario format: no team has any.
  get('/teams/:team/invitations', 'read', (ctx) => {
    teamFor(ctx);
    return { list: [] };
  }),
  get('/teams/:team/addons', 'read', (ctx) => {
    const team = teamFor(ctx);
    return { list: ctx.access.teamApps(ctx.viewer, team).flatMap((app) => app.ownedAddons.map(addonJson)) };
  }),
  get('/teams/:team/pipeline-couplings', 'read', (ctx) => {
    const team = teamFor(ctx);
    return {
      list: ctx.access
        .teamApps(ctx.viewer, team)
        .flatMap((app) => (app.coupling ? [couplingJson(app.coupling)] : [])),
    };
  }),
];
