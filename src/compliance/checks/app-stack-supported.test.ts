import { app, checkCases, inventory } from '../../../test/support/check-cases.js';
import { appStackSupported } from './app-stack-supported.js';

checkCases(appStackSupported, [
  { name: 'no apps', inventory: inventory(), expect: [] },
  {
    name: 'past end of life fails; soon warns; supported and unknown stacks pass',
    inventory: inventory({
      apps: [
        app('old', { stack: 'heroku-20' }),
        app('soon', { stack: 'heroku-22' }),
        app('new', { stack: 'heroku-24' }),
        app('docker', { stack: 'container' }),
      ],
    }),
    expect: ['FAIL app/old', 'WARN app/soon', 'PASS app/new', 'PASS app/docker'],
    says: 'old runs on heroku-20, which reached end of life on 2025-04-30.',
  },
  {
    name: 'the warning names the date',
    inventory: inventory({ apps: [app('soon', { stack: 'heroku-22' })] }),
    expect: ['WARN app/soon'],
    says: 'soon runs on heroku-22, which reaches end of life on 2027-04-30, in 161 days: plan the upgrade.',
  },
  {
    name: 'an app without a stack is unknown, never a pass',
    inventory: inventory({ apps: [app('bare', { stack: null })] }),
    expect: ['UNKNOWN app/bare'],
    says: 'Heroku reported no stack for bare',
  },
]);
