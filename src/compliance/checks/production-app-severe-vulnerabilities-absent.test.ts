import { app, checkCases, inventory, production } from '../../../test/support/check-cases.js';
import { productionAppSevereVulnerabilitiesAbsent } from './production-app-severe-vulnerabilities-absent.js';

const tested = (name: string, status = 'scanned', reason: string | null = null, ecosystems = ['npm']) => ({
  app_id: `id-${name}`,
  status,
  reason,
  tested_at: '2026-11-19T00:00:00Z',
  ecosystems,
});
/** An advisory database that holds advisories updated `daysOld` days before the evaluation (the check cases evaluate on 2026-11-20 at noon). */
const advisories = (daysOld = 1, ecosystems = ['npm']) => ({
  ecosystems: new Map(
    ecosystems.map((e) => [e, { advisories: 100, importedAt: new Date(Date.parse('2026-11-20T12:00:00Z') - daysOld * 86_400_000).toISOString() }]),
  ),
  maxAgeMs: 7 * 86_400_000,
});
const vuln = (name: string, severity: string, ignoredUntil: string | null = null, vexStatus: string | null = null) => ({
  app_id: `id-${name}`,
  vuln_id: `CVE-${severity}`,
  package: `pkg-${severity}`,
  severity,
  ignored_until: ignoredUntil,
  vex_status: vexStatus,
});

checkCases(productionAppSevereVulnerabilitiesAbsent, [
  {
    name: 'no production apps',
    inventory: inventory({ apps: [app('shop')], vulnerabilityTests: [tested('shop')], vulnerabilities: [vuln('shop', 'critical')], advisories: advisories() }),
    expect: [],
  },
  {
    name: 'a critical or high vulnerability fails; medium ones and ignored ones do not',
    inventory: inventory({
      apps: [app('shop'), app('api'), app('admin')],
      pipelineCouplings: production('shop', 'api', 'admin'),
      vulnerabilityTests: [tested('shop'), tested('api'), tested('admin')],
      vulnerabilities: [vuln('shop', 'critical'), vuln('shop', 'high'), vuln('api', 'medium'), vuln('admin', 'high', '2027-01-01T00:00:00Z')],
      advisories: advisories(),
    }),
    expect: ['FAIL app/shop', 'PASS app/api', 'PASS app/admin'],
    says: 'shop is in production and runs 2 known critical or high vulnerabilities in pkg-critical, pkg-high.',
  },
  {
    name: 'a VEX statement that the app is not affected takes a vulnerability out; affected or under investigation does not',
    inventory: inventory({
      apps: [app('shop'), app('api')],
      pipelineCouplings: production('shop', 'api'),
      vulnerabilityTests: [tested('shop'), tested('api')],
      vulnerabilities: [vuln('shop', 'critical', null, 'not_affected'), vuln('api', 'high', null, 'under_investigation')],
      advisories: advisories(),
    }),
    expect: ['PASS app/shop', 'FAIL app/api'],
  },
  {
    name: 'an ignore that lapsed counts again',
    inventory: inventory({
      apps: [app('shop')],
      pipelineCouplings: production('shop'),
      vulnerabilityTests: [tested('shop')],
      vulnerabilities: [vuln('shop', 'high', '2020-01-01T00:00:00Z')],
      advisories: advisories(),
    }),
    expect: ['FAIL app/shop'],
  },
  {
    name: 'not monitored, or nothing read: unknown, never passing',
    inventory: inventory({
      apps: [app('shop'), app('api')],
      pipelineCouplings: production('shop', 'api'),
      vulnerabilityTests: [tested('api', 'gap', 'a Fir-generation app')],
    }),
    expect: ['UNKNOWN app/shop', 'UNKNOWN app/api'],
  },
  {
    name: 'no advisories for what an app runs: unknown with the fix, never passing',
    inventory: inventory({
      apps: [app('shop'), app('api')],
      pipelineCouplings: production('shop', 'api'),
      vulnerabilityTests: [tested('shop'), tested('api', 'scanned', null, ['npm', 'PyPI'])],
      advisories: advisories(1, ['RubyGems']),
    }),
    expect: ['UNKNOWN app/shop', 'UNKNOWN app/api'],
    says: 'Cannot be evaluated: shop cannot be judged: herowatch holds no advisories for npm, so its packages were matched against nothing (fix: herowatch vulns db update)',
  },
  {
    name: 'advisories older than the setting: unknown; the ecosystems not in use do not count',
    inventory: inventory({
      apps: [app('shop'), app('api')],
      pipelineCouplings: production('shop', 'api'),
      vulnerabilityTests: [tested('shop'), tested('api', 'scanned', null, ['npm', 'PyPI'])],
      advisories: { ...advisories(10, ['npm']), ecosystems: new Map([...advisories(10, ['npm']).ecosystems, ...advisories(1, ['PyPI']).ecosystems]) },
    }),
    expect: ['UNKNOWN app/shop', 'UNKNOWN app/api'],
    says: 'Cannot be evaluated: shop cannot be judged: the advisories for npm were last updated 10 days ago, longer ago than 7 days (settings vulnerabilities.advisory_max_age), so newer vulnerabilities would be missed (fix: herowatch vulns db update)',
  },
  {
    name: 'nothing matched because nothing was read: unknown',
    inventory: inventory({
      apps: [app('shop')],
      pipelineCouplings: production('shop'),
      vulnerabilityTests: [tested('shop', 'scanned', null, [])],
      advisories: advisories(),
    }),
    expect: ['UNKNOWN app/shop'],
  },
]);
