import { defineCheck, fail, groupBy, pass, perChild, resources } from '../check.js';

export const enterpriseMember2faEnabled = defineCheck({
  id: 'enterprise_member_2fa_enabled',
  title: 'Enterprise account members sign in with two-factor authentication',
  severity: 'high',
  resourceType: 'enterprise_member',
  reads: ['enterpriseAccounts', 'enterpriseMembers'],
  risk: 'An enterprise member without 2FA can be taken over with a password alone; with manage permission that is every team and app of the enterprise.',
  remediation: {
    text: "Ask the member to turn on two-factor authentication, or to sign in through the enterprise's identity provider; remove members who cannot.",
    command: 'heroku enterprises:members-remove EMAIL --enterprise-account ENTERPRISE',
  },
  references: ['https://devcenter.heroku.com/articles/multi-factor-authentication', 'https://devcenter.heroku.com/articles/enterprise-accounts'],
  evaluate(inventory) {
    const members = groupBy(inventory.enterpriseMembers, (m) => m.enterprise_account_id);
    return perChild(inventory, 'enterprise_members', inventory.enterpriseAccounts, members, resources.enterprise, (member, enterprise) => {
      const resource = resources.enterpriseMember(member);
      if (member.identity_provider_name) return pass(resource, `${member.email} signs in through ${member.identity_provider_name}, which enforces MFA.`);
      if (member.two_factor_authentication) return pass(resource, `${member.email} has 2FA on.`);
      return fail(
        resource,
        `${member.email} (${member.permissions.join(', ') || 'no permissions'} in ${enterprise.name}) has 2FA off and does not sign in through an identity provider.`,
      );
    });
  },
});
