import { checkCases, enterprise, inventory } from '../../../test/support/check-cases.js';
import { enterpriseAuditTrailCollected } from './enterprise-audit-trail-collected.js';

checkCases(enterpriseAuditTrailCollected, [
  { name: 'no enterprise', inventory: inventory(), expect: [] },
  {
    name: 'complete last 7 days pass; a late start or a stale cursor fail',
    inventory: inventory({
      enterpriseAccounts: [
        enterprise(),
        { ...enterprise(), id: 'ent-late', name: 'late' },
        { ...enterprise(), id: 'ent-stale', name: 'stale' },
        { ...enterprise(), id: 'ent-none', name: 'none' },
      ],
      auditTrail: new Map([
        ['ent-acme', { firstDay: '2026-10-21', completeThrough: '2026-11-19' }],
        ['ent-late', { firstDay: '2026-11-17', completeThrough: '2026-11-19' }],
        ['ent-stale', { firstDay: '2026-10-21', completeThrough: '2026-11-15' }],
      ]),
    }),
    expect: ['PASS enterprise/acme', 'FAIL enterprise/late', 'FAIL enterprise/stale', 'FAIL enterprise/none'],
    says: 'The audit trail of late for 2026-11-13 to 2026-11-19 is incomplete: collection began on 2026-11-17.',
  },
  {
    name: 'no view permission fails, saying why',
    inventory: inventory({ enterpriseAccounts: [enterprise()], gaps: ['audit_events@ent-acme'] }),
    expect: ['FAIL enterprise/acme'],
    says: 'The audit trail of acme for 2026-11-13 to 2026-11-19 was not collected: audit_events of ent-acme refused (403) (fix: give the permission).',
  },
]);
