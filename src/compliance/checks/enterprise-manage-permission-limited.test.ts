import { checkCases, entMember, enterprise, inventory } from '../../../test/support/check-cases.js';
import { enterpriseManagePermissionLimited } from './enterprise-manage-permission-limited.js';

checkCases(enterpriseManagePermissionLimited, [
  { name: 'no enterprise', inventory: inventory(), expect: [] },
  {
    name: 'four managers fail',
    inventory: inventory({
      enterpriseAccounts: [enterprise()],
      enterpriseMembers: ['a', 'b', 'c', 'd'].map((n) => entMember(`${n}@acme.example`, { permissions: ['view', 'manage'] })),
    }),
    expect: ['FAIL enterprise/acme'],
    says: /^4 members of acme hold manage \(at most 3 expected\)/,
  },
  {
    name: 'three managers pass',
    inventory: inventory({
      enterpriseAccounts: [enterprise()],
      enterpriseMembers: ['a', 'b', 'c'].map((n) => entMember(`${n}@acme.example`, { permissions: ['manage'] })),
    }),
    expect: ['PASS enterprise/acme'],
  },
  {
    name: 'members not readable',
    inventory: inventory({ enterpriseAccounts: [enterprise()], gaps: ['enterprise_members@ent-acme'] }),
    expect: ['UNKNOWN enterprise/acme'],
  },
]);
