import { errors } from '../http/errors.js';
import type { App, Enterprise, Team } from '../world/types.js';
import type { EnterprisePermission } from '../scenario/types.js';
import type { RouteContext } from './route.js';

/** The app named or numbered in the path, if the viewer may see it; 404 as Heroku answers otherwise. */
export function appFor(ctx: RouteContext, identity = ctx.params.app!): App {
  const app = ctx.world.apps.find(identity);
  if (!app || !ctx.access.canSeeApp(ctx.viewer, app)) throw errors.notFound('app');
  return app;
}

/**
 * The team in the path. Members see it; an enterprise member who is not on
 * the team is told it is forbidden (the team exists, membership is missing);
 * anyone else gets a 404.
 */
export function teamFor(ctx: RouteContext, identity = ctx.params.team!): Team {
  const team = ctx.world.teams.find(identity);
  if (!team) throw errors.notFound('team');
  if (ctx.access.canSeeTeam(ctx.viewer, team)) return team;
  if (ctx.access.knowsTeam(ctx.viewer, team)) {
    throw errors.forbidden(`You do not have access to the team ${team.name}. Ask a team admin to add you as a member.`);
  }
  throw errors.notFound('team');
}

/** The enterprise account in the path, checked for membership and, if given, a permission. */
export function enterpriseFor(ctx: RouteContext, permission?: EnterprisePermission): Enterprise {
  const enterprise = ctx.world.enterprises.find(ctx.params.enterprise!);
  const membership = enterprise && ctx.access.enterpriseMembership(ctx.viewer, enterprise);
  if (!enterprise || !membership) throw errors.notFound('enterprise_account');
  if (permission && !membership.permissions.includes(permission)) {
    throw errors.forbidden(`You must have the ${permission} permission on the enterprise account ${enterprise.name} to do this.`);
  }
  return enterprise;
}

/** `/users/{user}` must name the viewer (`~`, their id or email): anyone else is not found. */
export function requireSelf(ctx: RouteContext): void {
  const identity = ctx.params.user!.toLowerCase();
  if (identity !== '~' && identity !== ctx.viewer.id && identity !== ctx.viewer.email) throw errors.notFound('user');
}

/** Finds a child by id or by one of its natural keys. */
export function byIdentity<T extends { id: string }>(items: readonly T[], identity: string, ...keys: ((item: T) => string | number)[]): T | undefined {
  const wanted = identity.toLowerCase();
  return items.find((item) => item.id === wanted || keys.some((key) => String(key(item)).toLowerCase() === wanted));
}
