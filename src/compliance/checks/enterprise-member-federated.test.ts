import { checkCases, entMember, enterprise, inventory } from '../../../test/support/check-cases.js';
import { enterpriseMemberFederated } from './enterprise-member-federated.js';

checkCases(enterpriseMemberFederated, [
  {
    name: 'enterprise without identity provider: nothing to check',
    inventory: inventory({ enterpriseAccounts: [enterprise()], enterpriseMembers: [entMember('a@acme.example')] }),
    expect: [],
  },
  {
    name: 'member outside SSO fails',
    inventory: inventory({
      enterpriseAccounts: [enterprise('acme-okta')],
      enterpriseMembers: [entMember('a@acme.example'), entMember('b@acme.example', { identity_provider_name: 'acme-okta' })],
    }),
    expect: ['FAIL enterprise/acme/a@acme.example', 'PASS enterprise/acme/b@acme.example'],
    says: "a@acme.example does not sign in through acme's identity provider (acme-okta).",
  },
  {
    name: 'members not readable',
    inventory: inventory({ enterpriseAccounts: [enterprise('acme-okta')], gaps: ['enterprise_members@ent-acme'] }),
    expect: ['UNKNOWN enterprise/acme'],
  },
]);
