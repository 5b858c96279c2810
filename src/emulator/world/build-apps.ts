import type { ScenarioApp } from '../scenario/types.js';
import type { BuildContext } from './build-context.js';
import { deriveHex, deriveId } from './ids.js';
import { guessBuildpack } from './slug-files.js';
import { isoSeconds, latest } from './time.js';
import type { App, Collaborator, Domain, Release, SniEndpoint } from './types.js';

const ALL_PERMISSIONS = ['view', 'deploy', 'operate', 'manage'] as const;

export function buildApps(ctx: BuildContext): void {
  const hostnames = new Map<string, string>();
  (ctx.scenario.apps ?? []).forEach((source, i) => {
    const app = buildApp(ctx, source, i);
    if (!app) return;
    buildDomains(ctx, app, source, i, hostnames);
    buildCollaborators(ctx, app, source, i);
    buildReleases(ctx, app, source, i);
    buildProcesses(ctx, app, source, i);
  });
}

function buildApp(ctx: BuildContext, source: ScenarioApp, i: number): App | undefined {
  const { world } = ctx;
  if (world.apps.find(source.name)) {
    ctx.problem(`duplicate app ${source.name}`, 'apps', i, 'name');
    return undefined;
  }
  if ((source.team === undefined) === (source.owner === undefined)) {
    ctx.problem('an app needs exactly one of "team" (a team app) or "owner" (a personal app)', 'apps', i);
    return undefined;
  }
  const team = source.team !== undefined ? world.teams.find(source.team) : undefined;
  if (source.team !== undefined && !team) {
    ctx.problem(`no team named ${source.team}`, 'apps', i, 'team');
    return undefined;
  }
  const region = world.regions.find(source.region ?? 'us');
  if (!region) ctx.problem(`unknown region ${source.region}; Heroku's regions are ${[...world.regions.byKey.keys()].join(', ')}`, 'apps', i, 'region');
  const stack = world.stacks.find(source.stack ?? 'heroku-24');
  if (!stack) ctx.problem(`unknown stack ${source.stack}; known stacks are ${[...world.stacks.byKey.keys()].join(', ')}`, 'apps', i, 'stack');
  const buildStack = source.build_stack === undefined ? stack : world.stacks.find(source.build_stack);
  if (!buildStack) ctx.problem(`unknown stack ${source.build_stack}`, 'apps', i, 'build_stack');
  if (source.locked !== undefined && !team) ctx.problem('"locked" applies to team apps only', 'apps', i, 'locked');
  if (!region || !stack || !buildStack) return undefined;

  const owner = source.owner !== undefined ? ctx.user(source.owner) : null;
  const createdAt = ctx.createdAt(source.created_at, team?.createdAt ?? null, 'app', source.name);
  const app: App = {
    id: typeof source.id === 'string' ? source.id.toLowerCase() : deriveId('app', source.name),
    name: source.name,
    team: team ?? null,
    owner,
    ownerRef: team ? team.ownerRef : { id: owner!.id, email: owner!.email },
    region,
    stack,
    buildStack,
    generation: source.generation ?? 'cedar',
    acm: source.acm ?? false,
    locked: source.locked ?? false,
    maintenance: source.maintenance ?? false,
    webUrl: herokuAppUrl(source.name, createdAt),
    configVars: new Map(Object.entries(source.config_vars ?? {})),
    collaborators: [],
    domains: [],
    sniEndpoints: [],
    formation: [],
    logDrains: [],
    releases: [],
    currentRelease: null,
    ownedAddons: [],
    attachments: [],
    coupling: null,
    createdAt,
    updatedAt: typeof source.updated_at === 'string' ? isoSeconds(source.updated_at) : createdAt,
    given: ctx.given('app', source),
  };
  world.apps.add(app, source.name);
  if (team) team.apps.push(app);
  else owner!.personalApps.push(app);
  return app;
}

function buildDomains(ctx: BuildContext, app: App, source: ScenarioApp, i: number, hostnames: Map<string, string>): void {
  (source.sni_endpoints ?? []).forEach((cert, j) => {
    if (app.sniEndpoints.some((e) => e.name === cert.name)) {
      return ctx.problem(`duplicate SNI endpoint ${cert.name}`, 'apps', i, 'sni_endpoints', j, 'name');
    }
    const createdAt = ctx.createdAt(cert.created_at, app.createdAt, 'sni-endpoint', app.name, cert.name);
    const startsAt = isoSeconds(cert.starts_at ?? createdAt);
    if (Date.parse(cert.expires_at) <= Date.parse(startsAt)) {
      ctx.problem(`expires_at must be after starts_at (${startsAt})`, 'apps', i, 'sni_endpoints', j, 'expires_at');
    }
    const selfSigned = cert.self_signed ?? false;
    const endpoint: SniEndpoint = {
      id: deriveId('sni-endpoint', app.name, cert.name),
      certId: deriveId('ssl-cert', app.name, cert.name),
      app,
      name: cert.name,
      certDomains: cert.cert_domains,
      startsAt,
      expiresAt: isoSeconds(cert.expires_at),
      issuer: cert.issuer ?? (selfSigned ? `/CN=${cert.cert_domains[0]}` : "/C=US/O=Let's Encrypt/CN=R11"),
      subject: cert.subject ?? `/CN=${cert.cert_domains[0]}`,
      selfSigned,
      caSigned: cert.ca_signed ?? !selfSigned,
      domains: [],
      createdAt,
      updatedAt: typeof cert.updated_at === 'string' ? isoSeconds(cert.updated_at) : createdAt,
      given: ctx.given('sniEndpoint', cert),
    };
    app.sniEndpoints.push(endpoint);
  });

  // Every app answers on its herokuapp.com domain; scenario domains are custom ones.
  const herokuHost = new URL(app.webUrl).hostname;
  app.domains.push({
    id: deriveId('domain', app.name, herokuHost),
    app,
    hostname: herokuHost,
    kind: 'heroku',
    sniEndpoint: null,
    createdAt: app.createdAt,
    updatedAt: app.createdAt,
    given: {},
  });
  (source.domains ?? []).forEach((domain, j) => {
    const hostname = domain.hostname.toLowerCase();
    const holder = hostnames.get(hostname);
    if (holder) return ctx.problem(`hostname ${hostname} is already a domain of ${holder}; Heroku hostnames are unique`, 'apps', i, 'domains', j, 'hostname');
    hostnames.set(hostname, app.name);
    let sniEndpoint: SniEndpoint | null = null;
    if (domain.sni_endpoint) {
      sniEndpoint = app.sniEndpoints.find((e) => e.name === domain.sni_endpoint) ?? null;
      if (!sniEndpoint) {
        ctx.problem(`no SNI endpoint named ${domain.sni_endpoint} on app ${app.name}`, 'apps', i, 'domains', j, 'sni_endpoint');
      }
    }
    const createdAt = ctx.createdAt(domain.created_at, app.createdAt, 'domain', app.name, hostname);
    const entry: Domain = {
      id: typeof domain.id === 'string' ? domain.id.toLowerCase() : deriveId('domain', app.name, hostname),
      app,
      hostname,
      kind: 'custom',
      sniEndpoint,
      createdAt,
      updatedAt: typeof domain.updated_at === 'string' ? isoSeconds(domain.updated_at) : createdAt,
      given: ctx.given('domain', domain),
    };
    app.domains.push(entry);
    sniEndpoint?.domains.push(entry);
  });
}

function buildCollaborators(ctx: BuildContext, app: App, source: ScenarioApp, i: number): void {
  if (app.owner) {
    app.collaborators.push(collaborator(app, app.owner, 'owner', null, app.createdAt));
  }
  (source.collaborators ?? []).forEach((entry, j) => {
    const user = ctx.user(entry.email, { federated: (entry.user as { federated?: unknown } | undefined)?.federated });
    if (app.collaborators.some((c) => c.user === user)) {
      return ctx.problem(`${entry.email} is already a collaborator on ${app.name}`, 'apps', i, 'collaborators', j, 'email');
    }
    if (entry.permissions && !app.team) {
      ctx.problem('permissions apply to collaborators on team apps only', 'apps', i, 'collaborators', j, 'permissions');
    }
    const membership = app.team?.members.find((m) => m.user === user);
    const role = membership ? (membership.role === 'owner' ? 'admin' : membership.role) : 'collaborator';
    let permissions: Collaborator['permissions'] = null;
    if (app.team) {
      permissions = role === 'admin' ? [...ALL_PERMISSIONS] : ALL_PERMISSIONS.filter((p) => p === 'view' || entry.permissions?.includes(p));
    }
    const at = ctx.createdAt(entry.created_at, app.createdAt, 'collaborator', app.name, user.email);
    const created = collaborator(app, user, role, permissions, at);
    created.given = ctx.given('collaborator', entry);
    app.collaborators.push(created);
  });
}

function collaborator(app: App, user: App['owner'] & object, role: Collaborator['role'], permissions: Collaborator['permissions'], at: string): Collaborator {
  const entry: Collaborator = {
    id: deriveId('collaborator', app.name, user.email),
    app,
    user,
    permissions,
    role,
    createdAt: at,
    updatedAt: at,
    given: {},
  };
  user.collaborations.push(entry);
  return entry;
}

function buildReleases(ctx: BuildContext, app: App, source: ScenarioApp, i: number): void {
  const { world } = ctx;
  // Releases the scenario does not date follow each other in version order, the first at the app's creation.
  const dated = new Map<number, string>();
  let previous: string | null = null;
  for (const entry of [...(source.releases ?? [])].sort((a, b) => a.version - b.version)) {
    const at: string =
      previous === null && entry.created_at === undefined
        ? app.createdAt
        : ctx.createdAt(entry.created_at, previous ?? app.createdAt, 'release', app.name, entry.version);
    dated.set(entry.version, at);
    previous = at;
  }
  (source.releases ?? []).forEach((entry, j) => {
    if (app.releases.some((r) => r.version === entry.version)) {
      return ctx.problem(`release v${entry.version} is listed twice`, 'apps', i, 'releases', j, 'version');
    }
    const createdAt = dated.get(entry.version)!;
    const user = entry.user ? ctx.user(entry.user) : (app.owner ?? app.team?.members.find((m) => m.role === 'admin')?.user ?? null);
    const release: Release = {
      id: typeof entry.id === 'string' ? entry.id.toLowerCase() : deriveId('release', app.name, entry.version),
      app,
      version: entry.version,
      description:
        typeof entry.description === 'string'
          ? entry.description
          : entry.slug?.commit
            ? `Deploy ${entry.slug.commit.slice(0, 8)}`
            : `Release v${entry.version}`,
      user: user ? { id: user.id, email: user.email } : app.ownerRef,
      status: entry.status ?? 'succeeded',
      slug: null,
      ociImage: null,
      current: false,
      createdAt,
      updatedAt: typeof entry.updated_at === 'string' ? isoSeconds(entry.updated_at) : createdAt,
      given: ctx.given('release', entry),
    };
    if (app.generation === 'fir' && entry.slug) {
      ctx.problem('a Fir-generation app deploys OCI images, not slugs: give the release oci_image instead of slug', 'apps', i, 'releases', j, 'slug');
    }
    if (app.generation === 'cedar' && entry.oci_image) {
      ctx.problem(
        "only Fir-generation apps deploy OCI images: set the app's generation to fir, or give the release a slug",
        'apps',
        i,
        'releases',
        j,
        'oci_image',
      );
    }
    if (entry.oci_image) release.ociImage = { id: entry.oci_image.id?.toLowerCase() ?? deriveId('oci-image', app.name, entry.version) };
    if (entry.slug) {
      const files = entry.slug.files ?? {};
      const binaryFiles = Object.fromEntries(
        Object.entries(entry.slug.binary_files ?? {}).map(([path, base64]) => [path, new Uint8Array(Buffer.from(base64, 'base64'))]),
      );
      for (const path of [...Object.keys(files), ...Object.keys(binaryFiles)]) {
        // Paths become tar entries under ./app/: a path that could leave it (absolute, .., backslashes, NUL) is refused.
        if (
          path === '' ||
          path.startsWith('/') ||
          path.includes('\\') ||
          path.includes('\0') ||
          path.split('/').some((part) => part === '..' || part === '.' || part === '')
        ) {
          ctx.problem(
            `slug file path ${JSON.stringify(path)} must be relative, made of plain names separated by / (no "..", ".", empty parts, backslashes or leading /)`,
            'apps',
            i,
            'releases',
            j,
            'slug',
            'files',
          );
        }
      }
      const guess = guessBuildpack(files);
      release.slug = {
        id: typeof entry.slug.id === 'string' ? entry.slug.id.toLowerCase() : deriveId('slug', app.name, entry.version),
        app,
        release,
        commit: entry.slug.commit ?? null,
        files,
        binaryFiles,
        processTypes: guess.processTypes,
        buildpackDescription: guess.description,
        createdAt,
        updatedAt: createdAt,
        given: ctx.given('slug', entry.slug),
      };
      world.slugs.set(release.slug.id, release.slug);
    }
    app.releases.push(release);
  });
  app.releases.sort((a, b) => a.version - b.version);
  const current = app.releases.filter((r) => r.status === 'succeeded').at(-1) ?? null;
  if (current) {
    current.current = true;
    app.currentRelease = current;
    app.updatedAt = latest(app.updatedAt, current.createdAt);
  }
}

function buildProcesses(ctx: BuildContext, app: App, source: ScenarioApp, i: number): void {
  const processTypes = app.currentRelease?.slug?.processTypes ?? {};
  (source.formation ?? []).forEach((entry, j) => {
    if (app.formation.some((f) => f.type === entry.type)) {
      return ctx.problem(`process type ${entry.type} is listed twice`, 'apps', i, 'formation', j, 'type');
    }
    const at = ctx.createdAt(entry.created_at, app.createdAt, 'formation', app.name, entry.type);
    app.formation.push({
      id: deriveId('formation', app.name, entry.type),
      app,
      type: entry.type,
      quantity: entry.quantity ?? 1,
      size: entry.size ?? 'Standard-1X',
      command: typeof entry.command === 'string' ? entry.command : (processTypes[entry.type] ?? `bin/${entry.type}`),
      createdAt: at,
      updatedAt: at,
      given: ctx.given('formation', entry),
    });
  });
  (source.log_drains ?? []).forEach((entry, j) => {
    if (app.logDrains.some((d) => d.url === entry.url)) {
      return ctx.problem('this log drain URL is listed twice', 'apps', i, 'log_drains', j, 'url');
    }
    const at = ctx.createdAt(entry.created_at, app.createdAt, 'log-drain', app.name, entry.url);
    app.logDrains.push({
      id: deriveId('log-drain', app.name, entry.url),
      app,
      url: entry.url,
      token: `d.${deriveId('log-drain-token', app.name, entry.url)}`,
      createdAt: at,
      updatedAt: at,
      given: ctx.given('logDrain', entry),
    });
  });
}

/** Heroku appends a 12-character identifier to the herokuapp.com subdomain of apps created from 14 June 2023; older apps keep their bare name. */
const IDENTIFIED_SUBDOMAINS_FROM = Date.parse('2023-06-14T00:00:00Z');

function herokuAppUrl(name: string, createdAt: string): string {
  const subdomain = Date.parse(createdAt) < IDENTIFIED_SUBDOMAINS_FROM ? name : `${name}-${deriveHex(12, 'web-url', name)}`;
  return `https://${subdomain}.herokuapp.com/`;
}
