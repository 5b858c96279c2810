import { defineCheck, fail, pass, resources, unknown } from '../check.js';

export const appRegionAllowed = defineCheck({
  id: 'app_region_allowed',
  title: 'Apps run in allowed regions',
  severity: 'medium',
  resourceType: 'app',
  reads: ['apps'],
  risk: 'Data residency commitments (GDPR, contracts) break when an app, and the data it handles, runs in a region it should not.',
  remediation: {
    text: 'Move the app to an allowed region (a new app there, then migrate), or allow the region in compliance.allowed_regions.',
    command: 'heroku apps:create NEW-APP --region eu',
  },
  references: ['https://devcenter.heroku.com/articles/regions'],
  inactive: (settings) => (settings.allowed_regions ? null : 'compliance.allowed_regions is not set, so no region is checked'),
  evaluate(inventory, settings) {
    const allowed = settings.allowed_regions;
    if (!allowed) return [];
    return inventory.apps.map((app) =>
      app.region === null
        ? unknown(resources.app(app), { status: 'missing', reason: `Heroku reported no region for ${app.name}.`, fix: `heroku apps:info --app ${app.name}` })
        : allowed.includes(app.region)
          ? pass(resources.app(app), `${app.name} runs in ${app.region}.`)
          : fail(resources.app(app), `${app.name} runs in ${app.region}, not in an allowed region (${allowed.join(', ')}).`),
    );
  },
});
