import { col, defineResource } from '../resource.js';

export default defineResource({
  name: 'team_apps',
  description: 'Apps of each team as the team sees them: whether they are locked, and whether the connection joined them.',
  parent: 'teams',
  path: (team) => `/teams/${team.key}/apps`,
  shape: 'list',
  requires: 'team-member',
  columns: [
    col.id('Id of the app'),
    col.text('name', 'Name of the app'),
    col.text('team_name', 'Team that owns the app', 'team.name'),
    col.bool('locked', 'Whether team members must be added explicitly to work on it'),
    col.bool('joined', "Whether the connection's account is a collaborator on it"),
  ],
});
