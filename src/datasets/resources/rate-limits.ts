import { col, defineResource } from '../resource.js';

export default defineResource({
  name: 'rate_limits',
  description: "The account's API rate-limit pool as the sync found it (Heroku allows 4,500 requests, refilled continuously).",
  path: '/account/rate-limits',
  shape: 'object',
  key: () => 'account',
  volatile: true,
  requires: 'read',
  columns: [col.int('remaining', 'Requests left in the pool')],
});
