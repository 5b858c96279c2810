import { addon, app, attachment, checkCases, inventory, production, staging } from '../../../test/support/check-cases.js';
import { addonDataAttachmentScoped } from './addon-data-attachment-scoped.js';

checkCases(addonDataAttachmentScoped, [
  { name: 'no attachments', inventory: inventory({ apps: [app('shop')] }), expect: [] },
  {
    name: 'production database on staging or another team fails; own app, same-stage and non-data add-ons pass',
    inventory: inventory({
      apps: [app('shop'), app('shop-staging'), app('shop-worker'), app('analytics', { team_id: 'team-data', team_name: 'data' })],
      pipelineCouplings: [...production('shop', 'shop-worker'), ...staging('shop-staging')],
      addons: [addon('pg-main', 'shop'), addon('logs', 'shop', 'papertrail')],
      addonAttachments: [
        attachment('pg-main', 'shop', 'shop'),
        attachment('pg-main', 'shop', 'shop-worker', 'MAIN_DB'),
        attachment('pg-main', 'shop', 'shop-staging', 'PROD_DB'),
        attachment('pg-main', 'shop', 'analytics', 'SHOP_DB'),
        attachment('logs', 'shop', 'shop-staging', 'PAPERTRAIL'),
      ],
    }),
    expect: [
      'PASS addon/pg-main/shop/DATABASE',
      'PASS addon/pg-main/shop-worker/MAIN_DB',
      'FAIL addon/pg-main/shop-staging/PROD_DB',
      'FAIL addon/pg-main/analytics/SHOP_DB',
    ],
    says: 'Production data store pg-main (heroku-postgresql) of shop is attached to shop-staging, which is not in the production stage of the same pipeline.',
  },
  {
    name: 'the add-on of an app the connection cannot see',
    inventory: inventory({ apps: [app('shop')], addons: [addon('pg-x', 'hidden')], addonAttachments: [attachment('pg-x', 'hidden', 'shop')] }),
    expect: ['FAIL addon/pg-x/shop/DATABASE'],
    says: /not visible to this connection/,
  },
]);
