import type { Release } from '@heroku-cli/schema';
import { col, defineResource } from '../resource.js';

export default defineResource({
  name: 'slugs',
  description: "The slug (built code) of each app's current release.",
  parent: 'releases',
  path: (release) => {
    const { current, slug, app } = release.item as Release;
    return current === true && slug?.id && app?.id ? `/apps/${app.id}/slugs/${slug.id}` : null;
  },
  shape: 'object',
  enrich: (_item, release) => ({ app: release!.item.app, release: { id: release!.item.id, version: release!.item.version } }),
  omit: ['blob'],
  requires: 'read',
  columns: [
    col.id(),
    ...col.app(),
    col.int('release_version', 'Release the slug runs in', 'release.version'),
    col.text('commit', 'Commit the slug was built from'),
    col.text('commit_description', 'Commit message'),
    col.text('checksum', 'Checksum of the slug archive'),
    col.int('size', 'Size in bytes'),
    col.text('stack', 'Stack it was built for', 'stack.name'),
    col.text('buildpack_provided_description', 'Language or framework detected by the buildpack'),
    col.json('process_types', 'Process types and their commands'),
    col.created(),
  ],
});
