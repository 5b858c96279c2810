import { app, checkCases, inventory, production } from '../../../test/support/check-cases.js';
import { productionAppLogDrainConfigured } from './production-app-log-drain-configured.js';

checkCases(productionAppLogDrainConfigured, [
  { name: 'no production apps', inventory: inventory({ apps: [app('shop')] }), expect: [] },
  {
    name: 'production app without drain fails',
    inventory: inventory({
      apps: [app('shop'), app('api'), app('dev')],
      pipelineCouplings: production('shop', 'api'),
      logDrains: [{ app_id: 'id-api', url: null, addon_name: 'papertrail-1' }],
    }),
    expect: ['FAIL app/shop', 'PASS app/api'],
    says: 'shop is in production and has no log drain.',
  },
  {
    name: 'drains not readable',
    inventory: inventory({ apps: [app('shop')], pipelineCouplings: production('shop'), gaps: ['log_drains@id-shop'] }),
    expect: ['UNKNOWN app/shop'],
  },
]);
