import { describe, expect, it } from 'vitest';
import { planVulnerabilities, type KnownVulnerability } from './lifecycle.js';
import type { Vulnerability } from './match.js';

const vuln = (id: string, version: string, extra: Partial<Vulnerability> = {}): Vulnerability => ({
  id,
  advisories: [id.startsWith('CVE') ? 'GHSA-1' : id],
  aliases: [],
  ecosystem: 'PyPI',
  package: 'Django',
  version,
  dev: false,
  locations: ['requirements.txt'],
  severity: 'high',
  cvss: null,
  summary: 's',
  fixed: '4.0.6',
  ...extra,
});
const known = (id: number, vulnId: string, status: 'open' | 'resolved', extra: Partial<KnownVulnerability> = {}): KnownVulnerability => ({
  id,
  key: `PyPI django ${vulnId}`,
  vulnId,
  advisories: ['GHSA-1'],
  aliases: [],
  ecosystem: 'PyPI',
  package: 'django',
  version: '4.0.1',
  status,
  ...extra,
});

describe('the vulnerability lifecycle', () => {
  it('opens a new one, keyed by ecosystem, normalised package and id', () => {
    const plan = planVulnerabilities([], [vuln('CVE-2022-1', '4.0.1')]);
    expect(plan.insert.map((i) => i.key)).toEqual(['PyPI django CVE-2022-1']);
    expect(plan.changes.map((c) => c.event)).toEqual(['opened']);
  });

  it('keeps one finding while the version moves and the ids grow', () => {
    const plan = planVulnerabilities([known(7, 'GHSA-1', 'open')], [vuln('CVE-2022-1', '4.0.5', { aliases: ['PYSEC-9'] })]);
    expect(plan.update).toEqual([{ id: 7, vulnerability: expect.objectContaining({ version: '4.0.5' }), reopen: false }]);
    expect(plan.insert).toEqual([]);
    expect(plan.changes).toEqual([]);
  });

  it('resolves what is gone, and reopens what comes back', () => {
    expect(planVulnerabilities([known(7, 'CVE-2022-1', 'open')], [])).toMatchObject({ resolve: [7], changes: [{ event: 'resolved' }] });
    expect(planVulnerabilities([known(7, 'CVE-2022-1', 'resolved')], [vuln('CVE-2022-1', '4.0.1')])).toMatchObject({
      update: [{ id: 7, reopen: true }],
      changes: [{ event: 'reopened' }],
    });
  });

  it("does not take one package's vulnerability for another's", () => {
    const plan = planVulnerabilities([known(7, 'CVE-2022-1', 'open', { package: 'flask', key: 'PyPI flask CVE-2022-1' })], [vuln('CVE-2022-1', '4.0.1')]);
    expect(plan.insert).toHaveLength(1);
    expect(plan.resolve).toEqual([7]);
  });
});
