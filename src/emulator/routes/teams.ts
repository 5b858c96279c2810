import { errors } from '../http/errors.js';
import { addonJson } from '../representations/addons.js';
import { teamFeatureJson, teamJson, teamMemberJson } from '../representations/people.js';
import { couplingJson } from '../representations/platform.js';
import { APP_PERMISSIONS } from '../world/catalog.js';
import { teamAppJson } from '../representations/apps.js';
import { deriveHex } from '../world/ids.js';
import { delinquencyJson } from './account.js';
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
      list: ctx.access.teamApps(ctx.viewer, team).flatMap((app) => (app.coupling ? [couplingJson(app.coupling)] : [])),
    };
  }),

  get('/teams/:team/delinquency', 'read', (ctx) => {
    teamFor(ctx);
    return { json: delinquencyJson(null) };
  }),
  get('/teams/:team/preferences', 'read', (ctx) => {
    teamFor(ctx);
    return { json: { 'default-permission': 'member', 'addons-controls': false } };
  }),
  // Who may do what on each team app: its collaborators with their permissions.
  get('/teams/:team/permissions', 'read', (ctx) => {
    const team = teamFor(ctx);
    return {
      list: ctx.access.teamApps(ctx.viewer, team).map((app) => ({
        id: app.id,
        name: app.name,
        team_id: team.id,
        type: 'app',
        users: app.collaborators.map((c) => ({ email: c.user.email, id: c.user.id, permissions: c.permissions ?? ['view'] })),
      })),
    };
  }),
  get('/teams/:team/identity-providers', 'read', (ctx) => {
    const team = teamFor(ctx);
    const idp = team.identityProvider;
    if (!idp) return { list: [] };
    const host = `${idp.owner.name}.idp.example`;
    return {
      list: [
        {
          certificate: `-----BEGIN CERTIFICATE-----\n${deriveHex(64, 'idp-certificate', idp.id)}\n-----END CERTIFICATE-----\n`,
          created_at: team.createdAt,
          entity_id: `https://${host}/saml/metadata`,
          id: idp.id,
          slo_target_url: `https://${host}/saml/logout`,
          sso_target_url: `https://${host}/saml/sso`,
          organization: idp.owner.type === 'team' ? { name: idp.owner.name } : null,
          updated_at: team.updatedAt,
          owner: idp.owner,
        },
      ],
    };
  }),
  // A member's apps in the team: those the member collaborates on (admins see every app).
  get('/teams/:team/members/:member/apps', 'read', (ctx) => {
    const team = teamFor(ctx);
    const member = byIdentity(
      team.members,
      ctx.params.member!,
      (m) => m.user.email,
      (m) => m.user.id,
    );
    if (!member) throw errors.notFound('member', 'team member');
    const apps = member.role === 'admin' ? team.apps : team.apps.filter((app) => app.collaborators.some((c) => c.user === member.user));
    return { list: apps.filter((app) => ctx.access.canSeeApp(ctx.viewer, app)).map((app) => teamAppJson(app, ctx)) };
  }),
];
