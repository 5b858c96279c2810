import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'addon_attachments',
  description: 'Which apps each add-on is attached to, and under which name (attachments of add-ons billed elsewhere included).',
  path: '/addon-attachments',
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    always(col.text('name', 'Attachment name; its config vars are prefixed with it')),
    ...col.app(),
    always(col.text('addon_id', 'Id of the add-on', 'addon.id')),
    always(col.text('addon_name', 'Name of the add-on', 'addon.name')),
    col.text('addon_app_id', "Id of the add-on's billing app", 'addon.app.id'),
    col.text('addon_app_name', "Name of the add-on's billing app", 'addon.app.name'),
    col.text('namespace', 'Attachment namespace'),
    col.created(),
    col.updated(),
  ],
});
