import { defineCheck, fail, groupBy, pass, perChild, resources } from '../check.js';

export const enterpriseMemberFederated = defineCheck({
  id: 'enterprise_member_federated',
  title: 'Enterprise members sign in through the identity provider',
  severity: 'medium',
  resourceType: 'enterprise_member',
  reads: ['enterpriseAccounts', 'enterpriseMembers'],
  risk: 'A member who bypasses single sign-on keeps access when the identity provider disables them (leavers), and escapes its MFA and session policies.',
  remediation: {
    text: 'Have the member sign in through the identity provider (Heroku SSO) so that access follows the directory; remove accounts that cannot.',
    command: 'heroku enterprises:members-remove EMAIL --enterprise-account ENTERPRISE',
  },
  references: ['https://devcenter.heroku.com/articles/single-sign-on-sso'],
  evaluate(inventory) {
    const members = groupBy(inventory.enterpriseMembers, (m) => m.enterprise_account_id);
    // Only where the enterprise account has an identity provider: elsewhere there is nothing to federate with.
    const federated = inventory.enterpriseAccounts.filter((e) => e.identity_provider_name);
    return perChild(inventory, 'enterprise_members', federated, members, resources.enterprise, (member, enterprise) => {
      const resource = resources.enterpriseMember(member);
      if (member.identity_provider_name) return pass(resource, `${member.email} signs in through ${member.identity_provider_name}.`);
      return fail(resource, `${member.email} does not sign in through ${enterprise.name}'s identity provider (${enterprise.identity_provider_name}).`);
    });
  },
});
