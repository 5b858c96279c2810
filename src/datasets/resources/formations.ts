import { appPath, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'formations',
  description: 'Process types of each app with their dyno size and count.',
  parent: 'apps',
  path: appPath('/formation'),
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    ...col.app(),
    col.text('type', 'Process type (web, worker...)'),
    col.int('quantity', 'Number of dynos'),
    col.text('size', 'Dyno size'),
    col.text('command', 'Command the dynos run'),
    col.created(),
    col.updated(),
  ],
});
