import { app, checkCases, inventory, member, team } from '../../../test/support/check-cases.js';
import { appCollaboratorInternal } from './app-collaborator-internal.js';

checkCases(appCollaboratorInternal, [
  { name: 'no apps', inventory: inventory(), expect: [] },
  {
    name: 'outside domain fails; company domain (from team admins) passes',
    inventory: inventory({
      teams: [team('web')],
      teamMembers: [member('web', 'boss@acme.example', { role: 'admin' })],
      apps: [app('shop')],
      collaborators: [
        { app_id: 'id-shop', app_name: 'shop', email: 'dev@acme.example', role: 'member' },
        { app_id: 'id-shop', app_name: 'shop', email: 'freelancer@gmail.example', role: 'collaborator' },
      ],
    }),
    expect: ['PASS app/shop/dev@acme.example', 'FAIL app/shop/freelancer@gmail.example'],
    says: 'freelancer@gmail.example has access to shop but gmail.example is not a company domain (acme.example).',
  },
  {
    name: 'allowed domains from settings',
    inventory: inventory({ apps: [app('shop')], collaborators: [{ app_id: 'id-shop', app_name: 'shop', email: 'x@agency.example', role: null }] }),
    settings: { allowed_email_domains: ['acme.example', 'agency.example'] },
    expect: ['PASS app/shop/x@agency.example'],
  },
  { name: 'collaborators not readable', inventory: inventory({ apps: [app('shop')], gaps: ['collaborators@id-shop'] }), expect: ['UNKNOWN app/shop'] },
]);
