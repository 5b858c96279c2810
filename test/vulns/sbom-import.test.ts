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
import { importAdvisories, testMonitoredApps } from '../../src/service/vuln-monitor.js';
import { appSbom, appVulnerabilities, vulnerabilitySummary } from '../../src/service/vuln-views.js';
import { readDataset } from '../../src/store/datasets.js';
import { registerApi } from '../../src/web/api.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { firScenario, T } from '../support/scenarios.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const osv = join(fixtures, 'osv');
const sbomFile = (name: string) => readFile(join(fixtures, 'sbom/npm-project', name), 'utf8');
const NOW = new Date('2026-11-20T12:00:00Z');

describe.each(DIALECTS)('SBOM import on %s', (dialect) => {
  it("judges a Fir app by its build's SBOM, attributed by commit, through the service and the REST API", async () => {
    const world = firScenario();
    const emulator = await startEmulatorForTest({ scenario: world });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const sync = () => syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, sync: { now: () => NOW }, now: NOW });
    expect((await sync()).status).toBe('complete');
    await addMonitoredApps(hw, 'edge', ['edge-worker']);
    await importAdvisories(hw, osv, { now: NOW });

    // Before any SBOM: a gap that says why, and the command that fixes it; never "no vulnerability".
    const [before] = await testMonitoredApps(hw, { connection: 'edge', now: NOW });
    expect(before).toMatchObject({
      outcome: 'gap',
      reason: expect.stringMatching(/Fir-generation app: it deploys an OCI image/),
      unjudged: { fix: 'herowatch sbom import --connection edge --app edge-worker FILE' },
    });
    const [image] = (await readDataset(hw.store, 'oci_images', { connection: 'edge' })).rows;
    const commit = image!.commit as string;
    expect(commit).toMatch(/^[0-9a-f]{40}$/);

    // An SBOM that names no commit is the running release's.
    const first = await importSbom(hw, { connection: 'edge', app: 'edge-worker', document: await sbomFile('cyclonedx-npm-1.6.json'), by: 'test', now: NOW });
    expect(first).toMatchObject({
      format: 'CycloneDX 1.6',
      commit: null,
      release: 1,
      packages: 66,
      components: 66,
      used: true,
      test: { outcome: 'sbom', release: 1 },
    });
    expect(first.attribution).toMatch(/names no commit .*attributed to the running release v1/);
    const found = await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', now: NOW });
    const vulnerable = [...new Set(found.vulnerabilities.map((v) => `${v.package}@${v.version}`))].sort();
    expect(vulnerable).toEqual(expect.arrayContaining(['lodash@4.17.20', 'minimist@1.2.5', 'express@4.17.1']));
    // jsonwebtoken 8.5.1 is vulnerable, but only development needs it.
    expect(vulnerable.some((v) => v.startsWith('jsonwebtoken@'))).toBe(false);
    expect(found.vulnerabilities.every((v) => v.locations.every((l) => l.startsWith('SBOM')))).toBe(true);
    expect(found.test).toMatchObject({ source: 'sbom', outcome: 'scanned', files: [{ path: 'an SBOM of release v1', evidence: 'sbom' }] });
    expect(found.unjudged).toBeNull();

    // Another build's SBOM is kept for its own release, and changes nothing now.
    const other = await importSbom(hw, {
      connection: 'edge',
      app: 'edge-worker',
      document: await sbomFile('npm-cyclonedx-1.5.json'),
      commit: 'deadbeef1234567',
      now: NOW,
    });
    expect(other).toMatchObject({ release: null, used: false, commit: 'deadbeef1234567' });
    expect(other.attribution).toMatch(/not the running release's .*kept, and used once a release of deadbeef1234 runs/);
    // The running build's, named by its commit, is the one used.
    const named = await importSbom(hw, {
      connection: 'edge',
      app: 'edge-worker',
      document: await sbomFile('npm-spdx-2.3.json'),
      commit: commit.slice(0, 12),
      now: NOW,
    });
    expect(named).toMatchObject({ release: 1, used: true, format: 'SPDX 2.3' });
    const [summary] = await vulnerabilitySummary(hw, { connection: 'edge', now: NOW });
    expect(summary!.test).toMatchObject({ source: 'sbom', commit: commit.slice(0, 12), files: [{ path: `an SBOM of commit ${commit.slice(0, 12)}` }] });
    // What was imported is SQL-readable, and exported as herowatch's own SBOM.
    const rows = (await readDataset(hw.store, 'sboms', { connection: 'edge', orderBy: ['imported_at'] })).rows;
    expect(rows.map((r) => [r.commit, r.release_version, r.format]).sort()).toEqual(
      [
        [null, 1, 'CycloneDX 1.6'],
        ['deadbeef1234567', null, 'CycloneDX 1.5'],
        [commit.slice(0, 12), 1, 'SPDX 2.3'],
      ].sort(),
    );
    expect(JSON.parse((await appSbom(hw, 'edge-worker', { connection: 'edge', format: 'cyclonedx' })).document)).toMatchObject({ bomFormat: 'CycloneDX' });

    // An advisory update re-matches the SBOM's packages as it does a slug's: a withdrawn advisory resolves its findings.
    const updates = await mkdtemp(join(tmpdir(), 'herowatch-osv-'));
    onTestFinished(() => rm(updates, { recursive: true, force: true }));
    const advisory = JSON.parse(await readFile(join(osv, 'GHSA-35jh-r3h4-6jhm.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(updates, 'withdrawn.json'), JSON.stringify({ ...advisory, modified: '2030-01-01T00:00:00Z', withdrawn: '2030-01-01T00:00:00Z' }));
    const { rematched } = await importAdvisories(hw, updates, { now: NOW });
    expect(rematched.map((t) => t.app)).toEqual(['edge-worker']);
    const after = await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', all: true, now: NOW });
    expect(after.vulnerabilities.find((v) => v.advisories.includes('GHSA-35jh-r3h4-6jhm') || v.vulnerability === 'GHSA-35jh-r3h4-6jhm')).toMatchObject({
      status: 'resolved',
    });

    // REST: a write token of the connection imports; a read token, a token for another app or connection, or a body that is no SBOM are refused.
    const server = Fastify();
    await registerApi(server, hw);
    onTestFinished(() => server.close());
    const writer = (await createAccessToken(hw, { name: 'ci', scopes: ['write'], connections: ['edge'], expiresInDays: 1 })).token;
    const reader = (await createAccessToken(hw, { name: 'read', scopes: ['read'], connections: ['edge'], expiresInDays: 1 })).token;
    const post = async (token: string, body: string, query = '', app = 'edge-worker') => {
      const response = await server.inject({
        method: 'POST',
        url: `/api/v1/connections/edge/apps/${app}/sboms${query}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.cyclonedx+json' },
        payload: body,
      });
      return { status: response.statusCode, body: response.json() as Record<string, unknown> };
    };
    const document = await sbomFile('npm-cyclonedx-1.5.json');
    expect((await post(reader, document)).status).toBe(403);
    // A write token limited to another app, or to another connection, reaches nothing here.
    const apiOnly = (await createAccessToken(hw, { name: 'api', scopes: ['write'], connections: ['edge'], apps: ['edge-api'], expiresInDays: 1 })).token;
    expect(await post(apiOnly, document)).toMatchObject({ status: 404, body: { error: { code: 'HW_APP_UNKNOWN' } } });
    // A second connection, with a token of its own.
    expect((await syncConnection(hw, { connection: 'other', token: T.member, apiUrl: emulator.url, sync: { now: () => NOW }, now: NOW })).status).toBe(
      'complete',
    );
    const elsewhere = (await createAccessToken(hw, { name: 'elsewhere', scopes: ['write'], connections: ['other'], expiresInDays: 1 })).token;
    expect(await post(elsewhere, document)).toMatchObject({ status: 404, body: { error: { code: 'HW_CONNECTION_UNKNOWN' } } });
    expect(await post(writer, 'not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'HW_SBOM_INVALID', message: expect.stringMatching(/not valid JSON/) } },
    });
    expect((await post(writer, document, '?commit=not-a-commit')).status).toBe(400);
    expect(await post(writer, document, '', 'edge-api')).toMatchObject({ status: 400, body: { error: { code: 'HW_APP_NOT_MONITORED' } } });
    const imported = await post(writer, document, `?commit=${commit}`);
    expect(imported).toMatchObject({ status: 201, body: { format: 'CycloneDX 1.5', commit, release: 1, used: true, packages: 66, test: { outcome: 'sbom' } } });
    // The same document imported again replaces its record: it is now said to be of the running commit.
    expect((await readDataset(hw.store, 'sboms', { connection: 'edge', filters: { format: ['CycloneDX 1.5'] } })).rows).toEqual([
      expect.objectContaining({ commit, release_version: 1, imported_by: expect.stringMatching(/^access token /) }),
    ]);

    // A new release of another commit: the imported SBOMs are of older builds, so the app is a gap again, saying so.
    world.apps!.find((a) => a.name === 'edge-worker')!.releases!.push({ version: 2, created_at: '2026-11-20T10:00:00Z', oci_image: {} });
    await emulator.setScenario(world);
    expect((await sync()).status).toBe('complete');
    const [next] = await testMonitoredApps(hw, { connection: 'edge', now: NOW });
    expect(next).toMatchObject({
      outcome: 'gap',
      release: 2,
      reason: expect.stringMatching(/the newest SBOM imported is of commit .*, not of the running release v2/),
    });
  }, 120_000);
});
