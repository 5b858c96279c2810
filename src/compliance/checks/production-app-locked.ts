import { defineCheck, fail, pass, productionApps, resources, unknown, type CheckResult } from '../check.js';

export const productionAppLocked = defineCheck({
  id: 'production_app_locked',
  title: 'Production team apps are locked',
  severity: 'medium',
  resourceType: 'app',
  reads: ['apps', 'pipelineCouplings'],
  risk: 'Any member of the team can join an unlocked app and gain access to production, its config vars and its data, without anyone granting it.',
  remediation: {
    text: 'Lock the app so only admins can grant access to it.',
    command: 'heroku apps:lock --app APP',
  },
  references: ['https://devcenter.heroku.com/articles/app-permissions#locking-apps'],
  evaluate(inventory) {
    const production = productionApps(inventory);
    const results: CheckResult[] = [];
    for (const app of inventory.apps.filter((a) => a.team_id && production.has(a.id))) {
      const resource = resources.app(app);
      if (app.locked === null) {
        results.push(
          unknown(resource, inventory.coverage.gap('team_apps') ?? { status: 'missing', reason: `whether ${app.name} is locked was not read`, fix: null }),
        );
        continue;
      }
      if (app.locked) results.push(pass(resource, `${app.name} (production, team ${app.team_name}) is locked.`));
      else results.push(fail(resource, `${app.name} is in production but not locked: any member of ${app.team_name} can join it.`));
    }
    return results;
  },
});
