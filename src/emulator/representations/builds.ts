import { deriveHex, deriveId } from '../world/ids.js';
import type { App, Release } from '../world/types.js';
import type { Json, RepresentContext } from './context.js';

/** The official buildpack each language's slug was built with, by the description its slug carries. */
const BUILDPACKS: Record<string, string> = {
  'Node.js': 'heroku/nodejs',
  Ruby: 'heroku/ruby',
  Python: 'heroku/python',
  Go: 'heroku/go',
  PHP: 'heroku/php',
  Java: 'heroku/java',
};

function buildpacksOf(app: App): { url: string; name: string }[] {
  const description = app.currentRelease?.slug?.buildpackDescription ?? [...app.releases].reverse().find((r) => r.slug)?.slug?.buildpackDescription ?? null;
  const name = description ? BUILDPACKS[description] : undefined;
  return name ? [{ url: name, name }] : [];
}

/** The buildpacks set on an app: its language's official one. */
export function buildpackInstallationsJson(app: App): Json[] {
  return buildpacksOf(app).map((buildpack, i) => ({ ordinal: i, buildpack }));
}

/** Releases that came from a build: those with a slug (Heroku keeps the build of each). */
export function builtReleases(app: App): Release[] {
  return app.releases.filter((r) => r.slug !== null);
}

export function buildId(release: Release): string {
  return deriveId('build', release.app.id, release.version);
}

/** A release's build, finished a little before the release was made; its output is served by the emulator. */
export function buildJson(release: Release, ctx: RepresentContext): Json {
  const slug = release.slug!;
  const id = buildId(release);
  return {
    app: { id: release.app.id },
    buildpacks: buildpacksOf(release.app),
    created_at: release.createdAt,
    generation: release.app.generation,
    id,
    output_stream_url: `${ctx.baseUrl}/__emulator/streams/builds/${id}`,
    // The sources a slug was built from are its files: the slug's own archive stands for them.
    source_blob: {
      checksum: null,
      url: `${ctx.baseUrl}/__emulator/blobs/slugs/${slug.id}.tar.gz`,
      version: slug.commit,
      version_description: slug.commit ? `Commit ${slug.commit}` : null,
    },
    release: { id: release.id },
    slug: { id: slug.id },
    stack: release.app.buildStack.info.name,
    status: 'succeeded',
    updated_at: release.createdAt,
    user: release.user,
  };
}

/** A Fir release's OCI image. */
export function ociImageJson(release: Release): Json {
  const app = release.app;
  return {
    id: release.ociImage!.id,
    base_image_name: `heroku/${app.stack.info.name.replace('heroku-', 'heroku:')}-cnb`,
    base_top_layer: `sha256:${deriveHex(64, 'base-layer', app.stack.info.name)}`,
    commit: deriveHex(40, 'commit', app.id, release.version),
    commit_description: release.description,
    image_repo: `registry.heroku.com/${app.name}`,
    digest: `sha256:${deriveHex(64, 'image', release.ociImage!.id)}`,
    stack: { id: app.stack.id, name: app.stack.info.name },
    process_types: Object.fromEntries(
      app.formation.map((f) => [
        f.type,
        { name: f.type, display_cmd: f.command, command: `/cnb/process/${f.type}`, working_dir: '/workspace', default: f.type === 'web' },
      ]),
    ),
    buildpacks: buildpacksOf(app).map((b) => ({ id: b.name, version: '1.0.0', homepage: `https://github.com/${b.name.replace('/', '/buildpacks-')}` })),
    created_at: release.createdAt,
    updated_at: release.updatedAt,
    architecture: 'amd64',
    deleted_at: null,
  };
}

/** What a build printed, as the build output stream serves it. */
export function buildOutput(release: Release): string {
  const slug = release.slug!;
  const buildpack = buildpacksOf(release.app)[0]?.name ?? 'the detected buildpack';
  return [
    '-----> Building on the Heroku-' + release.app.buildStack.info.name.replace('heroku-', '') + ' stack',
    `-----> Using buildpack: ${buildpack}`,
    `-----> ${slug.buildpackDescription ?? 'App'} app detected`,
    '-----> Installing dependencies',
    '-----> Discovering process types',
    `       Procfile declares types -> ${Object.keys(slug.processTypes).join(', ') || '(none)'}`,
    '-----> Compressing...',
    '-----> Launching...',
    `       Released v${release.version}`,
    `       https://${release.app.name}.herokuapp.com/ deployed to Heroku`,
    '',
  ].join('\n');
}
