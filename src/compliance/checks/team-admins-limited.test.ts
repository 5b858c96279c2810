import { checkCases, inventory, member, team } from '../../../test/support/check-cases.js';
import { teamAdminsLimited } from './team-admins-limited.js';

checkCases(teamAdminsLimited, [
  { name: 'no teams', inventory: inventory(), expect: [] },
  {
    name: 'four admins fail, three pass',
    inventory: inventory({
      teams: [team('web'), team('data')],
      teamMembers: [
        ...['a', 'b', 'c', 'd'].map((n) => member('web', `${n}@acme.example`, { role: 'admin' })),
        ...['a', 'b', 'c'].map((n) => member('data', `${n}@acme.example`, { role: 'admin' })),
        member('data', 'e@acme.example'),
      ],
    }),
    expect: ['FAIL team/web', 'PASS team/data'],
    says: 'web has 4 admins (at most 3 expected): a@acme.example, b@acme.example, c@acme.example, d@acme.example.',
  },
  {
    name: 'threshold from settings',
    inventory: inventory({
      teams: [team('web')],
      teamMembers: [member('web', 'a@acme.example', { role: 'admin' }), member('web', 'b@acme.example', { role: 'admin' })],
    }),
    settings: { team_max_admins: 1 },
    expect: ['FAIL team/web'],
  },
  { name: 'members not readable', inventory: inventory({ teams: [team('web')], gaps: ['team_members@team-web'] }), expect: ['UNKNOWN team/web'] },
]);
