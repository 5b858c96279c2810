import { errors } from '../http/errors.js';
import {
  appJson,
  collaboratorJson,
  configVarsJson,
  domainJson,
  dynosJson,
  formationJson,
  logDrainJson,
  releaseJson,
  slugJson,
  sniEndpointsJson,
  teamAppJson,
} from '../representations/apps.js';
import { buildId, buildJson, buildpackInstallationsJson, builtReleases, ociImageJson } from '../representations/builds.js';
import { featureJson } from '../representations/catalog.js';
import { couplingJson } from '../representations/platform.js';
import { APP_FEATURES } from '../world/catalog.js';
import { appFor, byIdentity, requireSelf, teamFor } from './lookup.js';
import { get, type RouteContext, type RouteSpec } from './route.js';
import type { App } from '../world/types.js';

function teamAppFor(ctx: RouteContext): App {
  const app = appFor(ctx);
  if (!app.team) throw errors.notFound('app', 'team app');
  return app;
}

function found<T>(value: T | undefined, resource: string, noun?: string): T {
  if (value === undefined) throw errors.notFound(resource, noun);
  return value;
}

export const appRoutes: RouteSpec[] = [
  get('/apps', 'read', (ctx) => ({ list: ctx.access.visibleApps(ctx.viewer).map(appJson) })),
  get('/users/:user/apps', 'read', (ctx) => {
    requireSelf(ctx);
    // Personal apps and apps the user collaborates on; team apps only where they are a collaborator.
    const apps = new Set<App>(ctx.viewer.personalApps);
    for (const collaboration of ctx.viewer.collaborations) apps.add(collaboration.app);
    return { list: [...apps].map(appJson) };
  }),
  get('/apps/:app', 'read', (ctx) => ({ json: appJson(appFor(ctx)) })),
  get('/teams/:team/apps', 'read', (ctx) => {
    const team = teamFor(ctx);
    return { list: ctx.access.teamApps(ctx.viewer, team).map((app) => teamAppJson(app, ctx)) };
  }),
  get('/teams/apps/:app', 'read', (ctx) => ({ json: teamAppJson(teamAppFor(ctx), ctx) })),

  get('/apps/:app/config-vars', 'read-protected', (ctx) => ({ json: configVarsJson(appFor(ctx)) })),

  get('/apps/:app/domains', 'read', (ctx) => ({ list: appFor(ctx).domains.map(domainJson) })),
  get('/apps/:app/domains/:domain', 'read', (ctx) => ({
    json: domainJson(
      found(
        byIdentity(appFor(ctx).domains, ctx.params.domain!, (d) => d.hostname),
        'domain',
      ),
    ),
  })),
  // ACM certificates are listed too, valid for a time that moves with the clock: not cached.
  get('/apps/:app/sni-endpoints', 'read', (ctx) => ({ list: sniEndpointsJson(appFor(ctx), ctx.world.now()) }), { cacheable: false }),
  get('/apps/:app/sni-endpoints/:endpoint', 'read', (ctx) => ({
    json: found(
      sniEndpointsJson(appFor(ctx), ctx.world.now()).find((e) => e.id === ctx.params.endpoint || e.name === ctx.params.endpoint),
      'sni_endpoint',
      'SNI endpoint',
    ),
  })),
  // The legacy SSL Endpoint add-on reached end of life on 2021-10-18.
  get('/apps/:app/ssl-endpoints', 'read', (ctx) => {
    appFor(ctx);
    throw errors.gone('SSL Endpoint has been removed. Use SNI endpoints (`/apps/{app}/sni-endpoints`) or Automated Certificate Management instead.');
  }),

  get('/apps/:app/collaborators', 'read', (ctx) => ({ list: appFor(ctx).collaborators.map(collaboratorJson) })),
  get('/apps/:app/collaborators/:collaborator', 'read', (ctx) => ({
    json: collaboratorJson(
      found(
        byIdentity(appFor(ctx).collaborators, ctx.params.collaborator!, (c) => c.user.email),
        'collaborator',
      ),
    ),
  })),
  get('/teams/apps/:app/collaborators', 'read', (ctx) => ({ list: teamAppFor(ctx).collaborators.map(collaboratorJson) })),
  get('/teams/apps/:app/collaborators/:collaborator', 'read', (ctx) => ({
    json: collaboratorJson(
      found(
        byIdentity(teamAppFor(ctx).collaborators, ctx.params.collaborator!, (c) => c.user.email),
        'collaborator',
      ),
    ),
  })),

  get('/apps/:app/formation', 'read', (ctx) => ({ list: appFor(ctx).formation.map(formationJson) })),
  get('/apps/:app/formation/:formation', 'read', (ctx) => ({
    json: formationJson(
      found(
        byIdentity(appFor(ctx).formation, ctx.params.formation!, (f) => f.type),
        'formation',
      ),
    ),
  })),
  // Dynos restart daily: the answer moves with the clock, so it is not cached.
  get('/apps/:app/dynos', 'read', (ctx) => ({ list: dynosJson(appFor(ctx), ctx.world.now()) }), { ranges: ['id', 'name'], cacheable: false }),
  get('/apps/:app/dynos/:dyno', 'read', (ctx) => {
    const wanted = ctx.params.dyno!.toLowerCase();
    return {
      json: found(
        dynosJson(appFor(ctx), ctx.world.now()).find((d) => d.id === wanted || d.name === wanted),
        'dyno',
      ),
    };
  }),
  get('/apps/:app/log-drains', 'read', (ctx) => ({ list: appFor(ctx).logDrains.map(logDrainJson) })),
  get('/apps/:app/log-drains/:drain', 'read', (ctx) => ({
    json: logDrainJson(
      found(
        byIdentity(
          appFor(ctx).logDrains,
          ctx.params.drain!,
          (d) => d.url,
          (d) => d.token,
        ),
        'drain',
        'log drain',
      ),
    ),
  })),

  get('/apps/:app/releases', 'read', (ctx) => ({ list: appFor(ctx).releases.map(releaseJson) }), { ranges: ['id', 'version'] }),
  get('/apps/:app/releases/:release', 'read', (ctx) => ({
    json: releaseJson(
      found(
        byIdentity(appFor(ctx).releases, ctx.params.release!, (r) => r.version),
        'release',
      ),
    ),
  })),
  get('/apps/:app/slugs/:slug', 'read', (ctx) => {
    const app = appFor(ctx);
    const slug = ctx.world.slugs.get(ctx.params.slug!.toLowerCase());
    // Heroku destroys the slugs of expired releases (its retention rules): the release stays, its slug is gone.
    if (!slug || slug.app !== app || slug.release.status === 'expired') throw errors.notFound('slug');
    return { json: slugJson(slug, ctx) };
  }),
  get('/apps/:app/pipeline-couplings', 'read', (ctx) => {
    const coupling = appFor(ctx).coupling;
    if (!coupling) throw errors.notFound('pipeline_coupling');
    return { json: couplingJson(coupling) };
  }),

  get('/apps/:app/features', 'read', (ctx) => {
    const app = appFor(ctx);
    return { list: APP_FEATURES.map((f) => featureJson(f, app, false)) };
  }),
  get('/apps/:app/features/:feature', 'read', (ctx) => {
    const app = appFor(ctx);
    const wanted = ctx.params.feature!.toLowerCase();
    const feature = APP_FEATURES.find((f) => f.name === wanted || featureJson(f, app, false).id === wanted);
    if (!feature) throw errors.notFound('feature');
    return { json: featureJson(feature, app, false) };
  }),
  get('/apps/:app/builds', 'read', (ctx) => ({ list: builtReleases(appFor(ctx)).map((r) => buildJson(r, ctx)) })),
  get('/apps/:app/builds/:build', 'read', (ctx) => {
    const wanted = ctx.params.build!.toLowerCase();
    const release = builtReleases(appFor(ctx)).find((r) => buildId(r) === wanted);
    if (!release) throw errors.notFound('build');
    return { json: buildJson(release, ctx) };
  }),
  get('/apps/:app/buildpack-installations', 'read', (ctx) => ({ json: buildpackInstallationsJson(appFor(ctx)) })),
  // The emulator keeps an app's config vars as they are now: every release is served with them.
  get('/apps/:app/releases/:release/config-vars', 'read-protected', (ctx) => {
    const app = appFor(ctx);
    found(
      byIdentity(app.releases, ctx.params.release!, (r) => r.version),
      'release',
    );
    return { json: configVarsJson(app) };
  }),
  get('/apps/:app/oci-images/:image', 'read', (ctx) => {
    const wanted = ctx.params.image!.toLowerCase();
    // An image is named by its id or its digest; Heroku answers with the list of images it matches.
    const images = appFor(ctx)
      .releases.filter((r) => r.ociImage)
      .map((r) => ociImageJson(r))
      .filter((image) => image.id === wanted || image.digest === wanted);
    if (images.length === 0) throw errors.notFound('oci_image', 'OCI image');
    return { json: images.slice(0, 1) };
  }),
];
