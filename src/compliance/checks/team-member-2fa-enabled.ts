import { defineCheck, fail, groupBy, pass, perChild, resources } from '../check.js';

export const teamMember2faEnabled = defineCheck({
  id: 'team_member_2fa_enabled',
  title: 'Team members sign in with two-factor authentication',
  severity: 'high',
  resourceType: 'team_member',
  reads: ['teams', 'teamMembers'],
  risk: 'A member without 2FA can be taken over with a phished or reused password, and with it every app the team holds.',
  remediation: {
    text: 'Ask the member to turn on two-factor authentication (Account settings > Two-factor authentication), or have them sign in through the identity provider. Members who cannot should lose access.',
    command: 'heroku members:remove EMAIL --team TEAM',
  },
  references: ['https://devcenter.heroku.com/articles/multi-factor-authentication'],
  evaluate(inventory) {
    const members = groupBy(inventory.teamMembers, (m) => m.team_id);
    return perChild(inventory, 'team_members', inventory.teams, members, resources.team, (member, team) => {
      const resource = resources.teamMember(member);
      if (member.federated) return pass(resource, `${member.email} signs in through the identity provider, which enforces MFA.`);
      if (member.two_factor_authentication) return pass(resource, `${member.email} has 2FA on.`);
      return fail(resource, `${member.email} (${member.role ?? 'member'} of ${team.name}) has 2FA off and does not sign in through an identity provider.`);
    });
  },
});
