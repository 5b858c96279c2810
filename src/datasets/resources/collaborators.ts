import type { App } from '@heroku-cli/schema';
import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'collaborators',
  description: 'Who has access to each app: personal-app collaborators, and team-app collaborators with their permissions.',
  parent: 'apps',
  // Team apps answer with permissions on the team-app endpoint.
  path: (app) => ((app.item as App).team ? `/teams/apps/${app.key}/collaborators` : `/apps/${app.key}/collaborators`),
  shape: 'list',
  requires: 'read',
  columns: [
    col.id('Id of the collaboration'),
    ...col.app(),
    always(col.text('email', 'Email of the collaborator', 'user.email')),
    col.text('user_id', "Id of the collaborator's account", 'user.id'),
    col.bool('federated', 'Whether the collaborator signs in through an identity provider', 'user.federated'),
    col.text('role', 'owner, admin, member, viewer or collaborator'),
    col.json('permissions', 'Team apps: [{name, description}] with names view, deploy, operate, manage'),
    col.created(),
    col.updated(),
  ],
});
