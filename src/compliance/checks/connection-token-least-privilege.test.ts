import { checkCases, inventory } from '../../../test/support/check-cases.js';
import { connectionTokenLeastPrivilege } from './connection-token-least-privilege.js';

checkCases(connectionTokenLeastPrivilege, [
  { name: 'scoped token passes', inventory: inventory(), expect: ['PASS connection/acme'] },
  {
    name: 'global token fails',
    inventory: inventory({ token: { scope: ['global'] } }),
    expect: ['FAIL connection/acme'],
    says: 'Connection acme uses a token with the global scope (global).',
  },
  { name: 'never tested', inventory: inventory({ token: null }), expect: ['UNKNOWN connection/acme'] },
]);
