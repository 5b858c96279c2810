import { app, checkCases, inventory } from '../../../test/support/check-cases.js';
import { appRegionAllowed } from './app-region-allowed.js';

checkCases(appRegionAllowed, [
  { name: 'not configured: nothing to check', inventory: inventory({ apps: [app('shop', { region: 'eu' })] }), expect: [] },
  {
    name: 'configured',
    inventory: inventory({ apps: [app('shop', { region: 'us' }), app('eu-shop', { region: 'eu' })] }),
    settings: { allowed_regions: ['eu'] },
    expect: ['FAIL app/shop', 'PASS app/eu-shop'],
    says: 'shop runs in us, not in an allowed region (eu).',
  },
  { name: 'no apps', inventory: inventory(), settings: { allowed_regions: ['eu'] }, expect: [] },
  {
    name: 'an app without a region is unknown',
    inventory: inventory({ apps: [app('bare', { region: null })] }),
    settings: { allowed_regions: ['eu'] },
    expect: ['UNKNOWN app/bare'],
    says: 'Heroku reported no region for bare',
  },
]);
