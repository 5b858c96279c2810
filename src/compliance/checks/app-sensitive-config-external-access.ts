import { allowedDomains, defineCheck, emailDomain, fail, groupBy, pass, resources, unknown, type CheckResult } from '../check.js';

/** Names that hold credentials by their look: secrets, passwords, tokens, keys, and data store URLs. */
const CREDENTIAL_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY|CREDENTIAL|(^|_)KEY$|(^|_)DSN$|(^|_)AUTH($|_))/i;
const DATA_URL =
  /(DATABASE|POSTGRES|PG|REDIS|KAFKA|AMQP|RABBITMQ|MONGO|MYSQL|MARIADB|CLEARDB|JAWSDB|ELASTICSEARCH|BONSAI|SEARCHBOX|MEMCACHE|MEMCACHIER)\w*_URLS?$/i;

/** Config var names that are credentials: by pattern, or provided by the app's add-ons (their attachments' names). */
export function sensitiveNames(names: string[], attachmentNames: string[], addonVars: string[]): string[] {
  const fromAddons = new Set([...attachmentNames, ...addonVars]);
  const prefixes = attachmentNames.map((name) => `${name}_`);
  return names.filter((name) => CREDENTIAL_NAME.test(name) || DATA_URL.test(name) || fromAddons.has(name) || prefixes.some((p) => name.startsWith(p))).sort();
}

export const appSensitiveConfigExternalAccess = defineCheck({
  id: 'app_sensitive_config_external_access',
  title: 'Apps holding credentials are reachable by company accounts only',
  severity: 'critical',
  resourceType: 'app',
  reads: ['apps', 'configVars', 'collaborators', 'teamMembers', 'addons', 'addonAttachments', 'enterpriseMembers'],
  risk: 'Anyone with access to an app can read its config vars: database URLs, API keys and secrets. An outsider with access holds the keys to the data behind it.',
  remediation: {
    text: 'Remove outside collaborators from apps that hold credentials (or move the credentials to an app they cannot reach), then rotate the credentials they could read.',
    command: 'heroku access:remove EMAIL --app APP',
  },
  references: ['https://devcenter.heroku.com/articles/config-vars', 'https://devcenter.heroku.com/articles/collaborating'],
  evaluate(inventory, settings) {
    const allowed = allowedDomains(inventory, settings);
    const vars = groupBy(inventory.configVars, (v) => v.app_id);
    const collaborators = groupBy(inventory.collaborators, (c) => c.app_id);
    const admins = groupBy(
      inventory.teamMembers.filter((m) => m.role === 'admin'),
      (m) => m.team_id,
    );
    const attachments = groupBy(inventory.addonAttachments, (a) => a.app_id);
    const addons = groupBy(inventory.addons, (a) => a.app_id ?? '');
    const results: CheckResult[] = [];
    for (const app of inventory.apps) {
      const resource = resources.app(app);
      const gap = inventory.coverage.gap('config_vars', app.id) ?? inventory.coverage.gap('collaborators', app.id);
      if (gap) {
        results.push(unknown(resource, gap));
        continue;
      }
      const sensitive = sensitiveNames(
        (vars.get(app.id) ?? []).map((v) => v.name),
        (attachments.get(app.id) ?? []).map((a) => a.name),
        (addons.get(app.id) ?? []).flatMap((a) => a.config_vars),
      );
      if (sensitive.length === 0) {
        results.push(pass(resource, `${app.name} holds no credential-like config vars.`));
        continue;
      }
      const people = new Set<string>([
        ...(collaborators.get(app.id) ?? []).map((c) => c.email),
        // A team app's owner is the team's placeholder account (<team>@herokumanager.com), not a person.
        ...(app.owner_email && !app.team_id ? [app.owner_email] : []),
        ...(app.team_id ? (admins.get(app.team_id) ?? []).map((m) => m.email) : []),
      ]);
      const outsiders = [...people].filter((email) => !allowed.has(emailDomain(email))).sort();
      const shown = `${sensitive.slice(0, 5).join(', ')}${sensitive.length > 5 ? ` and ${sensitive.length - 5} more` : ''}`;
      if (outsiders.length > 0)
        results.push(fail(resource, `${app.name} holds credentials (${shown}) and ${outsiders.join(', ')} from outside the company can read them.`));
      else results.push(pass(resource, `${app.name} holds credentials (${shown}); only company accounts have access.`));
    }
    return results;
  },
});
