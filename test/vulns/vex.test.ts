import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createAccessToken } from '../../src/service/access.js';
import { addMonitoredApps } from '../../src/service/monitored-apps.js';
import { importSbom } from '../../src/service/sbom-import.js';
import { syncConnection } from '../../src/service/sync.js';
import { importVex, listVex, removeVex } from '../../src/service/vex.js';
import { importAdvisories } from '../../src/service/vuln-monitor.js';
import { appVulnerabilities, vulnerabilityRecords, vulnerabilitySummary } from '../../src/service/vuln-views.js';
import { readDataset } from '../../src/store/datasets.js';
import { vulnerabilityToOcsf } from '../../src/vulns/ocsf.js';
import { registerApi } from '../../src/web/api.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { firScenario, T } from '../support/scenarios.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const osv = join(fixtures, 'osv');
const NOW = new Date('2026-11-20T12:00:00Z');

const openVex = (id: string, statements: unknown[]) =>
  JSON.stringify({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': id,
    author: 'security@edge.example',
    timestamp: '2026-11-20T09:00:00Z',
    version: 1,
    statements,
  });
/** lodash 4.17.20's command injection (GHSA-35jh-r3h4-6jhm), named by its CVE alias. */
const lodashNotAffected = (timestamp = '2026-11-20T09:00:00Z') => ({
  vulnerability: { name: 'CVE-2021-23337' },
  products: [{ '@id': 'heroku-app:edge-worker', subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.20' }] }],
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
  impact_statement: 'template() never sees user input',
  timestamp,
});

describe.each(DIALECTS)('VEX on %s', (dialect) => {
  it('takes a not-affected vulnerability out of the counts with its statement, keeps it through advisory revisions, and lets a later statement bring it back', async () => {
    const emulator = await startEmulatorForTest({ scenario: firScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    expect((await syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, sync: { now: () => NOW }, now: NOW })).status).toBe(
      'complete',
    );
    await addMonitoredApps(hw, 'edge', ['edge-worker']);
    await importAdvisories(hw, osv, { now: NOW });
    await importSbom(hw, {
      connection: 'edge',
      app: 'edge-worker',
      document: await readFile(join(fixtures, 'sbom/npm-project/npm-cyclonedx-1.5.json'), 'utf8'),
      now: NOW,
    });
    const counts = async () => (await vulnerabilitySummary(hw, { connection: 'edge', now: NOW }))[0]!;
    const lodash = async () =>
      (await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', now: NOW })).vulnerabilities.find((v) =>
        [v.vulnerability, ...v.advisories, ...v.aliases].includes('GHSA-35jh-r3h4-6jhm'),
      )!;
    const before = await counts();
    expect(before.notAffected).toBe(0);
    expect((await lodash()).vex).toBeNull();

    const imported = await importVex(hw, { document: openVex('https://edge.example/vex/1', [lodashNotAffected()]), by: 'test', now: NOW });
    expect(imported).toMatchObject({ format: 'OpenVEX 0.2', statements: 1, findings: 1, notAffected: 1, connection: null });
    expect((await lodash()).vex).toEqual({
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      statement: 'template() never sees user input',
    });
    const after = await counts();
    expect(after.notAffected).toBe(1);
    expect(after.open.high).toBe(before.open.high - 1);
    // The evidence bundle's records and OCSF say so: suppressed, with the statement.
    const record = (await vulnerabilityRecords(hw)).find((r) => [r.vuln_id, ...r.advisories, ...r.aliases].includes('GHSA-35jh-r3h4-6jhm'))!;
    expect(record).toMatchObject({ vex_status: 'not_affected', vex_justification: 'vulnerable_code_not_in_execute_path' });
    expect(vulnerabilityToOcsf(record, { version: 'test' }, NOW)).toMatchObject({ status: 'Suppressed', unmapped: { vex_status: 'not_affected' } });
    expect((await readDataset(hw.store, 'vulnerabilities', { filters: { vex_status: ['not_affected'] } })).rows).toHaveLength(1);

    // A revised advisory rewrites the finding; the statement stands.
    const updates = await mkdtemp(join(tmpdir(), 'herowatch-osv-'));
    onTestFinished(() => rm(updates, { recursive: true, force: true }));
    const advisory = JSON.parse(await readFile(join(osv, 'GHSA-35jh-r3h4-6jhm.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(
      join(updates, 'revised.json'),
      JSON.stringify({ ...advisory, modified: '2030-01-01T00:00:00Z', summary: 'Command injection in lodash (revised)' }),
    );
    const { rematched } = await importAdvisories(hw, updates, { now: NOW });
    expect(rematched.map((t) => t.app)).toEqual(['edge-worker']);
    expect(await lodash()).toMatchObject({ summary: 'Command injection in lodash (revised)', vex: { status: 'not_affected' } });

    // A later statement of the same vulnerability says it is affected after all: it counts again.
    await importVex(hw, {
      document: openVex('https://edge.example/vex/2', [
        { ...lodashNotAffected('2026-11-21T00:00:00Z'), status: 'affected', justification: undefined, action_statement: 'upgrade lodash' },
      ]),
      now: NOW,
    });
    expect((await lodash()).vex).toMatchObject({ status: 'affected', statement: 'upgrade lodash' });
    expect((await counts()).open.high).toBe(before.open.high);
    // Removing it lets the earlier one stand again; importing a document again replaces its statements.
    const later = (await listVex(hw)).find((s) => s.document === 'https://edge.example/vex/2')!;
    await removeVex(hw, later.id);
    expect((await lodash()).vex?.status).toBe('not_affected');
    await importVex(hw, { document: openVex('https://edge.example/vex/1', []), now: NOW });
    expect((await lodash()).vex).toBeNull();
    await expect(removeVex(hw, later.id)).rejects.toMatchObject({ code: 'HW_VEX_UNKNOWN' });

    // REST: writes need the write scope; a token for some connections says which; reads list what the token may see.
    const server = Fastify();
    await registerApi(server, hw);
    onTestFinished(() => server.close());
    const writer = (await createAccessToken(hw, { name: 'ci', scopes: ['write'], connections: ['edge'], expiresInDays: 1 })).token;
    const reader = (await createAccessToken(hw, { name: 'read', scopes: ['read'], connections: ['edge'], expiresInDays: 1 })).token;
    const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: string) => {
      const response = await server.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload });
      return { status: response.statusCode, body: response.json() as Record<string, unknown> };
    };
    const document = openVex('https://edge.example/vex/3', [lodashNotAffected()]);
    expect((await call('POST', '/api/v1/vex?connection=edge', reader, document)).status).toBe(403);
    expect(await call('POST', '/api/v1/vex', writer, document)).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/\?connection=NAME/) } },
    });
    expect((await call('POST', '/api/v1/vex?connection=other', writer, document)).status).toBe(404);
    expect(await call('POST', '/api/v1/vex?connection=edge', writer, '{"statements": []}')).toMatchObject({
      status: 400,
      body: { error: { code: 'HW_VEX_INVALID' } },
    });
    expect(await call('POST', '/api/v1/vex?connection=edge&app=edge-worker', writer, document)).toMatchObject({
      status: 201,
      body: { statements: 1, notAffected: 1, connection: 'edge', app: 'edge-worker' },
    });
    expect((await lodash()).vex?.status).toBe('not_affected');
    // A token limited to one app imports for that app only, and re-importing a shared document for it leaves another app's import alone.
    const apiOnly = (await createAccessToken(hw, { name: 'api', scopes: ['write'], connections: ['edge'], apps: ['edge-api'], expiresInDays: 1 })).token;
    expect((await call('POST', '/api/v1/vex?connection=edge&app=edge-worker', apiOnly, document)).status).toBe(404);
    expect((await call('POST', '/api/v1/vex?connection=edge', apiOnly, document)).status).toBe(404);
    const emptied = await call('POST', '/api/v1/vex?connection=edge&app=edge-api', apiOnly, openVex('https://edge.example/vex/3', []));
    expect(emptied).toMatchObject({ status: 201, body: { statements: 0, findings: 0 } });
    expect((await lodash()).vex?.status).toBe('not_affected');
    const listed = await call('GET', '/api/v1/vex', reader);
    expect(listed.body.statements).toEqual([
      expect.objectContaining({ connection: 'edge', app: 'edge-worker', status: 'not_affected', imported_by: expect.stringMatching(/^access token/) }),
    ]);
  }, 120_000);
});
