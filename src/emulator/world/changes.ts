import { forget } from '../representations/context.js';
import type { ScenarioEvent } from '../scenario/types.js';
import { deriveId } from './ids.js';
import { isoSeconds } from './time.js';
import type { App, Attachment, Collaborator, Domain, LogDrain, Release, Team, TeamMember, User, World } from './types.js';

/**
 * Change over time: what people do to a Heroku account, applied to the
 * world in place, each with the audit trail event Heroku records for it
 * (when the app's or team's enterprise keeps one). Release-producing
 * changes (a deploy, a config var set, an add-on attached) make a release as
 * Heroku does, which moves the app's `released_at`.
 */
export const CHANGE_KINDS = [
  'deploy',
  'config_var',
  'addon_attach',
  'domain_add',
  'domain_remove',
  'certificate',
  'collaborator_add',
  'collaborator_remove',
  'member_add',
  'member_remove',
  'drain_add',
  'drain_remove',
  'scale',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Changes that make a release. */
export const RELEASE_KINDS: readonly ChangeKind[] = ['deploy', 'config_var', 'addon_attach'];

/** The per-app lists each change touches (member changes touch the team's members, an account-wide list). */
export const CHANGE_TOUCHES: Record<ChangeKind, readonly string[]> = {
  deploy: ['releases', 'slugs'],
  config_var: ['config_vars', 'releases'],
  addon_attach: ['config_vars', 'releases', 'addon_attachments'],
  domain_add: ['domains'],
  domain_remove: ['domains'],
  certificate: ['sni_endpoints'],
  collaborator_add: ['collaborators'],
  collaborator_remove: ['collaborators'],
  member_add: ['team_members'],
  member_remove: ['team_members'],
  drain_add: ['log_drains'],
  drain_remove: ['log_drains'],
  scale: ['formations'],
};

export interface WorldChange {
  at: string;
  kind: ChangeKind;
  /** The app changed (a team for member changes). */
  app?: string;
  team?: string;
  actor?: string;
}

/** A change as it was applied: what it touched and the audit event it left (null: no enterprise keeps this account's trail). */
export interface AppliedChange {
  seq: number;
  at: string;
  kind: ChangeKind;
  app: { id: string; name: string } | null;
  team: string | null;
  /** The key of the record changed (a domain's id, a member's email...), for comparing inventories. */
  key: string | null;
  audited: boolean;
}

/** Why a change could not apply (the app has no certificate to renew, no custom domain to remove...). */
export class ChangeSkipped extends Error {}

/**
 * Applies one change at its time. `seq` numbers it, so that what it
 * creates has stable, distinct ids and names.
 */
export function applyChange(world: World, change: WorldChange, seq: number): AppliedChange {
  const at = isoSeconds(change.at);
  if (change.kind === 'member_add' || change.kind === 'member_remove') return changeMembers(world, change, at, seq);
  const app = change.app ? world.apps.find(change.app) : undefined;
  if (!app) throw new ChangeSkipped(`no app ${change.app ?? '(none given)'}`);
  const actor = actorOf(world, app, change.actor);
  let key: string | null;
  let event: Pick<ScenarioEvent, 'type' | 'action' | 'data'>;
  switch (change.kind) {
    case 'deploy': {
      const commit = deriveId('commit', app.name, seq).replace(/-/g, '').slice(0, 40);
      const release = newRelease(world, app, at, actor, `Deploy ${commit.slice(0, 8)}`, { commit });
      key = release.id;
      event = { type: 'release', action: 'create', data: { version: release.version } };
      break;
    }
    case 'config_var': {
      const name = `FEATURE_${(seq % 50) + 1}`;
      app.configVars.set(name, String(seq));
      key = name;
      newRelease(world, app, at, actor, `Set ${name} config vars`);
      event = { type: 'config_var', action: 'update', data: { keys: [name] } };
      break;
    }
    case 'addon_attach': {
      const addon = [...world.addons.values()].find(
        (a) => a.app !== app && (a.app.team === app.team || !app.team) && !a.attachments.some((t) => t.app === app),
      );
      if (!addon) throw new ChangeSkipped(`no add-on to attach to ${app.name}`);
      const name = `ATTACHED_${seq}`;
      const attachment: Attachment = {
        id: deriveId('attachment', app.name, name),
        addon,
        app,
        name,
        configVars: [`${name}_URL`],
        createdAt: at,
        updatedAt: at,
        given: {},
      };
      addon.attachments.push(attachment);
      app.attachments.push(attachment);
      world.attachments.set(attachment.id, attachment);
      app.configVars.set(`${name}_URL`, `addon://${addon.name}`);
      forget(addon);
      key = attachment.id;
      newRelease(world, app, at, actor, `Attach ${addon.name} (@ref:${name})`);
      event = { type: 'addon_attachment', action: 'create', data: { addon: addon.name, name } };
      break;
    }
    case 'domain_add': {
      const hostname = `www${seq}.${app.name}.example.com`;
      const domain: Domain = {
        id: deriveId('domain', app.name, hostname),
        app,
        hostname,
        kind: 'custom',
        sniEndpoint: null,
        createdAt: at,
        updatedAt: at,
        given: {},
      };
      app.domains.push(domain);
      key = domain.id;
      event = { type: 'domain', action: 'create', data: { hostname } };
      break;
    }
    case 'domain_remove': {
      const domain = app.domains.find((d) => d.kind === 'custom');
      if (!domain) throw new ChangeSkipped(`${app.name} has no custom domain`);
      app.domains.splice(app.domains.indexOf(domain), 1);
      if (domain.sniEndpoint) domain.sniEndpoint.domains.splice(domain.sniEndpoint.domains.indexOf(domain), 1);
      forget(domain.sniEndpoint);
      key = domain.id;
      event = { type: 'domain', action: 'destroy', data: { hostname: domain.hostname } };
      break;
    }
    case 'certificate': {
      const endpoint = app.sniEndpoints[0];
      if (!endpoint) throw new ChangeSkipped(`${app.name} has no certificate`);
      endpoint.startsAt = at;
      endpoint.expiresAt = isoSeconds(Date.parse(at) + 90 * 86_400_000);
      endpoint.updatedAt = at;
      delete endpoint.given.updated_at;
      forget(endpoint);
      key = endpoint.id;
      event = { type: 'sni_endpoint', action: 'update', data: { name: endpoint.name } };
      break;
    }
    case 'collaborator_add': {
      const user = [...world.users.values()].find((u) => u.declared && u.tokens.length === 0 && !app.collaborators.some((c) => c.user === u) && !u.suspendedAt);
      if (!user) throw new ChangeSkipped(`no one left to add to ${app.name}`);
      const membership = app.team?.members.find((m) => m.user === user);
      const role: Collaborator['role'] = membership ? (membership.role === 'owner' ? 'admin' : membership.role) : 'collaborator';
      const collaborator: Collaborator = {
        id: deriveId('collaborator', app.name, user.email),
        app,
        user,
        permissions: app.team ? ['view', 'deploy'] : null,
        role,
        createdAt: at,
        updatedAt: at,
        given: {},
      };
      app.collaborators.push(collaborator);
      user.collaborations.push(collaborator);
      key = collaborator.id;
      event = { type: 'collaborator', action: 'create', data: { collaborator: user.email } };
      break;
    }
    case 'collaborator_remove': {
      // Never the owner, nor anyone holding a token: the account watching must keep what it sees.
      const collaborator = app.collaborators.find((c) => c.role !== 'owner' && c.user.tokens.length === 0);
      if (!collaborator) throw new ChangeSkipped(`${app.name} has no collaborator to remove`);
      app.collaborators.splice(app.collaborators.indexOf(collaborator), 1);
      collaborator.user.collaborations.splice(collaborator.user.collaborations.indexOf(collaborator), 1);
      key = collaborator.id;
      event = { type: 'collaborator', action: 'destroy', data: { collaborator: collaborator.user.email } };
      break;
    }
    case 'drain_add': {
      const drain: LogDrain = {
        id: deriveId('log-drain', app.name, seq),
        app,
        url: `syslog+tls://logs${seq % 9}.example-logs.com:${10000 + (seq % 50000)}`,
        token: `d.${deriveId('drain-token', app.name, seq)}`,
        createdAt: at,
        updatedAt: at,
        given: {},
      };
      app.logDrains.push(drain);
      key = drain.id;
      event = { type: 'log_drain', action: 'create', data: { url: drain.url } };
      break;
    }
    case 'drain_remove': {
      const drain = app.logDrains[0];
      if (!drain) throw new ChangeSkipped(`${app.name} has no log drain`);
      app.logDrains.splice(0, 1);
      key = drain.id;
      event = { type: 'log_drain', action: 'destroy', data: { url: drain.url } };
      break;
    }
    case 'scale': {
      const process = app.formation[0];
      if (!process) throw new ChangeSkipped(`${app.name} has no process to scale`);
      process.quantity = process.quantity >= 3 ? 1 : process.quantity + 1;
      process.updatedAt = at;
      delete process.given.updated_at;
      delete process.given.quantity;
      forget(process);
      key = process.id;
      event = { type: 'formation', action: 'update', data: { type: process.type, quantity: process.quantity } };
      break;
    }
    default:
      throw new ChangeSkipped(`unknown change ${String(change.kind)}`);
  }
  app.updatedAt = at;
  delete app.given.updated_at;
  forget(app);
  const audited = record(app.team, { created_at: at, ...event, actor: actor.email, app: app.name, ...(app.team ? { team: app.team.name } : {}) });
  return { seq, at, kind: change.kind, app: { id: app.id, name: app.name }, team: app.team?.name ?? null, key, audited };
}

function changeMembers(world: World, change: WorldChange, at: string, seq: number): AppliedChange {
  const team = change.team ? world.teams.find(change.team) : undefined;
  if (!team) throw new ChangeSkipped(`no team ${change.team ?? '(none given)'}`);
  const admin = team.members.find((m) => m.role === 'admin')?.user;
  let user: User;
  if (change.kind === 'member_add') {
    const candidate = [...world.users.values()].find((u) => u.declared && !u.suspendedAt && !team.members.some((m) => m.user === u));
    if (!candidate) throw new ChangeSkipped(`everyone is already a member of ${team.name}`);
    user = candidate;
    const member: TeamMember = { id: deriveId('team-member', team.name, user.email, seq), team, user, role: 'member', createdAt: at, updatedAt: at, given: {} };
    team.members.push(member);
    user.teamMemberships.push(member);
  } else {
    const member = team.members.find((m) => m.role !== 'admin' && m.user.tokens.length === 0);
    if (!member) throw new ChangeSkipped(`${team.name} has no member to remove`);
    user = member.user;
    team.members.splice(team.members.indexOf(member), 1);
    user.teamMemberships.splice(user.teamMemberships.indexOf(member), 1);
  }
  forget(team);
  const audited = record(team, {
    created_at: at,
    type: 'team_member',
    action: change.kind === 'member_add' ? 'create' : 'destroy',
    actor: (change.actor ?? admin?.email ?? user.email).toLowerCase(),
    team: team.name,
    data: { member: user.email, role: 'member' },
  });
  return { seq, at, kind: change.kind, app: null, team: team.name, key: user.email, audited };
}

/** Who makes a change: the one given, else a team admin or the app's owner. */
function actorOf(world: World, app: App, given?: string): { id: string; email: string } {
  const user = given ? world.users.find(given) : undefined;
  if (user) return { id: user.id, email: user.email };
  const admin = app.team?.members.find((m) => m.role === 'admin')?.user ?? app.owner;
  return admin ? { id: admin.id, email: admin.email } : app.ownerRef;
}

/** A new current release of the app, as Heroku makes one: the next version, the slug carried over unless a deploy brings a new one. */
function newRelease(world: World, app: App, at: string, user: { id: string; email: string }, description: string, deploy?: { commit: string }): Release {
  const previous = app.currentRelease;
  const version = (app.releases.at(-1)?.version ?? 0) + 1;
  const release: Release = {
    id: deriveId('release', app.name, version),
    app,
    version,
    description,
    user,
    status: 'succeeded',
    slug: previous?.slug ?? null,
    ociImage: previous?.ociImage ?? null,
    current: true,
    createdAt: at,
    updatedAt: at,
    given: {},
  };
  if (deploy && previous?.slug) {
    const slug = previous.slug;
    release.slug = { ...slug, id: deriveId('slug', app.name, version), release, commit: deploy.commit, createdAt: at, updatedAt: at, given: {} };
    world.slugs.set(release.slug.id, release.slug);
  } else if (deploy && previous?.ociImage) {
    release.ociImage = { id: deriveId('oci-image', app.name, version) };
  }
  if (previous) {
    previous.current = false;
    forget(previous);
  }
  app.releases.push(release);
  app.currentRelease = release;
  delete app.given.released_at;
  return release;
}

/** Adds the change's event to the audit trail of the team's enterprise; false when there is none. */
function record(team: Team | null, event: ScenarioEvent): boolean {
  const trail = team?.enterprise?.auditTrail;
  if (!trail) return false;
  trail.add(event);
  return true;
}

/** How often each kind of change happens, relatively, when changes are generated. */
export const DEFAULT_CHANGE_WEIGHTS: Record<ChangeKind, number> = {
  deploy: 40,
  config_var: 15,
  addon_attach: 3,
  domain_add: 5,
  domain_remove: 2,
  certificate: 3,
  collaborator_add: 6,
  collaborator_remove: 3,
  member_add: 2,
  member_remove: 1,
  drain_add: 3,
  drain_remove: 2,
  scale: 15,
};
