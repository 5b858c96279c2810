import { col, defineResource } from '../resource.js';

/** The OCI image a release runs, when it runs one (a Fir-generation app's build). */
function ociImageOf(release: Record<string, unknown>): string | null {
  const artifacts = Array.isArray(release.artifacts) ? (release.artifacts as { type?: unknown; id?: unknown }[]) : [];
  const image = artifacts.find((a) => a && a.type === 'oci-image' && typeof a.id === 'string');
  return image ? (image.id as string) : null;
}

export default defineResource({
  name: 'oci_images',
  description:
    "The OCI image of each Fir-generation app's current release: what it was built from (base image, buildpacks, commit). Heroku offers no download of an image; its packages come from an imported SBOM.",
  parent: 'releases',
  path: (release) => {
    const { current, app } = release.item as { current?: unknown; app?: { id?: unknown } };
    const image = ociImageOf(release.item);
    return current === true && image && typeof app?.id === 'string' ? `/apps/${app.id}/oci-images/${image}` : null;
  },
  // Heroku answers an image's info with a list: the images the id or digest names (one).
  shape: 'list',
  select: (items) => items.slice(0, 1),
  enrich: (_item, release) => ({ app: release!.item.app, release: { id: release!.item.id, version: release!.item.version } }),
  requires: 'read',
  columns: [
    col.id(),
    ...col.app(),
    col.int('release_version', 'Release the image runs in', 'release.version'),
    col.text('commit', 'Commit the image was built from'),
    col.text('commit_description', 'Commit message'),
    col.text('digest', 'Content digest of the image (sha256:...)'),
    col.text('image_repo', 'Registry repository the image is stored in'),
    col.text('base_image_name', 'Base image its layers start from (heroku/heroku:24-cnb)'),
    col.text('base_top_layer', 'Digest of the base image top layer'),
    col.text('stack', 'Stack it was built for', 'stack.name'),
    col.text('architecture', 'Build architecture (amd64, arm64)'),
    col.json('buildpacks', 'Cloud Native Buildpacks that built it (id, version, homepage)'),
    col.json('process_types', 'Process types and their commands'),
    col.created(),
  ],
});
