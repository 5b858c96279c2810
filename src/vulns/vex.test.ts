import { describe, expect, it } from 'vitest';
import { readVex, vexFor, VexError, type StoredVexStatement, type VexSubject } from './vex.js';

const openVex = (statements: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://example.com/vex/2026-12-01',
    author: 'Platform security <security@example.com>',
    timestamp: '2026-12-01T10:00:00-06:00',
    version: 1,
    statements,
    ...extra,
  });

describe('reading OpenVEX 0.2', () => {
  it('keeps each statement with its vulnerability, aliases, package, app, status and why', () => {
    const doc = readVex(
      openVex([
        {
          vulnerability: { name: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'] },
          products: [{ '@id': 'heroku-app:fir-api', subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.20' }] }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impact_statement: 'template() is never called with user input',
        },
        {
          vulnerability: { name: 'CVE-2021-44906' },
          products: [{ '@id': 'pkg:npm/minimist' }],
          status: 'affected',
          action_statement: 'upgrade',
          timestamp: '2026-12-02T00:00:00Z',
        },
        // No product, or a product that is not an object: refused, never taken to speak of every package everywhere.
        { vulnerability: { name: 'CVE-2024-29041' }, products: [], status: 'under_investigation' },
        { vulnerability: { name: 'CVE-2024-29041' }, products: ['pkg:npm/unrelated@9.9.9'], status: 'not_affected', justification: 'component_not_present' },
        { vulnerability: { name: 'CVE-2024-29041' }, products: 'pkg:npm/unrelated@9.9.9', status: 'not_affected', justification: 'component_not_present' },
        // A status named like an object's own property is no status.
        { vulnerability: { name: 'CVE-2024-29041' }, products: [{ '@id': 'pkg:npm/a@1' }], status: '__proto__' },
        { vulnerability: { name: 'CVE-2024-29041' }, products: [{ '@id': 'pkg:npm/a@1' }], status: 'constructor' },
      ]),
    );
    expect(doc).toMatchObject({
      format: 'OpenVEX 0.2',
      id: 'https://example.com/vex/2026-12-01',
      author: 'Platform security <security@example.com>',
    });
    expect(Object.fromEntries(doc.skipped.map((s) => [s.reason, s.count]))).toEqual({
      'statements that name no product': 2,
      'statements with a product that is not an object': 1,
      'statements without a status herowatch reads (not_affected, affected, fixed, under_investigation)': 2,
    });
    expect(doc.statements).toEqual([
      {
        ids: ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'],
        app: 'fir-api',
        ecosystem: 'npm',
        package: 'lodash',
        version: '4.17.20',
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        statement: 'template() is never called with user input',
        // The document's time, in UTC: statements are ordered by it.
        issuedAt: '2026-12-01T16:00:00.000Z',
      },
      {
        ids: ['CVE-2021-44906'],
        app: null,
        ecosystem: 'npm',
        package: 'minimist',
        version: null,
        status: 'affected',
        justification: null,
        statement: 'upgrade',
        issuedAt: '2026-12-02T00:00:00.000Z',
      },
    ]);
  });

  it('sets aside what it cannot place, by reason, and refuses what is not OpenVEX 0.2', () => {
    const doc = readVex(
      openVex([
        { vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/a@1' }], status: 'not_affected' },
        { vulnerability: { name: 'CVE-2' }, products: [{ '@id': 'pkg:npm/a@1' }], status: 'maybe' },
        { vulnerability: {}, products: [{ '@id': 'pkg:npm/a@1' }], status: 'affected' },
        { vulnerability: { name: 'CVE-3' }, products: [{ '@id': 'pkg:deb/ubuntu/openssl@3' }, { '@id': 'pkg:npm/b@2' }], status: 'fixed' },
      ]),
    );
    expect(doc.statements.map((s) => `${s.ids[0]} ${s.package}`)).toEqual(['CVE-3 b']);
    expect(Object.fromEntries(doc.skipped.map((s) => [s.reason, s.count]))).toEqual({
      'not_affected statements without a justification or an impact statement': 1,
      'statements without a status herowatch reads (not_affected, affected, fixed, under_investigation)': 1,
      'statements that name no vulnerability': 1,
      'products that are neither a package purl herowatch matches nor a heroku-app: reference': 1,
    });
    expect(() => readVex(openVex([], { '@context': 'https://openvex.dev/ns/v0.1.0' }))).toThrow(/OpenVEX .* is not read: give OpenVEX 0\.2/);
    expect(() => readVex('{"statements": []}')).toThrow(VexError);
    expect(() => readVex('not json')).toThrow(/not valid JSON/);
  });
});

describe('reading CycloneDX VEX', () => {
  it('maps analysis states, follows bom-refs to purls, and narrows to the app the document is about', () => {
    const doc = readVex(
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
        metadata: { timestamp: '2026-12-01T00:00:00Z', component: { type: 'application', name: 'fir-api', 'bom-ref': 'heroku-app:0b1c' } },
        components: [{ type: 'library', name: 'minimist', version: '1.2.5', purl: 'pkg:npm/minimist@1.2.5', 'bom-ref': 'minimist@1.2.5' }],
        vulnerabilities: [
          {
            id: 'CVE-2021-44906',
            references: [{ id: 'GHSA-xvch-5gv4-984h', source: { name: 'GitHub' } }],
            analysis: { state: 'false_positive', detail: 'argv is never parsed', lastUpdated: '2026-12-03T00:00:00Z' },
            affects: [{ ref: 'heroku-app:0b1c' }, { ref: 'minimist@1.2.5' }],
          },
          { id: 'CVE-2024-29041', analysis: { state: 'resolved', response: ['update'] }, affects: [{ ref: 'pkg:npm/express@4.17.1' }] },
          { id: 'CVE-9', analysis: { state: 'exploitable' }, affects: [] },
          { id: 'CVE-10', analysis: { state: 'nonsense' } },
        ],
      }),
    );
    expect(doc).toMatchObject({ format: 'CycloneDX 1.6 VEX', id: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79' });
    expect(doc.statements).toEqual([
      {
        ids: ['CVE-2021-44906', 'GHSA-xvch-5gv4-984h'],
        app: '0b1c',
        ecosystem: 'npm',
        package: 'minimist',
        version: '1.2.5',
        status: 'not_affected',
        justification: 'false_positive',
        statement: 'argv is never parsed',
        issuedAt: '2026-12-03T00:00:00.000Z',
      },
      expect.objectContaining({ ids: ['CVE-2024-29041'], package: 'express', version: '4.17.1', status: 'fixed', statement: 'response: update' }),
    ]);
    // A vulnerability that affects nothing named is refused, not applied everywhere.
    expect(Object.fromEntries(doc.skipped.map((s) => [s.reason, s.count]))).toEqual({
      'vulnerabilities without an analysis state herowatch reads': 1,
      'statements that name no product': 1,
    });
    expect(() => readVex(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }))).toThrow(/lists no vulnerabilities/);
  });
});

describe('bounds of a VEX document', () => {
  it('refuses a document that splits into more statements than herowatch keeps', () => {
    const parts = Array.from({ length: 100 }, (_, i) => ({ '@id': `pkg:npm/p${i}@1.0.0` }));
    const statements = Array.from({ length: 101 }, (_, i) => ({
      vulnerability: { name: `CVE-2026-${10000 + i}` },
      products: [{ '@id': 'heroku-app:web', subcomponents: parts }],
      status: 'affected',
    }));
    expect(() => readVex(openVex(statements))).toThrow(/more than 10000 statements once split/);
  });
});

describe('the statement that stands for a finding', () => {
  const finding: VexSubject = {
    ids: ['GHSA-35jh-r3h4-6jhm', 'CVE-2021-23337'],
    ecosystem: 'npm',
    package: 'lodash',
    version: '4.17.20',
    appId: '0b1c',
    appName: 'fir-api',
  };
  const statement = (id: number, extra: Partial<StoredVexStatement>): StoredVexStatement => ({
    id,
    ids: ['CVE-2021-23337'],
    ecosystem: null,
    package: null,
    version: null,
    app: null,
    status: 'not_affected',
    justification: 'component_not_present',
    statement: null,
    issuedAt: '2026-12-01T00:00:00.000Z',
    ...extra,
  });

  it('matches by any alias, and by package, version and app when the statement names them', () => {
    expect(vexFor(finding, [statement(1, {})])?.id).toBe(1);
    expect(vexFor(finding, [statement(1, { ids: ['CVE-0000-0000'] })])).toBeNull();
    expect(vexFor(finding, [statement(1, { ecosystem: 'npm', package: 'lodash', version: '4.17.20' })])?.id).toBe(1);
    expect(vexFor(finding, [statement(1, { ecosystem: 'npm', package: 'lodash', version: '4.17.21' })])).toBeNull();
    expect(vexFor(finding, [statement(1, { ecosystem: 'PyPI', package: 'lodash' })])).toBeNull();
    expect(vexFor(finding, [statement(1, { app: 'fir-api' })])?.id).toBe(1);
    expect(vexFor(finding, [statement(1, { app: '0b1c' })])?.id).toBe(1);
    expect(vexFor(finding, [statement(1, { app: 'other-app' })])).toBeNull();
  });

  it('lets the newest statement stand: a later "affected" brings a finding back', () => {
    const notAffected = statement(1, { issuedAt: '2026-12-01T00:00:00.000Z' });
    const affected = statement(2, { status: 'affected', issuedAt: '2026-12-05T00:00:00.000Z' });
    expect(vexFor(finding, [notAffected, affected])?.status).toBe('affected');
    expect(vexFor(finding, [affected, notAffected])?.status).toBe('affected');
    // Issued at the same time: the one imported last.
    expect(vexFor(finding, [statement(3, {}), statement(4, { status: 'under_investigation' })])?.id).toBe(4);
  });
});
