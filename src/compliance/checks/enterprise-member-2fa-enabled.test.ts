import { checkCases, entMember, enterprise, inventory } from '../../../test/support/check-cases.js';
import { enterpriseMember2faEnabled } from './enterprise-member-2fa-enabled.js';

checkCases(enterpriseMember2faEnabled, [
  { name: 'no enterprise', inventory: inventory(), expect: [] },
  {
    name: 'member without 2FA fails; federated passes',
    inventory: inventory({
      enterpriseAccounts: [enterprise()],
      enterpriseMembers: [
        entMember('a@acme.example', { two_factor_authentication: false }),
        entMember('b@acme.example', { two_factor_authentication: false, identity_provider_name: 'okta' }),
      ],
    }),
    expect: ['FAIL enterprise/acme/a@acme.example', 'PASS enterprise/acme/b@acme.example'],
    says: 'a@acme.example (view in acme) has 2FA off',
  },
  {
    name: 'no view permission',
    inventory: inventory({ enterpriseAccounts: [enterprise()], gaps: ['enterprise_members@ent-acme'] }),
    expect: ['UNKNOWN enterprise/acme'],
  },
]);
