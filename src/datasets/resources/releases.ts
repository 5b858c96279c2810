import { appPath, col, defineResource } from '../resource.js';

/** Newest first, down to (and including) the current release. */
function newestToCurrent(items: Record<string, unknown>[]): Record<string, unknown>[] {
  const current = items.findIndex((r) => r.current === true);
  return current === -1 ? items.slice(0, 1) : items.slice(0, current + 1);
}

export default defineResource({
  name: 'releases',
  description: 'The latest release of each app and, when that is not the one running, the current release too.',
  parent: 'apps',
  path: appPath('/releases'),
  // The slug or OCI image of the current release is read under it.
  heldForChildren: ['id', 'version', 'current', 'slug', 'artifacts', 'app'],
  shape: 'list',
  range: { field: 'version', order: 'desc', max: 10 },
  select: newestToCurrent,
  requires: 'read',
  columns: [
    col.id(),
    ...col.app(),
    col.int('version', 'Release number'),
    col.text('status', 'succeeded, failed, pending or expired'),
    col.bool('current', 'Whether this release is running'),
    col.text('description', 'What the release did'),
    col.text('user_email', 'Who made it', 'user.email'),
    col.text('slug_id', 'Slug deployed, if any', 'slug.id'),
    col.json('addon_plan_names', 'Add-on plans at the time of the release'),
    col.created(),
  ],
});
