import { allowedDomains, defineCheck, emailDomain, fail, groupBy, pass, perChild, resources } from '../check.js';

export const appCollaboratorInternal = defineCheck({
  id: 'app_collaborator_internal',
  title: 'App collaborators belong to the company',
  severity: 'high',
  resourceType: 'app_collaborator',
  reads: ['apps', 'collaborators', 'teamMembers', 'enterpriseMembers'],
  risk: "A collaborator from outside the company (a contractor, a personal address) can deploy code and read config vars, outside the company's offboarding and access reviews.",
  remediation: {
    text: "Remove collaborators who should not have access, or add their domain to compliance.allowed_email_domains if they are the company's.",
    command: 'heroku access:remove EMAIL --app APP',
  },
  references: ['https://devcenter.heroku.com/articles/collaborating'],
  evaluate(inventory, settings) {
    const allowed = allowedDomains(inventory, settings);
    const byApp = groupBy(inventory.collaborators, (c) => c.app_id);
    return perChild(inventory, 'collaborators', inventory.apps, byApp, resources.app, (collaborator, app) => {
      const resource = resources.collaborator(collaborator);
      const domain = emailDomain(collaborator.email);
      if (allowed.has(domain)) return pass(resource, `${collaborator.email} is from ${domain}, a company domain.`);
      return fail(
        resource,
        `${collaborator.email} has access to ${app.name} but ${domain} is not a company domain (${[...allowed].sort().join(', ') || 'none known'}).`,
      );
    });
  },
});
