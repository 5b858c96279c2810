import { col, defineResource } from '../resource.js';

export default defineResource({
  name: 'addon_services',
  description: 'The add-on services Heroku offers.',
  path: '/addon-services',
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    col.text('name', 'Service name, e.g. heroku-postgresql'),
    col.text('human_name', 'Display name'),
    col.text('state', 'alpha, beta, ga or shutdown'),
    col.bool('supports_sharing', 'Whether it can be attached to several apps'),
    col.bool('supports_multiple_installations', 'Whether an app can have several'),
    col.created(),
  ],
});
