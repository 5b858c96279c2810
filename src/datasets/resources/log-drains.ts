import { appPath, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'log_drains',
  description: "Where each app's logs are sent (credentials in drain URLs are removed before storage).",
  parent: 'apps',
  path: appPath('/log-drains'),
  shape: 'list',
  omit: ['token'],
  requires: 'read',
  columns: [
    col.id(),
    ...col.app(),
    col.text('url', 'Drain URL, without credentials'),
    col.text('addon_name', 'Add-on providing the drain, if any', 'addon.name'),
    col.created(),
    col.updated(),
  ],
});
