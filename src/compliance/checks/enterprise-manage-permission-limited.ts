import { defineCheck, fail, groupBy, pass, resources, unknown, type CheckResult } from '../check.js';

export const enterpriseManagePermissionLimited = defineCheck({
  id: 'enterprise_manage_permission_limited',
  title: 'Few enterprise members hold the manage permission',
  severity: 'medium',
  resourceType: 'enterprise_account',
  reads: ['enterpriseAccounts', 'enterpriseMembers'],
  risk: 'The manage permission controls every team and member of the enterprise account; each holder is a path to all of it.',
  remediation: {
    text: 'Remove the manage permission from members who do not administer the enterprise account.',
    command: 'heroku enterprises:members-permissions-remove EMAIL --enterprise-account ENTERPRISE --permissions manage',
  },
  references: ['https://devcenter.heroku.com/articles/enterprise-accounts#permissions'],
  evaluate(inventory, settings) {
    const results: CheckResult[] = [];
    const members = groupBy(inventory.enterpriseMembers, (m) => m.enterprise_account_id);
    for (const enterprise of inventory.enterpriseAccounts) {
      const resource = resources.enterprise(enterprise);
      const gap = inventory.coverage.gap('enterprise_members', enterprise.id);
      if (gap) {
        results.push(unknown(resource, gap));
        continue;
      }
      const managers = (members.get(enterprise.id) ?? []).filter((m) => m.permissions.includes('manage')).map((m) => m.email);
      if (managers.length > settings.enterprise_max_managers) {
        results.push(
          fail(
            resource,
            `${managers.length} members of ${enterprise.name} hold manage (at most ${settings.enterprise_max_managers} expected): ${managers.join(', ')}.`,
          ),
        );
      } else
        results.push(
          pass(resource, `${managers.length} member${managers.length === 1 ? '' : 's'} of ${enterprise.name} hold${managers.length === 1 ? 's' : ''} manage.`),
        );
    }
    return results;
  },
});
