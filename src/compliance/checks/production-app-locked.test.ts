import { app, checkCases, inventory, production } from '../../../test/support/check-cases.js';
import { productionAppLocked } from './production-app-locked.js';

checkCases(productionAppLocked, [
  { name: 'no production apps', inventory: inventory({ apps: [app('shop', { locked: false })] }), expect: [] },
  {
    name: 'unlocked production team app fails; personal apps are not concerned',
    inventory: inventory({
      apps: [app('shop', { locked: false }), app('api'), app('mine', { team_id: null, team_name: null, owner_email: 'ops@acme.example', locked: null })],
      pipelineCouplings: production('shop', 'api', 'mine'),
    }),
    expect: ['FAIL app/shop', 'PASS app/api'],
    says: 'shop is in production but not locked: any member of web can join it.',
  },
  {
    name: 'lock state not read',
    inventory: inventory({ apps: [app('shop', { locked: null })], pipelineCouplings: production('shop'), gaps: ['team_apps'] }),
    expect: ['UNKNOWN app/shop'],
  },
]);
