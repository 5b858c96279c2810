import { app, checkCases, inventory, production } from '../../../test/support/check-cases.js';
import { productionAppSevereVulnerabilitiesAbsent } from './production-app-severe-vulnerabilities-absent.js';

const tested = (name: string, status = 'scanned', reason: string | null = null) => ({ app_id: `id-${name}`, status, reason, tested_at: '2026-11-19T00:00:00Z' });
const vuln = (name: string, severity: string, ignoredUntil: string | null = null) => ({ app_id: `id-${name}`, vuln_id: `CVE-${severity}`, package: `pkg-${severity}`, severity, ignored_until: ignoredUntil });

checkCases(productionAppSevereVulnerabilitiesAbsent, [
  { name: 'no production apps', inventory: inventory({ apps: [app('shop')], vulnerabilityTests: [tested('shop')], vulnerabilities: [vuln('shop', 'critical')] }), expect: [] },
  {
    name: 'a critical or high vulnerability fails; medium ones and ignored ones do not',
    inventory: inventory({
      apps: [app('shop'), app('api'), app('admin')],
      pipelineCouplings: production('shop', 'api', 'admin'),
      vulnerabilityTests: [tested('shop'), tested('api'), tested('admin')],
      vulnerabilities: [vuln('shop', 'critical'), vuln('shop', 'high'), vuln('api', 'medium'), vuln('admin', 'high', '2027-01-01T00:00:00Z')],
    }),
    expect: ['FAIL app/shop', 'PASS app/api', 'PASS app/admin'],
    says: 'shop is in production and runs 2 known critical or high vulnerabilities in pkg-critical, pkg-high.',
  },
  {
    name: 'an ignore that lapsed counts again',
    inventory: inventory({ apps: [app('shop')], pipelineCouplings: production('shop'), vulnerabilityTests: [tested('shop')], vulnerabilities: [vuln('shop', 'high', '2020-01-01T00:00:00Z')] }),
    expect: ['FAIL app/shop'],
  },
  {
    name: 'not monitored, or nothing read: unknown, never passing',
    inventory: inventory({ apps: [app('shop'), app('api')], pipelineCouplings: production('shop', 'api'), vulnerabilityTests: [tested('api', 'gap', 'a Fir-generation app')] }),
    expect: ['UNKNOWN app/shop', 'UNKNOWN app/api'],
  },
]);
