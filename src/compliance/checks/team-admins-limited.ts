import { defineCheck, fail, groupBy, pass, resources, unknown, type CheckResult } from '../check.js';

export const teamAdminsLimited = defineCheck({
  id: 'team_admins_limited',
  title: 'Teams have few admins',
  severity: 'medium',
  resourceType: 'team',
  reads: ['teams', 'teamMembers'],
  risk: 'Every admin can add members, change permissions and delete any app of the team; each extra admin widens what one compromised account can do.',
  remediation: {
    text: 'Demote admins who do not need to manage the team to member (least privilege).',
    command: 'heroku members:set EMAIL --team TEAM --role member',
  },
  references: ['https://devcenter.heroku.com/articles/heroku-teams#roles'],
  evaluate(inventory, settings) {
    const results: CheckResult[] = [];
    const members = groupBy(inventory.teamMembers, (m) => m.team_id);
    for (const team of inventory.teams) {
      const resource = resources.team(team);
      const gap = inventory.coverage.gap('team_members', team.id);
      if (gap) {
        results.push(unknown(resource, gap));
        continue;
      }
      const admins = (members.get(team.id) ?? []).filter((m) => m.role === 'admin').map((m) => m.email);
      if (admins.length > settings.team_max_admins)
        results.push(fail(resource, `${team.name} has ${admins.length} admins (at most ${settings.team_max_admins} expected): ${admins.join(', ')}.`));
      else results.push(pass(resource, `${team.name} has ${admins.length} admin${admins.length === 1 ? '' : 's'}.`));
    }
    return results;
  },
});
