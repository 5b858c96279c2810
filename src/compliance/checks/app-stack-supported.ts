import { defineCheck, fail, pass, resources, unknown, warn, type CheckResult } from '../check.js';
import { DAY_MS } from '../../time.js';

export const appStackSupported = defineCheck({
  id: 'app_stack_supported',
  title: 'Apps run on a supported stack',
  severity: 'high',
  resourceType: 'app',
  reads: ['apps'],
  risk: 'A stack past its end of life gets no security updates to its operating system and libraries, and Heroku stops building on it.',
  remediation: {
    text: 'Upgrade the app to a supported stack and deploy it.',
    command: 'heroku stack:set heroku-24 --app APP',
  },
  references: ['https://devcenter.heroku.com/articles/stack', 'https://devcenter.heroku.com/articles/upgrading-to-the-latest-stack'],
  evaluate(inventory, settings) {
    const results: CheckResult[] = [];
    const now = inventory.now.getTime();
    for (const app of inventory.apps) {
      const resource = resources.app(app);
      if (!app.stack) {
        // No stack is missing input, not a supported stack.
        results.push(
          unknown(resource, {
            status: 'missing',
            reason: `Heroku reported no stack for ${app.name}, so its support cannot be judged.`,
            fix: `heroku stack --app ${app.name}`,
          }),
        );
        continue;
      }
      const stack = app.stack;
      const endOfLife = settings.stack_end_of_life[stack];
      if (!endOfLife) {
        results.push(pass(resource, `${app.name} runs on ${stack}, which has no end-of-life date herowatch knows of.`));
        continue;
      }
      const eol = Date.parse(`${endOfLife}T00:00:00Z`);
      const days = Math.ceil((eol - now) / DAY_MS);
      if (eol <= now) results.push(fail(resource, `${app.name} runs on ${stack}, which reached end of life on ${endOfLife}.`));
      else if (days <= settings.stack_warning_days)
        results.push(warn(resource, `${app.name} runs on ${stack}, which reaches end of life on ${endOfLife}, in ${days} days: plan the upgrade.`));
      else results.push(pass(resource, `${app.name} runs on ${stack}, supported until ${endOfLife}.`));
    }
    return results;
  },
});
