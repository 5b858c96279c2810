import { app, attachment, checkCases, inventory } from '../../../test/support/check-cases.js';
import { appSensitiveConfigExternalAccess } from './app-sensitive-config-external-access.js';

checkCases(appSensitiveConfigExternalAccess, [
  { name: 'no apps', inventory: inventory(), expect: [] },
  {
    name: 'credentials and an outsider fail; credentials with insiders, or no credentials, pass',
    inventory: inventory({
      apps: [
        app('shop', { team_id: null, team_name: null, owner_email: 'ops@acme.example' }),
        app('docs', { team_id: null, team_name: null, owner_email: 'ops@acme.example' }),
        app('api', { team_id: null, team_name: null, owner_email: 'ops@acme.example' }),
      ],
      configVars: [
        { app_id: 'id-shop', name: 'STRIPE_SECRET_KEY' },
        { app_id: 'id-shop', name: 'LOG_LEVEL' },
        { app_id: 'id-docs', name: 'LOG_LEVEL' },
        { app_id: 'id-api', name: 'REDIS_URL' },
      ],
      collaborators: [
        { app_id: 'id-shop', app_name: 'shop', email: 'freelancer@gmail.example', role: null },
        { app_id: 'id-docs', app_name: 'docs', email: 'freelancer@gmail.example', role: null },
        { app_id: 'id-api', app_name: 'api', email: 'dev@acme.example', role: null },
      ],
    }),
    expect: ['FAIL app/shop', 'PASS app/docs', 'PASS app/api'],
    says: 'shop holds credentials (STRIPE_SECRET_KEY) and freelancer@gmail.example from outside the company can read them.',
  },
  {
    name: 'names provided by an attached add-on count',
    inventory: inventory({
      apps: [app('shop', { team_id: null, owner_email: 'ops@acme.example' })],
      configVars: [
        { app_id: 'id-shop', name: 'PRIMARY_URL' },
        { app_id: 'id-shop', name: 'PRIMARY' },
      ],
      addonAttachments: [attachment('pg-1', 'shop', 'shop', 'PRIMARY')],
      collaborators: [{ app_id: 'id-shop', app_name: 'shop', email: 'x@gmail.example', role: null }],
    }),
    expect: ['FAIL app/shop'],
    says: 'shop holds credentials (PRIMARY, PRIMARY_URL) and x@gmail.example from outside the company can read them.',
  },
  {
    name: 'config vars not readable (read scope)',
    inventory: inventory({ apps: [app('shop')], gaps: ['config_vars@id-shop'] }),
    expect: ['UNKNOWN app/shop'],
    says: /config_vars of id-shop refused/,
  },
]);
