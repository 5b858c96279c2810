import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'team_members',
  description: 'Members of each team, with role, 2FA and federation.',
  parent: 'teams',
  path: (team) => `/teams/${team.key}/members`,
  shape: 'list',
  key: (item, team) => `${team!.key}:${String(item.id ?? item.email)}`,
  enrich: (_item, team) => ({ team: { id: team!.item.id, name: team!.item.name } }),
  requires: 'team-member',
  columns: [
    always(col.text('team_id', 'Id of the team', 'team.id')),
    always(col.text('team_name', 'Name of the team', 'team.name')),
    col.text('id', 'Id of the membership'),
    always(col.text('email', 'Email of the member')),
    col.text('user_id', "Id of the member's account", 'user.id'),
    col.text('role', 'admin, member, viewer or collaborator'),
    col.bool('two_factor_authentication', 'Whether the member has 2FA on (false for federated members, whose IdP enforces MFA)'),
    col.bool('federated', 'Whether the member signs in through an identity provider'),
    col.text('identity_provider_name', 'Identity provider of a federated member', 'identity_provider.name'),
    col.created(),
    col.updated(),
  ],
});
