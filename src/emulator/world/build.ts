import type { Scenario, ScenarioEnterprise, ScenarioTeam } from '../scenario/types.js';
import { BuildContext, emptyWorld } from './build-context.js';
import { buildApps } from './build-apps.js';
import { buildAddons, buildServiceCatalog } from './build-addons.js';
import { REGIONS, STACKS } from './catalog.js';
import { deriveId } from './ids.js';
import { AuditTrail, naturalKey } from './audit-trail.js';
import { isoSeconds } from './time.js';
import type { AuditEvent, Enterprise, Pipeline, Team, World } from './types.js';

export interface BuildOptions {
  /** Overrides the scenario's clock; `undefined` keeps the scenario's `now` or the real time. */
  now?: Date;
  /** Named in error messages, e.g. the scenario's file name. */
  source?: string;
}

/**
 * Resolves a (schema-checked) scenario into the world the emulator serves.
 * Every problem (dangling reference, duplicate, contradiction) is collected
 * with its JSON path; if there is any, a ScenarioError lists them all and no
 * world is returned.
 */
export function buildWorld(scenario: Scenario, options: BuildOptions = {}): World {
  const fixed = options.now ?? (scenario.now ? new Date(scenario.now) : undefined);
  const world = emptyWorld(fixed ? () => new Date(fixed) : () => new Date());
  const ctx = new BuildContext(scenario, world, options.source ?? 'scenario');

  for (const region of REGIONS) world.regions.add({ id: deriveId('region', region.name), info: region }, region.name);
  for (const stack of STACKS) world.stacks.add({ id: deriveId('stack', stack.name), info: stack }, stack.name);
  buildServiceCatalog(ctx);
  buildAccounts(ctx);
  (scenario.enterprise_accounts ?? []).forEach((enterprise, i) => buildEnterprise(ctx, enterprise, i));
  (scenario.teams ?? []).forEach((team, i) => buildTeam(ctx, team, i));
  buildApps(ctx);
  buildAddons(ctx);
  buildPipelines(ctx);
  (scenario.enterprise_accounts ?? []).forEach((enterprise, i) => buildEvents(ctx, enterprise, i));
  checkChanges(ctx);

  if (ctx.problems.length > 0) ctx.fail();
  world.stats = {
    accounts: world.users.size,
    tokens: world.tokens.size,
    enterprise_accounts: world.enterprises.size,
    teams: world.teams.size,
    apps: world.apps.size,
    domains: sum(world.apps.values(), (app) => app.domains.length),
    addons: world.addons.size,
    attachments: world.attachments.size,
    pipelines: world.pipelines.size,
    releases: sum(world.apps.values(), (app) => app.releases.length),
    events: sum(world.enterprises.values(), (enterprise) => enterprise.auditTrail.count),
  };
  return world;
}

function sum<T>(items: Iterable<T>, count: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += count(item);
  return total;
}

function buildAccounts(ctx: BuildContext): void {
  const { world } = ctx;
  (ctx.scenario.accounts ?? []).forEach((account, i) => {
    const key = account.email.toLowerCase();
    if (world.users.byKey.get(key)?.declared) {
      ctx.problem(`duplicate account ${account.email}`, 'accounts', i, 'email');
      return;
    }
    const user = ctx.user(key, {
      twoFactor: account.two_factor_authentication,
      federated: account.federated,
      name: account.name,
    });
    user.declared = true;
    user.given = ctx.given('account', account);
    if (typeof account.id === 'string') {
      world.users.byId.delete(user.id);
      user.id = account.id.toLowerCase();
      world.users.byId.set(user.id, user);
    }
    user.createdAt = ctx.createdAt(account.created_at, null, 'account', key);
    user.updatedAt = typeof account.updated_at === 'string' ? isoSeconds(account.updated_at) : user.createdAt;
    user.suspendedAt = typeof account.suspended_at === 'string' ? isoSeconds(account.suspended_at) : null;
    user.delinquentAt = typeof account.delinquent_at === 'string' ? isoSeconds(account.delinquent_at) : null;
    (account.tokens ?? []).forEach((token, j) => {
      if (world.tokens.has(token.token)) {
        ctx.problem('this token is already given to another authorization; tokens must be unique', 'accounts', i, 'tokens', j, 'token');
        return;
      }
      const createdAt = ctx.createdAt(token.created_at, null, 'authorization', token.token);
      const kind = token.kind ?? 'authorization';
      world.tokens.set(token.token, {
        id: typeof token.id === 'string' ? token.id : deriveId('authorization', token.token),
        accessTokenId: deriveId('access-token', token.token),
        token: token.token,
        user,
        kind,
        scope: token.scope ?? ['global'],
        description:
          token.description ?? (kind === 'api-key' ? 'API Key' : kind === 'cli-login' ? 'Heroku CLI login from 127.0.0.1' : 'Long-lived user authorization'),
        createdAt,
        updatedAt: typeof token.updated_at === 'string' ? isoSeconds(token.updated_at) : createdAt,
        expiresIn: token.expires_in ?? null,
        revoked: token.revoked ?? false,
        given: ctx.given('token', token),
      });
      user.tokens.push(world.tokens.get(token.token)!);
    });
  });
}

function buildEnterprise(ctx: BuildContext, source: ScenarioEnterprise, i: number): void {
  const { world } = ctx;
  if (world.enterprises.find(source.name)) {
    ctx.problem(`duplicate enterprise account ${source.name}`, 'enterprise_accounts', i, 'name');
    return;
  }
  const id = typeof source.id === 'string' ? source.id.toLowerCase() : deriveId('enterprise-account', source.name);
  const createdAt = ctx.createdAt(source.created_at, null, 'enterprise-account', source.name);
  const enterprise: Enterprise = {
    id,
    name: source.name,
    identityProvider: source.identity_provider
      ? {
          id: source.identity_provider.id ?? deriveId('identity-provider', source.name, source.identity_provider.name),
          name: source.identity_provider.name,
          owner: { id, name: source.name, type: 'enterprise-account' },
        }
      : null,
    members: [],
    teams: [],
    auditTrail: undefined as unknown as AuditTrail, // set by buildEvents
    createdAt,
    updatedAt: typeof source.updated_at === 'string' ? isoSeconds(source.updated_at) : createdAt,
    given: ctx.given('enterprise', source),
  };
  world.enterprises.add(enterprise, source.name);
  const seen = new Set<string>();
  (source.members ?? []).forEach((member, j) => {
    const key = member.email.toLowerCase();
    if (seen.has(key)) return ctx.problem(`${member.email} is listed twice`, 'enterprise_accounts', i, 'members', j, 'email');
    seen.add(key);
    const user = ctx.user(key, { twoFactor: member.two_factor_authentication });
    const entry = {
      id: deriveId('enterprise-member', source.name, key),
      enterprise,
      user,
      permissions: member.permissions,
      given: ctx.given('enterpriseMember', member),
    };
    enterprise.members.push(entry);
    user.enterpriseMemberships.push(entry);
  });
}

function buildTeam(ctx: BuildContext, source: ScenarioTeam, i: number): void {
  const { world } = ctx;
  if (world.teams.find(source.name)) return ctx.problem(`duplicate team ${source.name}`, 'teams', i, 'name');
  let enterprise: Enterprise | null = null;
  if (source.enterprise_account !== undefined) {
    enterprise = world.enterprises.find(source.enterprise_account) ?? null;
    if (!enterprise) ctx.problem(`no enterprise account named ${source.enterprise_account}`, 'teams', i, 'enterprise_account');
  }
  const createdAt = ctx.createdAt(source.created_at, enterprise?.createdAt ?? null, 'team', source.name);
  const id = typeof source.id === 'string' ? source.id.toLowerCase() : deriveId('team', source.name);
  const team: Team = {
    id,
    name: source.name,
    enterprise,
    identityProvider: enterprise?.identityProvider ?? null,
    members: [],
    features: [],
    apps: [],
    // Heroku models a team as a user, `<team>@herokumanager.com`, with the team's id: a team app's owner
    // has the team's id (the CLI checks a pipeline's apps against its owner so).
    ownerRef: { id, email: `${source.name}@herokumanager.com` },
    createdAt,
    updatedAt: typeof source.updated_at === 'string' ? isoSeconds(source.updated_at) : createdAt,
    given: ctx.given('team', source),
  };
  world.teams.add(team, source.name);
  enterprise?.teams.push(team);
  const seen = new Set<string>();
  (source.members ?? []).forEach((member, j) => {
    const key = member.email.toLowerCase();
    if (seen.has(key)) return ctx.problem(`${member.email} is listed twice`, 'teams', i, 'members', j, 'email');
    seen.add(key);
    const user = ctx.user(key, { twoFactor: member.two_factor_authentication, federated: member.federated });
    // Nobody joins a team before their account exists.
    const joined = ctx.createdAt(member.created_at, latestOf(team.createdAt, user.createdAt), 'team-member', source.name, key);
    const entry = {
      id: deriveId('team-member', source.name, key),
      team,
      user,
      role: member.role,
      createdAt: joined,
      updatedAt: typeof member.updated_at === 'string' ? isoSeconds(member.updated_at) : joined,
      given: ctx.given('teamMember', member),
    };
    team.members.push(entry);
    user.teamMemberships.push(entry);
  });
  (source.features ?? []).forEach((feature, j) => {
    if (team.features.some((f) => f.name === feature.name)) {
      return ctx.problem(`feature ${feature.name} is listed twice`, 'teams', i, 'features', j, 'name');
    }
    const at = ctx.createdAt(feature.created_at, team.createdAt, 'team-feature', source.name, feature.name);
    team.features.push({
      id: deriveId('team-feature', feature.name),
      team,
      name: feature.name,
      enabled: feature.enabled,
      createdAt: at,
      updatedAt: at,
      given: ctx.given('teamFeature', feature),
    });
  });
}

function buildPipelines(ctx: BuildContext): void {
  const { world } = ctx;
  (ctx.scenario.pipelines ?? []).forEach((source, i) => {
    if (world.pipelines.find(source.name)) return ctx.problem(`duplicate pipeline ${source.name}`, 'pipelines', i, 'name');
    let owner: Pipeline['owner'] | undefined;
    if ('team' in source.owner) {
      const team = world.teams.find(source.owner.team);
      if (team) owner = { kind: 'team', team };
      else ctx.problem(`no team named ${source.owner.team}`, 'pipelines', i, 'owner', 'team');
    } else {
      owner = { kind: 'user', user: ctx.user(source.owner.user) };
    }
    if (!owner) return;
    const createdAt = ctx.createdAt(source.created_at, null, 'pipeline', source.name);
    const pipeline: Pipeline = {
      id: typeof source.id === 'string' ? source.id.toLowerCase() : deriveId('pipeline', source.name),
      name: source.name,
      owner,
      couplings: [],
      createdAt,
      updatedAt: typeof source.updated_at === 'string' ? isoSeconds(source.updated_at) : createdAt,
      given: ctx.given('pipeline', source),
    };
    world.pipelines.add(pipeline, source.name);
    (source.couplings ?? []).forEach((coupling, j) => {
      const app = world.apps.find(coupling.app);
      if (!app) return ctx.problem(`no app named ${coupling.app}`, 'pipelines', i, 'couplings', j, 'app');
      if (app.coupling) {
        return ctx.problem(
          `${app.name} is already coupled to pipeline ${app.coupling.pipeline.name}; an app belongs to one pipeline`,
          'pipelines',
          i,
          'couplings',
          j,
          'app',
        );
      }
      const at = ctx.createdAt(coupling.created_at, latestOf(createdAt, app.createdAt), 'pipeline-coupling', source.name, app.name);
      const entry = {
        id: deriveId('pipeline-coupling', source.name, app.name),
        pipeline,
        app,
        stage: coupling.stage,
        createdAt: at,
        updatedAt: at,
        given: ctx.given('coupling', coupling),
      };
      pipeline.couplings.push(entry);
      app.coupling = entry;
      world.couplings.set(entry.id, entry);
    });
  });
}

function latestOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function buildEvents(ctx: BuildContext, source: ScenarioEnterprise, i: number): void {
  const enterprise = ctx.world.enterprises.find(source.name);
  if (!enterprise || enterprise.auditTrail) return;
  const { world } = ctx;
  const trail = new AuditTrail((raw, occurrence): AuditEvent => {
    const event = raw.source;
    const app = event.app ? world.apps.find(event.app) : undefined;
    const team = event.team ? world.teams.find(event.team) : undefined;
    return {
      // Events outlive what they name: a deleted app or a former member keeps a stable id.
      id: typeof event.id === 'string' ? event.id.toLowerCase() : deriveId('audit-event', enterprise.name, naturalKey(raw), occurrence),
      enterprise,
      createdAt: raw.createdAt,
      type: event.type,
      action: event.action,
      actor: event.actor ? personRef(ctx, event.actor) : null,
      app: event.app ? { id: app?.id ?? deriveId('app', event.app), name: event.app } : null,
      owner: event.owner ? personRef(ctx, event.owner) : app ? app.ownerRef : null,
      team: event.team ? { id: team?.id ?? deriveId('team', event.team), name: event.team } : app?.team ? { id: app.team.id, name: app.team.name } : null,
      ipAddress: event.ip_address ?? null,
      data: event.data ?? {},
      given: ctx.given('event', event),
    };
  });
  enterprise.auditTrail = trail;
  (source.events ?? []).forEach((event, j) => {
    if (event.team) {
      const team = world.teams.find(event.team);
      if (team && team.enterprise !== enterprise) {
        ctx.problem(`team ${event.team} is not in enterprise account ${enterprise.name}`, 'enterprise_accounts', i, 'events', j, 'team');
      }
    }
    trail.add(event);
  });
}

function personRef(ctx: BuildContext, email: string): { id: string; email: string } {
  const key = email.toLowerCase();
  return { id: ctx.world.users.byKey.get(key)?.id ?? deriveId('account', key), email: key };
}

/** The `changes` section names apps, teams and accounts of this world: a change to nothing would only be skipped, silently. */
function checkChanges(ctx: BuildContext): void {
  const changes = ctx.scenario.changes;
  if (!changes) return;
  (changes.scripted ?? []).forEach((change, i) => {
    if (change.kind === 'member_add' || change.kind === 'member_remove') {
      if (change.team === undefined) ctx.problem(`a ${change.kind} change needs the team it happens in (team)`, 'changes', 'scripted', i);
      else if (!ctx.world.teams.find(change.team)) ctx.problem(`no team named ${change.team}`, 'changes', 'scripted', i, 'team');
    } else if (change.app === undefined) ctx.problem(`a ${change.kind} change needs the app it happens to (app)`, 'changes', 'scripted', i);
    else if (!ctx.world.apps.find(change.app)) ctx.problem(`no app named ${change.app}`, 'changes', 'scripted', i, 'app');
  });
  (changes.clients ?? []).forEach((client, i) => {
    if (!ctx.world.users.find(client.account.toLowerCase()))
      ctx.problem(`no account ${client.account}: a client spends the pool of one of the scenario's accounts`, 'changes', 'clients', i, 'account');
  });
}
