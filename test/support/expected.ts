import { acmDomains, acmEndpointJson } from '../../src/emulator/representations/apps.js';
import { Access } from '../../src/emulator/world/access.js';
import type { World } from '../../src/emulator/index.js';
import { redactUrl } from '../../src/heroku/sanitize.js';

/**
 * What a complete sync by `email` must find, worked out from the emulator's
 * world and Heroku's visibility rules, as sorted `a:b:c` strings per dataset.
 */
export function expectedInventory(world: World, email: string, auditDays: string[] = []) {
  const user = world.users.find(email)!;
  const access = new Access(world);
  const apps = access.visibleApps(user);
  const memberOf = new Set(user.teamMemberships.map((m) => m.team));
  const sorted = (items: string[]) => [...items].sort();
  const canView = (e: { members: { user: unknown; permissions: string[] }[] }) => e.members.some((m) => m.user === user && m.permissions.includes('view'));
  const now = world.now().getTime();
  return {
    apps: sorted(
      apps.map(
        (a) => `${a.name}:${a.team?.name ?? ''}:${a.region.info.name}:${a.stack.info.name}:${a.acm}:${a.team && memberOf.has(a.team) ? a.locked : 'null'}`,
      ),
    ),
    config_vars: sorted(apps.flatMap((a) => [...a.configVars.keys()].map((n) => `${a.name}:${n}`))),
    domains: sorted(apps.flatMap((a) => a.domains.map((d) => `${a.name}:${d.hostname}:${d.kind}`))),
    // Uploaded certificates, and one ACM certificate per domain it issued for.
    sni_endpoints: sorted(
      apps.flatMap((a) => [
        ...a.sniEndpoints.map((e) => `${a.name}:${e.name}:${e.expiresAt}:uploaded`),
        ...acmDomains(a)
          .map((d) => acmEndpointJson(d, world.now()))
          .map((e) => `${a.name}:${e.name as string}:${(e.ssl_cert as { expires_at: string }).expires_at}:acm`),
      ]),
    ),
    collaborators: sorted(apps.flatMap((a) => a.collaborators.map((c) => `${a.name}:${c.user.email}:${c.role}:${(c.permissions ?? []).join('+')}`))),
    formations: sorted(apps.flatMap((a) => a.formation.map((f) => `${a.name}:${f.type}:${f.quantity}:${f.size}`))),
    log_drains: sorted(apps.flatMap((a) => a.logDrains.map((d) => `${a.name}:${redactUrl(d.url)}`))),
    current_releases: sorted(apps.filter((a) => a.currentRelease).map((a) => `${a.name}:${a.currentRelease!.version}`)),
    slugs: sorted(apps.filter((a) => a.currentRelease?.slug).map((a) => `${a.name}:${a.currentRelease!.slug!.commit}`)),
    addons: sorted(access.visibleAddons(user).map((a) => `${a.name}:${a.plan.name}:${a.app.name}`)),
    addon_attachments: sorted(access.visibleAttachments(user).map((t) => `${t.addon.name}:${t.app.name}:${t.name}`)),
    teams: sorted(user.teamMemberships.map((m) => `${m.team.name}:${m.role}`)),
    team_members: sorted(user.teamMemberships.flatMap((m) => m.team.members.map((x) => `${m.team.name}:${x.user.email}:${x.role}:${x.user.twoFactor}`))),
    team_apps: sorted(user.teamMemberships.flatMap((m) => access.teamApps(user, m.team).map((a) => `${m.team.name}:${a.name}:${a.locked}`))),
    enterprise_accounts: sorted(user.enterpriseMemberships.map((m) => m.enterprise.name)),
    enterprise_members: sorted(
      user.enterpriseMemberships
        .filter((m) => canView(m.enterprise))
        .flatMap((m) => m.enterprise.members.map((x) => `${m.enterprise.name}:${x.user.email}:${x.permissions.length}`)),
    ),
    pipelines: sorted(access.visiblePipelines(user).map((p) => p.name)),
    pipeline_couplings: sorted(
      access.visiblePipelines(user).flatMap((p) => p.couplings.filter((c) => access.canSeeApp(user, c.app)).map((c) => `${p.name}:${c.app.name}:${c.stage}`)),
    ),
    oauth_authorizations: sorted(
      user.tokens.filter((t) => !t.revoked && (t.expiresIn === null || Date.parse(t.createdAt) + t.expiresIn * 1000 > now)).map((t) => t.description),
    ),
    audit_events: sorted(
      user.enterpriseMemberships
        .filter((m) => canView(m.enterprise))
        .flatMap((m) => auditDays.flatMap((day) => m.enterprise.auditTrail.on(day).map((e) => e.id))),
    ),
  };
}
