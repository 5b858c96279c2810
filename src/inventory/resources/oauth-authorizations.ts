import { col, defineResource } from '../resource.js';

/** The account's OAuth authorizations; their tokens are dropped by the client before anything sees them. */
export default defineResource({
  name: 'oauth_authorizations',
  description: 'OAuth authorizations (API key, CLI logins, integrations) of the connection\'s account, without their tokens.',
  path: '/oauth/authorizations',
  shape: 'list',
  requires: 'global',
  columns: [
    col.id(),
    col.text('description', 'What the authorization is for'),
    col.json('scope', 'Scopes: global, identity, read, write, read-protected, write-protected'),
    col.int('expires_in', 'Seconds left when synced (null: never expires)', 'access_token.expires_in'),
    col.text('client_name', 'OAuth client that obtained it (e.g. Heroku CLI)', 'client.name'),
    col.text('user_email', 'Account it belongs to', 'user.email'),
    col.created(),
    col.updated(),
  ],
});
