import { ENTERPRISE_PERMISSIONS, HEROKU_CLI_CLIENT } from '../world/catalog.js';
import { deriveId } from '../world/ids.js';
import type { AuditEvent, Enterprise, EnterpriseMember, IdentityProvider, Team, TeamFeature, TeamMember, Token, User } from '../world/types.js';
import { cachedPer, withGiven, type Json, type RepresentContext } from './context.js';

/** The identity provider a federated user signs in with: their enterprise's. */
export function identityProviderOf(user: User): IdentityProvider | null {
  if (!user.federated) return null;
  for (const membership of user.enterpriseMemberships) if (membership.enterprise.identityProvider) return membership.enterprise.identityProvider;
  for (const membership of user.teamMemberships) if (membership.team.identityProvider) return membership.team.identityProvider;
  return null;
}

export const accountJson = cachedPer((user: User): Json => {
  const idp = identityProviderOf(user);
  return withGiven(
    {
      allow_tracking: true,
      beta: false,
      created_at: user.createdAt,
      email: user.email,
      federated: user.federated,
      id: user.id,
      identity_provider: idp ? { id: idp.id, name: idp.name, owner: idp.owner } : null,
      last_login: user.updatedAt,
      name: user.name,
      sms_number: null,
      suspended_at: user.suspendedAt,
      delinquent_at: user.delinquentAt,
      two_factor_authentication: user.twoFactor,
      updated_at: user.updatedAt,
      verified: true,
      country_of_residence: null,
      default_organization: null,
      default_team: null,
    },
    user.given,
  );
});

export function teamJson(team: Team, ctx: RepresentContext): Json {
  const membership = ctx.access.membership(ctx.viewer, team);
  return { ...teamBase(team), role: membership?.role ?? null };
}

const teamBase = cachedPer((team: Team): Json =>
  withGiven(
    {
      id: team.id,
      created_at: team.createdAt,
      credit_card_collections: false,
      default: false,
      enterprise_account: team.enterprise ? { id: team.enterprise.id, name: team.enterprise.name } : null,
      identity_provider: team.identityProvider,
      membership_limit: null,
      name: team.name,
      provisioned_licenses: false,
      type: team.enterprise ? 'enterprise' : 'team',
      updated_at: team.updatedAt,
    },
    team.given,
  ),
);

export const teamMemberJson = cachedPer((member: TeamMember): Json => {
  const idp = identityProviderOf(member.user);
  return withGiven(
    {
      created_at: member.createdAt,
      email: member.user.email,
      federated: member.user.federated,
      id: member.id,
      identity_provider: idp ? { id: idp.id, name: idp.name, redacted: false, owner: idp.owner } : null,
      role: member.role,
      two_factor_authentication: member.user.twoFactor,
      updated_at: member.updatedAt,
      user: { email: member.user.email, id: member.user.id, name: member.user.name },
    },
    member.given,
  );
});

export const teamFeatureJson = cachedPer((feature: TeamFeature): Json =>
  withGiven(
    {
      created_at: feature.createdAt,
      description: `Team feature ${feature.name}`,
      doc_url: `https://devcenter.heroku.com/articles/${feature.name}`,
      enabled: feature.enabled,
      id: feature.id,
      name: feature.name,
      state: 'general',
      updated_at: feature.updatedAt,
      display_name: feature.name,
      feedback_email: 'feedback@heroku.com',
    },
    feature.given,
  ),
);

export function enterpriseJson(enterprise: Enterprise, ctx: RepresentContext): Json {
  const membership = ctx.access.enterpriseMembership(ctx.viewer, enterprise);
  return { ...enterpriseBase(enterprise), permissions: membership ? [...membership.permissions] : [] };
}

const enterpriseBase = cachedPer((enterprise: Enterprise): Json =>
  withGiven(
    {
      id: enterprise.id,
      created_at: enterprise.createdAt,
      name: enterprise.name,
      updated_at: enterprise.updatedAt,
      trial: false,
      partner_benefits: false,
      identity_provider: enterprise.identityProvider,
    },
    enterprise.given,
  ),
);

export const enterpriseMemberJson = cachedPer((member: EnterpriseMember): Json => {
  const idp = member.user.federated ? member.enterprise.identityProvider : null;
  return withGiven(
    {
      enterprise_account: { id: member.enterprise.id, name: member.enterprise.name },
      id: member.id,
      permissions: ENTERPRISE_PERMISSIONS.filter((p) => member.permissions.includes(p.name)).map((p) => ({ ...p })),
      user: { email: member.user.email, id: member.user.id },
      two_factor_authentication: member.user.twoFactor,
      identity_provider: idp ? { id: idp.id, name: idp.name, redacted: false, owner: idp.owner } : null,
    },
    member.given,
  );
});

export const auditEventJson = cachedPer((event: AuditEvent): Json => {
  const json: Json = {
    created_at: event.createdAt,
    id: event.id,
    type: event.type,
    action: event.action,
  };
  if (event.actor) json.actor = event.actor;
  if (event.app) json.app = event.app;
  if (event.owner) json.owner = event.owner;
  json.enterprise_account = { id: event.enterprise.id, name: event.enterprise.name };
  if (event.team) json.team = event.team;
  if (event.ipAddress) json.request = { ip_address: event.ipAddress };
  json.data = event.data;
  return withGiven(json, event.given);
});

/** Seconds the token has left, or null when it never expires. */
export function secondsLeft(token: Token, now: Date): number | null {
  if (token.expiresIn === null) return null;
  return Math.max(0, Math.floor((Date.parse(token.createdAt) + token.expiresIn * 1000 - now.getTime()) / 1000));
}

export function authorizationJson(token: Token, ctx: RepresentContext): Json {
  return withGiven(
    {
      access_token: { expires_in: secondsLeft(token, ctx.world.now()), id: token.accessTokenId, token: token.token },
      client: token.kind === 'cli-login' ? { id: deriveId('oauth-client', HEROKU_CLI_CLIENT.name), ...HEROKU_CLI_CLIENT } : null,
      created_at: token.createdAt,
      description: token.description,
      grant: null,
      id: token.id,
      refresh_token: null,
      scope: token.scope,
      session: null,
      updated_at: token.updatedAt,
      user: { id: token.user.id, email: token.user.email, full_name: token.user.name },
    },
    token.given,
  );
}
