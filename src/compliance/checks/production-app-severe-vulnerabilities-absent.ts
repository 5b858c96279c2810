import { advisoryGap, ADVISORY_UPDATE_COMMAND } from '../../vulns/advisory-coverage.js';
import { countsAsOpen } from '../../vulns/standing.js';
import { defineCheck, fail, pass, productionApps, resources, unknown, type CheckResult } from '../check.js';

/** Severities that fail the check. */
const SEVERE = new Set(['critical', 'high']);

export const productionAppSevereVulnerabilitiesAbsent = defineCheck({
  id: 'production_app_severe_vulnerabilities_absent',
  title: 'Production apps run no package with a known critical or high vulnerability',
  severity: 'high',
  resourceType: 'app',
  reads: ['apps', 'pipelineCouplings'],
  risk: 'A production app that runs a package with a known critical or high vulnerability can be attacked with a published exploit, often without any credential.',
  remediation: {
    text: 'Upgrade the packages to the fixed versions herowatch vulns show APP names, deploy, and let the next sync confirm; or accept a vulnerability that cannot be reached, with a reason and an expiry (herowatch vulns ignore).',
    command: 'herowatch vulns show APP',
  },
  references: ['https://ossf.github.io/osv-schema/', 'https://devcenter.heroku.com/articles/slug-compiler'],
  evaluate(inventory) {
    const production = productionApps(inventory);
    const results: CheckResult[] = [];
    for (const app of inventory.apps.filter((a) => production.has(a.id))) {
      const resource = resources.app(app);
      const test = inventory.vulnerabilityTests.find((t) => t.app_id === app.id);
      if (!test) {
        results.push(
          unknown(resource, {
            status: 'missing',
            reason: `${app.name} is in production but not monitored, so what it runs is not tested`,
            fix: `herowatch apps add ${inventory.connection} ${app.name}`,
          }),
        );
        continue;
      }
      if (test.status !== 'scanned') {
        results.push(
          unknown(resource, { status: 'missing', reason: `what ${app.name} runs could not be read: ${test.reason ?? 'no reason given'}`, fix: null }),
        );
        continue;
      }
      // Matched against an empty or stale advisory database, "no vulnerability" means nothing.
      const gap = advisoryGap(inventory.advisories, test.ecosystems, inventory.now);
      if (gap) {
        results.push(
          unknown(resource, {
            status: 'missing',
            reason: `${app.name} cannot be judged: ${gap}`,
            fix: test.ecosystems.length === 0 ? null : ADVISORY_UPDATE_COMMAND,
          }),
        );
        continue;
      }
      const severe = inventory.vulnerabilities.filter(
        // An ignore in force, or a VEX statement that the app is not affected, takes a vulnerability out.
        (v) => v.app_id === app.id && SEVERE.has(v.severity) && countsAsOpen(v, inventory.now),
      );
      if (severe.length === 0) {
        results.push(
          pass(resource, `${app.name} (production) runs no package with a known critical or high vulnerability (tested ${test.tested_at.slice(0, 10)}).`),
        );
        continue;
      }
      const packages = [...new Set(severe.map((v) => v.package))].sort();
      results.push(
        fail(
          resource,
          `${app.name} is in production and runs ${severe.length} known critical or high vulnerabilit${severe.length === 1 ? 'y' : 'ies'} in ${packages.slice(0, 5).join(', ')}${packages.length > 5 ? ` and ${packages.length - 5} more` : ''}.`,
        ),
      );
    }
    return results;
  },
});
