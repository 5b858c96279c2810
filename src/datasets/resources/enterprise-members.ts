import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'enterprise_members',
  description: 'Members of each enterprise account with their permissions (needs the `view` permission).',
  parent: 'enterprise_accounts',
  path: (enterprise) => `/enterprise-accounts/${enterprise.key}/members`,
  shape: 'list',
  requires: 'enterprise-view',
  columns: [
    col.id('Id of the membership'),
    always(col.text('enterprise_account_id', 'Id of the enterprise account', 'enterprise_account.id')),
    always(col.text('enterprise_account_name', 'Name of the enterprise account', 'enterprise_account.name')),
    always(col.text('email', 'Email of the member', 'user.email')),
    col.text('user_id', "Id of the member's account", 'user.id'),
    col.json('permissions', 'Permissions held: [{name, description}] with names view, create, manage, billing'),
    col.bool('two_factor_authentication', 'Whether the member has 2FA on'),
    col.text('identity_provider_name', 'Identity provider of a federated member (null: not federated)', 'identity_provider.name'),
  ],
});
