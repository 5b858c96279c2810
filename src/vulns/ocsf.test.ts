import { describe, expect, it } from 'vitest';
import { vulnerabilityToOcsf, type VulnerabilityRecord } from './ocsf.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const record: VulnerabilityRecord = {
  connection: 'prod',
  id: 7,
  app_id: 'app-1',
  app_name: 'shop',
  vuln_id: 'CVE-2022-24999',
  advisories: ['GHSA-hrpp-h998-j3pp'],
  aliases: ['CVE-2022-24999'],
  ecosystem: 'npm',
  package: 'qs',
  version: '6.5.2',
  severity: 'high',
  cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  summary: 'qs vulnerable to Prototype Pollution',
  fixed: '6.5.3',
  locations: ['app/package-lock.json'],
  status: 'open',
  first_seen_at: '2026-11-01T00:00:00Z',
  last_seen_at: '2026-11-20T00:00:00Z',
  resolved_at: null,
  ignored_until: null,
  ignored_reason: null,
  vex_status: null,
  vex_justification: null,
  vex_statement: null,
  vex_id: null,
  kev_added: null,
  kev_ransomware: null,
  epss: null,
  epss_percentile: null,
};

describe('vulnerability findings as OCSF', () => {
  it('are Vulnerability Findings (2002) with the CVE, its CVSS score, the package and its fix', () => {
    const event = vulnerabilityToOcsf(record, { version: '1.0.0' }, NOW);
    expect(event).toMatchObject({
      class_uid: 2002,
      type_uid: 200201,
      activity_name: 'Create',
      severity_id: 4,
      status: 'New',
      resources: [{ uid: 'app-1', name: 'shop', type: 'Heroku App' }],
    });
    expect((event.vulnerabilities as Record<string, unknown>[])[0]).toMatchObject({
      cve: { uid: 'CVE-2022-24999', cvss: [{ vector_string: record.cvss, version: '3.1', base_score: 7.5 }] },
      related_vulnerabilities: ['GHSA-hrpp-h998-j3pp'],
      affected_packages: [{ name: 'qs', version: '6.5.2', package_manager: 'npm', fixed_in_version: '6.5.3' }],
      is_fix_available: true,
    });
  });

  it('close once resolved, and show an ignore in force as suppressed', () => {
    expect(vulnerabilityToOcsf({ ...record, status: 'resolved', resolved_at: '2026-11-19T00:00:00Z' }, { version: '1' }, NOW)).toMatchObject({
      activity_name: 'Close',
      type_uid: 200203,
      status: 'Resolved',
    });
    expect(vulnerabilityToOcsf({ ...record, ignored_until: '2026-12-01T00:00:00Z', ignored_reason: 'not reachable' }, { version: '1' }, NOW)).toMatchObject({
      status: 'Suppressed',
      unmapped: { ignored_reason: 'not reachable' },
    });
    expect(vulnerabilityToOcsf({ ...record, ignored_until: '2026-11-01T00:00:00Z' }, { version: '1' }, NOW)).toMatchObject({ status: 'New' });
  });
});
