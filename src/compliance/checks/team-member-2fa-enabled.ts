import { defineCheck, fail, groupBy, pass, resources, unknown, type CheckResult } from '../check.js';

export const teamMember2faEnabled = defineCheck({
  id: 'team_member_2fa_enabled',
  title: 'Team members sign in with two-factor authentication',
  severity: 'high',
  resourceType: 'team_member',
  risk: 'A member without 2FA can be taken over with a phished or reused password, and with it every app the team holds.',
  remediation: {
    text: 'Ask the member to turn on two-factor authentication (Account settings > Two-factor authentication), or have them sign in through the identity provider. Members who cannot should lose access.',
    command: 'heroku members:remove EMAIL --team TEAM',
  },
  references: ['https://devcenter.heroku.com/articles/multi-factor-authentication'],
  evaluate(inventory) {
    const results: CheckResult[] = [];
    const members = groupBy(inventory.teamMembers, (m) => m.team_id);
    for (const team of inventory.teams) {
      const gap = inventory.coverage.gap('team_members', team.id);
      if (gap) {
        results.push(unknown(resources.team(team), gap));
        continue;
      }
      for (const member of members.get(team.id) ?? []) {
        const resource = resources.teamMember(member);
        if (member.federated) results.push(pass(resource, `${member.email} signs in through the identity provider, which enforces MFA.`));
        else if (member.two_factor_authentication) results.push(pass(resource, `${member.email} has 2FA on.`));
        else results.push(fail(resource, `${member.email} (${member.role ?? 'member'} of ${team.name}) has 2FA off and does not sign in through an identity provider.`));
      }
    }
    return results;
  },
});
