import { checkCases, inventory } from '../../../test/support/check-cases.js';
import { oauthAuthorizationRotated } from './oauth-authorization-rotated.js';

checkCases(oauthAuthorizationRotated, [
  { name: 'no authorizations', inventory: inventory(), expect: [] },
  {
    name: 'old never-expiring token fails; expiring or young ones pass',
    inventory: inventory({
      oauthAuthorizations: [
        { id: 'old', description: 'CI deploys', scope: ['global'], expires_at: null, created_at: '2026-01-01T00:00:00Z', client_name: null },
        { id: 'young', description: 'new', scope: ['global'], expires_at: null, created_at: '2026-11-01T00:00:00Z', client_name: null },
        {
          id: 'expiring',
          description: 'herowatch',
          scope: ['read'],
          expires_at: '2027-01-01T00:00:00Z',
          created_at: '2025-01-01T00:00:00Z',
          client_name: null,
        },
      ],
    }),
    expect: ['FAIL authorization/old', 'PASS authorization/young', 'PASS authorization/expiring'],
    says: '"CI deploys" (global) never expires and is 323 days old (rotate after 90).',
  },
  { name: 'least-privilege token cannot list them', inventory: inventory({ gaps: ['oauth_authorizations'] }), expect: ['UNKNOWN connection/acme'] },
]);
