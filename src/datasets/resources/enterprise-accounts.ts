import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'enterprise_accounts',
  description: 'Enterprise accounts the account is a member of, with its permissions there.',
  path: '/enterprise-accounts',
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    always(col.text('name', 'Enterprise account name')),
    col.json('permissions', "The connection's permissions: view, create, manage, billing"),
    col.text('identity_provider_name', 'Identity provider members sign in with, if any', 'identity_provider.name'),
    col.bool('trial', 'Whether it is a trial'),
    col.created(),
    col.updated(),
  ],
});
