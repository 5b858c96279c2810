import { checkCases, inventory, member, team } from '../../../test/support/check-cases.js';
import { teamMember2faEnabled } from './team-member-2fa-enabled.js';

checkCases(teamMember2faEnabled, [
  { name: 'no teams', inventory: inventory(), expect: [] },
  {
    name: 'member without 2FA fails; federated and 2FA members pass',
    inventory: inventory({
      teams: [team('web')],
      teamMembers: [
        member('web', 'a@acme.example'),
        member('web', 'b@acme.example', { two_factor_authentication: false }),
        member('web', 'c@acme.example', { two_factor_authentication: false, federated: true }),
      ],
    }),
    expect: ['PASS team/web/a@acme.example', 'FAIL team/web/b@acme.example', 'PASS team/web/c@acme.example'],
    says: 'b@acme.example (member of web) has 2FA off and does not sign in through an identity provider.',
  },
  {
    name: 'members not readable',
    inventory: inventory({ teams: [team('web')], gaps: ['team_members@team-web'] }),
    expect: ['UNKNOWN team/web'],
    says: /Cannot be evaluated: team_members of team-web refused/,
  },
]);
