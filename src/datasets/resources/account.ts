import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'account',
  description: "The Heroku account the connection's token belongs to.",
  path: '/account',
  shape: 'object',
  requires: 'read',
  columns: [
    col.id(),
    always(col.text('email', 'Email address of the account')),
    col.text('name', 'Full name'),
    col.bool('two_factor_authentication', 'Whether the account has 2FA on (federated users report false: their identity provider enforces MFA)'),
    col.bool('federated', 'Whether the account signs in through an identity provider (SSO)'),
    col.text('identity_provider_name', 'Identity provider of a federated account', 'identity_provider.name'),
    col.bool('verified', 'Whether the account is verified'),
    col.time('suspended_at', 'When the account was suspended, if it is'),
    col.time('delinquent_at', 'When the account became delinquent, if it is'),
    col.time('last_login', 'Last login'),
    col.created(),
    col.updated(),
  ],
});
