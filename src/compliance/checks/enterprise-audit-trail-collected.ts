import { defineCheck, fail, pass, resources, type CheckResult } from '../check.js';
import { DAY_MS } from '../../time.js';

export const enterpriseAuditTrailCollected = defineCheck({
  id: 'enterprise_audit_trail_collected',
  title: 'The enterprise audit trail is collected without gaps',
  severity: 'high',
  resourceType: 'enterprise_account',
  reads: ['enterpriseAccounts'],
  risk: 'Without the audit trail there is no record of who changed access, config or apps; incidents cannot be reconstructed and auditors get no evidence of monitoring.',
  remediation: {
    text: "Give herowatch's account the view permission on the enterprise account and keep herowatch run going (it collects the trail every 6 hours).",
    command: 'heroku enterprises:members-permissions-add EMAIL --enterprise-account ENTERPRISE --permissions view',
  },
  references: ['https://devcenter.heroku.com/articles/enterprise-account-audit-trail'],
  evaluate(inventory, settings) {
    const results: CheckResult[] = [];
    const today = Date.UTC(inventory.now.getUTCFullYear(), inventory.now.getUTCMonth(), inventory.now.getUTCDate());
    const needFrom = new Date(today - settings.audit_trail_days * DAY_MS).toISOString().slice(0, 10);
    const needThrough = new Date(today - DAY_MS).toISOString().slice(0, 10);
    const span = `${needFrom} to ${needThrough}`;
    for (const enterprise of inventory.enterpriseAccounts) {
      const resource = resources.enterprise(enterprise);
      const gap = inventory.coverage.gap('audit_events', enterprise.id);
      const cursor = inventory.auditTrail.get(enterprise.id);
      const missing: string[] = [];
      if (!cursor) missing.push('it has never been collected');
      else {
        if (cursor.completeThrough < needThrough) missing.push(`it is complete through ${cursor.completeThrough} only`);
        if (cursor.firstDay && cursor.firstDay > needFrom) missing.push(`collection began on ${cursor.firstDay}`);
      }
      if (gap && (missing.length > 0 || gap.status !== 'ok')) {
        results.push(
          fail(resource, `The audit trail of ${enterprise.name} for ${span} was not collected: ${gap.reason}${gap.fix ? ` (fix: ${gap.fix})` : ''}.`),
        );
      } else if (missing.length > 0) {
        results.push(fail(resource, `The audit trail of ${enterprise.name} for ${span} is incomplete: ${missing.join('; ')}.`));
      } else results.push(pass(resource, `Every day of ${enterprise.name}'s audit trail from ${span} was collected.`));
    }
    return results;
  },
});
