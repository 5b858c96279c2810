import { defineCheck, fail, groupBy, pass, productionApps, resources, unknown, type CheckResult } from '../check.js';

export const productionAppLogDrainConfigured = defineCheck({
  id: 'production_app_log_drain_configured',
  title: 'Production apps send their logs somewhere they are kept',
  severity: 'medium',
  resourceType: 'app',
  reads: ['apps', 'pipelineCouplings', 'logDrains'],
  risk: 'Heroku keeps only the last 1,500 log lines; without a drain, the record of what happened in production is gone before anyone investigates.',
  remediation: {
    text: 'Add a log drain to the log management or SIEM system (or a logging add-on).',
    command: 'heroku drains:add syslog+tls://LOGS.EXAMPLE.COM:PORT --app APP',
  },
  references: ['https://devcenter.heroku.com/articles/log-drains', 'https://devcenter.heroku.com/articles/logging'],
  evaluate(inventory) {
    const production = productionApps(inventory);
    const drains = groupBy(inventory.logDrains, (d) => d.app_id);
    const results: CheckResult[] = [];
    for (const app of inventory.apps.filter((a) => production.has(a.id))) {
      const resource = resources.app(app);
      const gap = inventory.coverage.gap('log_drains', app.id);
      if (gap) {
        results.push(unknown(resource, gap));
        continue;
      }
      const own = drains.get(app.id) ?? [];
      if (own.length === 0) results.push(fail(resource, `${app.name} is in production and has no log drain.`));
      else results.push(pass(resource, `${app.name} drains its logs to ${own.map((d) => d.addon_name ?? 'a syslog/HTTPS endpoint').join(', ')}.`));
    }
    return results;
  },
});
