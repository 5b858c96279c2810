import { always, appPath, col, defineResource, withApp } from '../resource.js';

/**
 * Config var names per app. The values never reach herowatch: the client
 * drops them as soon as the response is parsed.
 */
export default defineResource({
  name: 'config_vars',
  description: "Names of each app's config vars (values are never collected).",
  parent: 'apps',
  path: appPath('/config-vars'),
  shape: 'map',
  key: (item, app) => `${app!.key}:${String(item.name)}`,
  enrich: withApp,
  requires: 'read-protected',
  columns: [...col.app(), always(col.text('name', 'Config var name'))],
});
