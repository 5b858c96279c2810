import type { Addon, App, Attachment, Enterprise, EnterpriseMember, Pipeline, Team, TeamMember, User, World } from './types.js';

/**
 * Who sees what, following Heroku's rules: a user sees their personal apps,
 * the apps of teams they belong to (all of them for admins, members and
 * viewers; only the ones they collaborate on for the `collaborator` role), and
 * apps they collaborate on. Enterprise permissions never grant team access.
 * Results are cached per user; the cache lives as long as the world.
 */
export class Access {
  private readonly appCache = new WeakMap<User, App[]>();
  private readonly appSetCache = new WeakMap<User, Set<App>>();

  constructor(private readonly world: World) {}

  visibleApps(user: User): App[] {
    let apps = this.appCache.get(user);
    if (!apps) {
      const seen = new Set<App>(user.personalApps);
      for (const membership of user.teamMemberships) {
        if (membership.role !== 'collaborator') for (const app of membership.team.apps) seen.add(app);
      }
      for (const collaboration of user.collaborations) seen.add(collaboration.app);
      apps = [...seen];
      this.appCache.set(user, apps);
      this.appSetCache.set(user, seen);
    }
    return apps;
  }

  canSeeApp(user: User, app: App): boolean {
    if (!this.appSetCache.has(user)) this.visibleApps(user);
    return this.appSetCache.get(user)!.has(app);
  }

  membership(user: User, team: Team): TeamMember | undefined {
    return user.teamMemberships.find((m) => m.team === team);
  }

  /** A team is visible to its members, and (read-only) to enterprise members who may view it. */
  canSeeTeam(user: User, team: Team): boolean {
    return this.membership(user, team) !== undefined;
  }

  /** True when the user knows the team exists but is not a member (enterprise `view`). */
  knowsTeam(user: User, team: Team): boolean {
    return team.enterprise !== null && this.enterpriseMembership(user, team.enterprise) !== undefined;
  }

  teamApps(user: User, team: Team): App[] {
    const membership = this.membership(user, team);
    if (!membership) return [];
    if (membership.role !== 'collaborator') return team.apps;
    return team.apps.filter((app) => app.collaborators.some((c) => c.user === user));
  }

  enterpriseMembership(user: User, enterprise: Enterprise): EnterpriseMember | undefined {
    return user.enterpriseMemberships.find((m) => m.enterprise === enterprise);
  }

  hasEnterprisePermission(user: User, enterprise: Enterprise, permission: EnterpriseMember['permissions'][number]): boolean {
    return this.enterpriseMembership(user, enterprise)?.permissions.includes(permission) ?? false;
  }

  /** Add-ons billed to an app the user sees. */
  visibleAddons(user: User): Addon[] {
    return this.visibleApps(user).flatMap((app) => app.ownedAddons);
  }

  /** Attachments on apps the user sees (their add-on may belong to an app the user does not see). */
  visibleAttachments(user: User): Attachment[] {
    return this.visibleApps(user).flatMap((app) => app.attachments);
  }

  canSeeAddon(user: User, addon: Addon): boolean {
    return this.canSeeApp(user, addon.app) || addon.attachments.some((a) => this.canSeeApp(user, a.app));
  }

  canSeePipeline(user: User, pipeline: Pipeline): boolean {
    if (pipeline.owner.kind === 'user' && pipeline.owner.user === user) return true;
    if (pipeline.owner.kind === 'team' && this.membership(user, pipeline.owner.team)) return true;
    return pipeline.couplings.some((c) => this.canSeeApp(user, c.app));
  }

  visiblePipelines(user: User): Pipeline[] {
    return [...this.world.pipelines.values()].filter((p) => this.canSeePipeline(user, p));
  }
}
