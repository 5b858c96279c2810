import { col, defineResource } from '../resource.js';

export default defineResource({
  name: 'team_features',
  description: 'Features enabled or disabled on each team.',
  parent: 'teams',
  path: (team) => `/teams/${team.key}/features`,
  shape: 'list',
  key: (item, team) => `${team!.key}:${String(item.id)}`,
  enrich: (_item, team) => ({ team: { id: team!.item.id, name: team!.item.name } }),
  requires: 'team-member',
  columns: [
    col.text('team_id', 'Id of the team', 'team.id'),
    col.text('team_name', 'Name of the team', 'team.name'),
    col.text('id', 'Id of the feature'),
    col.text('name', 'Feature name'),
    col.bool('enabled', 'Whether it is on for the team'),
    col.text('state', 'Feature state (alpha, beta, general)'),
  ],
});
