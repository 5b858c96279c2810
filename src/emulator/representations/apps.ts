import { slugBlob } from '../blobs/slug-blob.js';
import { ACM, APP_PERMISSIONS, SNI_ENDPOINT_NAMES } from '../world/catalog.js';
import { deriveFraction, deriveId } from '../world/ids.js';
import { DAY_MS, isoSeconds } from '../world/time.js';
import type { App, Collaborator, Domain, Formation, LogDrain, Release, Slug, SniEndpoint, User } from '../world/types.js';
import { cachedPer, withGiven, type Json, type RepresentContext } from './context.js';

const GENERATIONS = { cedar: { id: deriveId('generation', 'cedar'), name: 'cedar' }, fir: { id: deriveId('generation', 'fir'), name: 'fir' } };

const ref = (entity: { id: string; name: string }): Json => ({ id: entity.id, name: entity.name });

export const appJson = cachedPer((app: App): Json => {
  const slug = app.currentRelease?.slug ?? null;
  return withGiven(
    {
      acm: app.acm,
      archived_at: null,
      buildpack_provided_description: slug?.buildpackDescription ?? null,
      build_stack: { id: app.buildStack.id, name: app.buildStack.info.name },
      created_at: app.createdAt,
      generation: GENERATIONS[app.generation],
      git_url: `https://git.heroku.com/${app.name}.git`,
      id: app.id,
      internal_routing: null,
      maintenance: app.maintenance,
      name: app.name,
      owner: app.ownerRef,
      organization: app.team ? ref(app.team) : null,
      team: app.team ? ref(app.team) : null,
      region: { id: app.region.id, name: app.region.info.name },
      released_at: app.currentRelease?.createdAt ?? null,
      repo_size: null,
      slug_size: slug ? slugBlob(slug).bytes.length : null,
      space: null,
      stack: { id: app.stack.id, name: app.stack.info.name },
      updated_at: app.updatedAt,
      web_url: app.webUrl,
      // Beyond the schema, as Heroku serves them (the CLI reads both): see BEYOND_SCHEMA.
      create_status: 'complete',
      process_tier: processTier(app),
    },
    appFields(app.given),
  );
});

/** The tier the app's dynos bill in: `eco` or `basic` when all its dynos are, `production` otherwise. */
function processTier(app: App): string {
  const sizes = new Set(app.formation.map((f) => f.size.toLowerCase()));
  if (sizes.size === 1 && (sizes.has('eco') || sizes.has('basic'))) return [...sizes][0]!;
  return 'production';
}

/** Eco dyno hours: 1,000 a month, shared by the account's Eco apps (Heroku Dev Center, "Eco Dyno Hours"). */
const ECO_HOURS_A_MONTH = 1000;

/**
 * An account's Eco dyno hours this month (beyond the schema; `heroku ps`
 * reads it for an Eco app), in seconds, or null when it owns no Eco app.
 * Eco dynos sleep when idle, so each app has used a share of the month so
 * far that varies by app and by month.
 */
export function ecoQuotaJson(owner: User, now: Date): Json | null {
  const apps = owner.personalApps.filter((a) => processTier(a) === 'eco');
  if (apps.length === 0) return null;
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const elapsed = Math.max(0, Math.floor((now.getTime() - monthStart) / 1000));
  const month = new Date(monthStart).toISOString().slice(0, 7);
  const quota = ECO_HOURS_A_MONTH * 3600;
  const used = apps.map((app) => {
    const dynos = app.formation.reduce((sum, f) => sum + f.quantity, 0);
    return { app_uuid: app.id, quota_used: Math.floor(elapsed * dynos * (0.1 + 0.5 * deriveFraction('eco-usage', app.id, month))) };
  });
  return {
    account_quota: quota,
    quota_used: Math.min(
      quota,
      used.reduce((sum, a) => sum + a.quota_used, 0),
    ),
    apps: used,
  };
}

/** The given fields an app serves; `locked` and `joined` belong to the team-app view. */
function appFields(given: Json): Json {
  if (!('locked' in given) && !('joined' in given)) return given;
  const { locked: _locked, joined: _joined, ...rest } = given;
  return rest;
}

/** The team-app view of an app: `locked` and whether the viewer has joined it. */
export function teamAppJson(app: App, ctx: RepresentContext): Json {
  const base = appJson(app);
  return {
    archived_at: base.archived_at,
    buildpack_provided_description: base.buildpack_provided_description,
    build_stack: base.build_stack,
    created_at: base.created_at,
    git_url: base.git_url,
    id: app.id,
    internal_routing: base.internal_routing,
    joined: app.collaborators.some((c) => c.user === ctx.viewer),
    locked: app.locked,
    maintenance: base.maintenance,
    name: app.name,
    team: app.team ? { name: app.team.name } : null,
    owner: base.owner,
    region: base.region,
    released_at: base.released_at,
    repo_size: base.repo_size,
    slug_size: base.slug_size,
    space: null,
    stack: base.stack,
    updated_at: base.updated_at,
    web_url: base.web_url,
    ...pick(app.given, ['locked', 'joined']),
  };
}

function pick(source: Json, keys: string[]): Json {
  const out: Json = {};
  for (const key of keys) if (key in source) out[key] = source[key];
  return out;
}

export const collaboratorJson = cachedPer((collaborator: Collaborator): Json => {
  const json: Json = {
    app: { name: collaborator.app.name, id: collaborator.app.id },
    created_at: collaborator.createdAt,
    id: collaborator.id,
    role: collaborator.role,
    updated_at: collaborator.updatedAt,
    user: { email: collaborator.user.email, federated: collaborator.user.federated, id: collaborator.user.id },
  };
  if (collaborator.permissions) {
    json.permissions = APP_PERMISSIONS.filter((p) => collaborator.permissions!.includes(p.name)).map((p) => ({ ...p }));
  }
  return withGiven(json, collaborator.given);
});

/**
 * The ACM status Heroku reports for a domain: the scenario's when it gives
 * one, otherwise "cert issued" for a custom domain of an ACM app that has no
 * uploaded certificate.
 */
function acmStatus(domain: Domain): string | null {
  if ('acm_status' in domain.given) return (domain.given.acm_status as string | null) ?? null;
  return domain.kind === 'custom' && domain.app.acm && !domain.sniEndpoint ? 'cert issued' : null;
}

/** The custom domains of an app that ACM has issued a certificate for: each is served by an SNI endpoint of its own. */
export function acmDomains(app: App): Domain[] {
  if (!app.acm) return [];
  return app.domains.filter((d) => d.kind === 'custom' && !d.sniEndpoint && acmStatus(d) === 'cert issued');
}

/** The id and name of the SNI endpoint ACM serves a domain through, named as Heroku names endpoints. */
function acmEndpointRef(domain: Domain): { id: string; name: string } {
  const dinosaur = SNI_ENDPOINT_NAMES[Math.floor(deriveFraction('acm-endpoint-name', domain.id) * SNI_ENDPOINT_NAMES.length)];
  return { id: deriveId('acm-endpoint', domain.id), name: `${dinosaur}-${10000 + Math.floor(deriveFraction('acm-endpoint-number', domain.id) * 90000)}` };
}

/**
 * The SNI endpoint through which ACM serves a domain's certificate, listed
 * among the app's SNI endpoints with `ssl_cert.acm: true` (a field beyond the
 * schema; the CLI reads it). The certificate is renewed every 60 days from
 * the domain's creation, so its validity depends on the time asked.
 */
export function acmEndpointJson(domain: Domain, now: Date): Json {
  const created = Date.parse(domain.createdAt);
  const period = ACM.renewEveryDays * DAY_MS;
  const issued = created + Math.max(0, Math.floor((now.getTime() - created) / period)) * period;
  const certificate = {
    subject: `/CN=${domain.hostname}`,
    issuer: ACM.issuer,
    startsAt: isoSeconds(issued),
    expiresAt: isoSeconds(issued + ACM.validityDays * DAY_MS),
    certDomains: [domain.hostname],
  };
  return {
    certificate_chain: placeholderCertificate(certificate),
    created_at: domain.createdAt,
    ...acmEndpointRef(domain),
    updated_at: certificate.startsAt,
    display_name: null,
    domains: [domain.id],
    app: ref(domain.app),
    ssl_cert: {
      'ca_signed?': true,
      cert_domains: certificate.certDomains,
      expires_at: certificate.expiresAt,
      issuer: certificate.issuer,
      'self_signed?': false,
      starts_at: certificate.startsAt,
      subject: certificate.subject,
      id: deriveId('acm-certificate', domain.id, issued),
      acm: true,
    },
  };
}

/** An app's SNI endpoints as Heroku lists them: the uploaded certificates, then ACM's. */
export function sniEndpointsJson(app: App, now: Date): Json[] {
  return [...app.sniEndpoints.map(sniEndpointJson), ...acmDomains(app).map((d) => acmEndpointJson(d, now))];
}

export const domainJson = cachedPer((domain: Domain): Json => {
  const custom = domain.kind === 'custom';
  const acmIssued = acmDomains(domain.app).includes(domain);
  return withGiven(
    {
      acm_status: acmStatus(domain),
      acm_status_reason: null,
      app: { name: domain.app.name, id: domain.app.id },
      cname: custom ? `${domain.hostname.replace(/^\*\./, 'wildcard.')}.herokudns.com` : null,
      created_at: domain.createdAt,
      hostname: domain.hostname,
      id: domain.id,
      kind: domain.kind,
      updated_at: domain.updatedAt,
      status: 'succeeded',
      sni_endpoint: domain.sniEndpoint ? ref(domain.sniEndpoint) : acmIssued ? acmEndpointRef(domain) : null,
    },
    domain.given,
  );
});

export const sniEndpointJson = cachedPer((endpoint: SniEndpoint): Json =>
  withGiven(
    {
      certificate_chain: placeholderCertificate(endpoint),
      created_at: endpoint.createdAt,
      id: endpoint.id,
      name: endpoint.name,
      updated_at: endpoint.updatedAt,
      display_name: null,
      domains: endpoint.domains.map((d) => d.id),
      app: ref(endpoint.app),
      ssl_cert: {
        'ca_signed?': endpoint.caSigned,
        cert_domains: endpoint.certDomains,
        expires_at: endpoint.expiresAt,
        issuer: endpoint.issuer,
        'self_signed?': endpoint.selfSigned,
        starts_at: endpoint.startsAt,
        subject: endpoint.subject,
        id: endpoint.certId,
      },
    },
    endpoint.given,
  ),
);

/**
 * A PEM block standing in for the certificate: the emulator does not mint
 * X.509 certificates, so the facts live in `ssl_cert` (as Heroku parses them)
 * and this text says what it is. A scenario may give a real chain instead.
 */
function placeholderCertificate(endpoint: Pick<SniEndpoint, 'subject' | 'issuer' | 'startsAt' | 'expiresAt' | 'certDomains'>): string {
  const text = `herowatch emulator placeholder certificate; subject=${endpoint.subject}; issuer=${endpoint.issuer}; not_before=${endpoint.startsAt}; not_after=${endpoint.expiresAt}; domains=${endpoint.certDomains.join(',')}`;
  const base64 = Buffer.from(text)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

export const formationJson = cachedPer((formation: Formation): Json =>
  withGiven(
    {
      app: { name: formation.app.name, id: formation.app.id },
      command: formation.command,
      created_at: formation.createdAt,
      dyno_size: { id: deriveId('dyno-size', formation.size), name: formation.size },
      id: formation.id,
      quantity: formation.quantity,
      size: formation.size,
      type: formation.type,
      updated_at: formation.updatedAt,
    },
    formation.given,
  ),
);

/**
 * Running dynos: one per unit of each process type, on the current release.
 * Heroku restarts every dyno at least once a day (cycling), each at its own
 * time: a dyno's `created_at` is its latest start, the release's deploy when
 * that was less than a day ago.
 */
export function dynosJson(app: App, now: Date): Json[] {
  const release = app.currentRelease;
  if (!release) return [];
  const deployed = Date.parse(release.createdAt);
  return app.formation.flatMap((formation) =>
    Array.from({ length: formation.quantity }, (_, i) => {
      const name = `${formation.type}.${i + 1}`;
      const offset = Math.floor(deriveFraction('dyno-cycle', app.id, name) * DAY_MS * 0.2);
      const cycles = Math.max(0, Math.floor((now.getTime() - deployed - DAY_MS + offset) / DAY_MS) + 1);
      const started = isoSeconds(Math.min(now.getTime(), deployed + cycles * DAY_MS - (cycles > 0 ? offset : 0)));
      return {
        attach_url: null,
        command: formation.command,
        created_at: started,
        id: deriveId('dyno', app.name, formation.type, i + 1, release.version),
        name,
        release: { id: release.id, version: release.version },
        app: { name: app.name, id: app.id },
        size: formation.size,
        state: 'up',
        type: formation.type,
        updated_at: started,
      };
    }),
  );
}

export const logDrainJson = cachedPer((drain: LogDrain): Json =>
  withGiven(
    {
      addon: null,
      app: ref(drain.app),
      created_at: drain.createdAt,
      id: drain.id,
      token: drain.token,
      updated_at: drain.updatedAt,
      url: drain.url,
    },
    drain.given,
  ),
);

export const releaseJson = cachedPer((release: Release): Json =>
  withGiven(
    {
      addon_plan_names: release.app.ownedAddons.map((a) => a.plan.name),
      artifacts: release.slug ? [{ type: 'slug', id: release.slug.id }] : release.ociImage ? [{ type: 'oci-image', id: release.ociImage.id }] : [],
      app: { name: release.app.name, id: release.app.id },
      created_at: release.createdAt,
      description: release.description,
      id: release.id,
      updated_at: release.updatedAt,
      slug: release.slug ? { id: release.slug.id } : null,
      status: release.status,
      user: release.user,
      version: release.version,
      current: release.current,
      output_stream_url: null,
      eligible_for_rollback: release.status === 'succeeded' && !release.current,
    },
    release.given,
  ),
);

export function slugJson(slug: Slug, ctx: RepresentContext): Json {
  const blob = slugBlob(slug);
  return withGiven(
    {
      blob: { method: 'GET', url: `${ctx.baseUrl}/__emulator/blobs/slugs/${slug.id}.tar.gz` },
      buildpack_provided_description: slug.buildpackDescription,
      checksum: blob.checksum,
      commit: slug.commit,
      commit_description: slug.commit ? `Commit ${slug.commit}` : null,
      created_at: slug.createdAt,
      id: slug.id,
      process_types: slug.processTypes,
      size: blob.bytes.length,
      stack: { id: slug.app.stack.id, name: slug.app.stack.info.name },
      updated_at: slug.updatedAt,
      deleted_at: null,
    },
    slug.given,
  );
}

export function configVarsJson(app: App): Json {
  return Object.fromEntries(app.configVars);
}
