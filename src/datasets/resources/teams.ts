import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'teams',
  description: 'Teams the account is a member of.',
  path: '/teams',
  heldForChildren: ['id', 'name'],
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    always(col.text('name', 'Team name')),
    col.text('type', '`enterprise` for teams in an enterprise account, otherwise `team`'),
    col.text('role', "The connection's role in the team: admin, member, viewer, collaborator"),
    col.text('enterprise_account_id', 'Enterprise account the team belongs to', 'enterprise_account.id'),
    col.text('enterprise_account_name', 'Name of that enterprise account', 'enterprise_account.name'),
    col.text('identity_provider_name', 'Identity provider of the team, if any', 'identity_provider.name'),
    col.int('membership_limit', 'Maximum number of members, if limited'),
    col.created(),
    col.updated(),
  ],
});
