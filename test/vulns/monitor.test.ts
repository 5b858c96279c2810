import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/emulator/index.js';
import type { ScenarioApp } from '../../src/emulator/scenario/types.js';
import { addMonitoredApps, availableApps } from '../../src/service/monitored-apps.js';
import { listFindings } from '../../src/service/compliance.js';
import { syncConnection } from '../../src/service/sync.js';
import { countDataset, readDataset } from '../../src/store/datasets.js';
import { appSbom, appVulnerabilities, ignoreVulnerability, vulnerabilitySummary, vulnerablePackages } from '../../src/service/vuln-views.js';
import { importAdvisories, testMonitoredApps } from '../../src/service/vuln-monitor.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const osv = fileURLToPath(new URL('../fixtures/osv/', import.meta.url));
const NOW = new Date('2026-11-20T12:00:00Z');
const fast = { client: { retry: { baseDelayMs: 5, maxDelayMs: 50 } }, sync: { now: () => NOW, auditBackfillDays: 2 }, now: NOW };

describe.each(DIALECTS)('vulnerability monitoring on %s', (dialect) => {
  it('finds exactly the planted vulnerable packages, reads each slug once, resolves on upgrade, and re-matches without downloads', async () => {
    const generated = generateScenario({ apps: 40, teams: 3, members: 10, days: 2, seed: 31, rates: { vulnerableSlug: 0.4, firApp: 0.1 } });
    const emulator = await startEmulatorForTest({ scenario: generated.scenario });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const sync = () => syncConnection(hw, { connection: 'acme', token: generated.tokens.global, apiUrl: emulator.url, ...fast });
    expect((await sync()).status).toBe('complete');
    const apps = (await availableApps(hw, 'acme')).map((a) => a.name);
    await addMonitoredApps(hw, 'acme', apps);

    // Packages are read before any advisory is known: importing them later needs no download.
    const slugDownloads = () => emulator.requests().filter((r) => r.path.startsWith('/__emulator/blobs/slugs/')).length;
    const first = await testMonitoredApps(hw, { connection: 'acme', now: NOW, token: generated.tokens.global, tokenApiUrl: emulator.url });
    expect(first.length).toBe(apps.length);
    const downloaded = slugDownloads();
    expect(downloaded).toBe(first.filter((t) => t.outcome === 'scanned').length);
    const { update, rematched } = await importAdvisories(hw, osv, { now: NOW });
    expect(update.added).toBe(24);
    expect(slugDownloads()).toBe(downloaded);
    expect(rematched.length).toBeGreaterThan(0);

    // Exactly what the generator planted, app by app (apps it could see and that had a slug).
    const planted = generated.planted.vulnerable_apps;
    const found = new Map<string, string[]>();
    for (const app of apps) {
      const { vulnerabilities } = await appVulnerabilities(hw, app, { connection: 'acme' });
      const packages = [...new Set(vulnerabilities.map((v) => `${v.package}@${v.version}`))].sort();
      if (packages.length > 0) found.set(app, packages);
    }
    const expected = new Map(
      Object.entries(planted)
        .filter(([app]) => apps.includes(app))
        .map(([app, { packages }]) => [app, packages.map((p) => `${p.name}@${p.version.replace(/^v/, 'v')}`).sort()]),
    );
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries(expected));
    expect(expected.size).toBeGreaterThan(5);
    // Packages only development needs were planted too (in lockfiles, not installed): none is a finding.
    expect(Object.values(planted).some((p) => p.dev_only.length > 0)).toBe(true);
    // Fir apps have no slug: each is a gap that says why, never "no vulnerabilities".
    const slugless = generated.planted.apps_without_slug.filter((app) => apps.includes(app));
    expect(slugless.length).toBeGreaterThan(0);
    for (const app of slugless)
      expect(
        first.find((t) => t.app === app),
        app,
      ).toMatchObject({ outcome: 'gap', reason: expect.stringMatching(/Fir-generation/) });
    // What each Fir app runs is in the inventory: its current release's OCI image, with the commit it was built from.
    const images = (await readDataset(hw.store, 'oci_images', { connection: 'acme' })).rows;
    expect(images.map((r) => r.app_name).sort()).toEqual([...slugless].sort());
    for (const image of images)
      expect(image).toMatchObject({
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        base_image_name: expect.stringMatching(/-cnb$/),
        release_version: expect.any(Number),
      });
    // Installed trees, jars inside a jar and a Go binary were read where the generator put them.
    const evidence = (await readDataset(hw.store, 'vulnerabilities', {})).rows.flatMap((r) => r.locations as string[]);
    expect(evidence.some((l) => l.includes('node_modules/.package-lock.json') || l.includes('vendor/bundle/') || l.includes('site-packages/'))).toBe(true);
    // The same findings as a dataset, for SQL and exports.
    const openRows = (await readDataset(hw.store, 'vulnerabilities', { filters: { status: 'open' } })).rows;
    expect(new Set(openRows.map((r) => r.app_name))).toEqual(new Set(expected.keys()));
    expect(openRows.every((r) => Array.isArray(r.advisories) && Array.isArray(r.locations))).toBe(true);
    expect(await countDataset(hw.store, 'vulnerability_tests')).toBe(apps.length);
    // By package: each package's worst severity among its open vulnerabilities, as the apps' view rates them (never "unknown" for a rated one).
    const byPackage = await vulnerablePackages(hw);
    expect(byPackage.length).toBeGreaterThan(0);
    for (const group of byPackage) {
      const ratings = openRows.filter((r) => r.package === group.package && r.ecosystem === group.ecosystem).map((r) => r.severity as string);
      expect(group.severity, group.package).toBe(['critical', 'high', 'medium', 'low', 'unknown'].find((s) => ratings.includes(s)));
    }
    expect(byPackage.some((g) => g.severity !== 'unknown')).toBe(true);

    // An accepted risk: ignored until a date (at most a year), not counted meanwhile, counted again after.
    const [someApp] = [...expected.keys()];
    const open = (await appVulnerabilities(hw, someApp!, { connection: 'acme', now: NOW })).vulnerabilities;
    const count = (s: { open: Record<string, number> }) => Object.values(s.open).reduce((a, b) => a + b, 0);
    const summaryOf = async (now: Date) => (await vulnerabilitySummary(hw, { connection: 'acme', now })).find((s) => s.app === someApp)!;
    await expect(ignoreVulnerability(hw, open[0]!.id, { reason: 'not reachable', by: 'sec', expiresAt: new Date('2028-01-01'), now: NOW })).rejects.toThrow(
      /at most a year/,
    );
    await ignoreVulnerability(hw, open[0]!.id, { reason: 'not reachable from the internet', by: 'sec', expiresAt: new Date('2026-12-20T00:00:00Z'), now: NOW });
    expect(count(await summaryOf(NOW))).toBe(open.length - 1);
    expect((await summaryOf(NOW)).ignored).toBe(1);
    expect(count(await summaryOf(new Date('2026-12-21T00:00:00Z')))).toBe(open.length);

    // An SBOM of what the app runs, from what the test read (nothing downloaded).
    const sbom = await appSbom(hw, someApp!, { connection: 'acme', format: 'cyclonedx' });
    expect((JSON.parse(sbom.document) as { components: unknown[] }).components).toHaveLength(sbom.packages);
    expect(sbom.packages).toBeGreaterThan(0);
    expect(slugDownloads()).toBe(downloaded);

    // A sync with nothing deployed downloads nothing and changes nothing.
    const again = await sync();
    expect(again.vulnerabilities).toMatchObject({ apps: apps.length, downloaded: 0, opened: 0, resolved: 0 });
    expect(slugDownloads()).toBe(downloaded);

    // A release that upgrades the packages resolves its findings at the next sync, naming the release that fixed them.
    const [fixedApp] = [...expected.keys()];
    const scenario = structuredClone(generated.scenario);
    const target = scenario.apps!.find((a) => a.name === fixedApp)! as ScenarioApp;
    const language = target.releases!.at(-1)!.slug!.files!;
    // The same language's slug: the same files, but for the versions in installed packages' paths.
    const unversioned = (files: object) =>
      Object.keys(files)
        .filter((path) => !/\d/.test(path))
        .join();
    const donor = scenario.apps!.find(
      (a) => !(a.name in planted) && a.releases?.some((r) => r.slug?.files && unversioned(r.slug.files) === unversioned(language)),
    )!;
    const safeSlug = donor.releases!.filter((r) => r.slug?.files).at(-1)!.slug!;
    const version = Math.max(...target.releases!.map((r) => r.version ?? 0)) + 1;
    target.releases!.push({
      version,
      description: 'Deploy upgrade',
      created_at: '2026-11-19T10:00:00Z',
      status: 'succeeded',
      slug: { commit: 'f'.repeat(40), files: safeSlug.files, binary_files: safeSlug.binary_files },
    });
    await emulator.setScenario(scenario);
    const upgraded = await sync();
    expect(upgraded.vulnerabilities).toMatchObject({ downloaded: 0, opened: 0, resolved: expected.get(fixedApp!)!.length > 0 ? expect.any(Number) : 0 });
    const after = await appVulnerabilities(hw, fixedApp!, { connection: 'acme', all: true });
    expect(after.test?.release).toBe(version);
    expect(after.vulnerabilities.length).toBeGreaterThan(0);
    expect(after.vulnerabilities.every((v) => v.status === 'resolved' && v.fixedRelease === version)).toBe(true);
    // The compliance check over production apps reads the same findings (tests run before the evaluation).
    const production = await listFindings(hw, {
      connection: 'acme',
      check: 'production_app_severe_vulnerabilities_absent',
      status: ['open', 'pass', 'unknown'],
    });
    expect(production.length).toBeGreaterThan(0);
    for (const finding of production) {
      const { open, test } = (await vulnerabilitySummary(hw, { connection: 'acme', now: NOW })).find((s) => s.app === finding.resource_name)!;
      // A production app without a slug to read (Fir) is not known to be free of them.
      expect(finding.status, finding.resource_name).toBe(test?.outcome === 'gap' ? 'unknown' : open.critical + open.high > 0 ? 'open' : 'pass');
    }
    const summary = (await vulnerabilitySummary(hw, { connection: 'acme' })).find((s) => s.app === fixedApp)!;
    expect(summary.open).toEqual({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0 });
  }, 120_000);

  it('reports apps without a slug to read as gaps, with the reason, never as free of vulnerabilities', async () => {
    const scenario = edgeScenario();
    const app = (name: string) => scenario.apps!.find((a) => a.name === name)! as ScenarioApp & Record<string, unknown>;
    // A Fir app: its releases carry an OCI image, no slug.
    Object.assign(app('edge-worker'), {
      generation: 'fir',
      releases: [{ version: 1, created_at: '2026-11-01T00:00:00Z', oci_image: { id: '8d0e3f6a-1b2c-4d5e-8f9a-0b1c2d3e4f5a' } }],
    });
    // Its only release expired under the retention rules: nothing is running that can be read.
    app('admin-personal').releases = [
      { version: 1, created_at: '2024-01-02T00:00:00Z', status: 'expired', slug: { commit: 'abc', files: { 'requirements.txt': 'Django==3.2.13\n' } } },
    ];
    const emulator = await startEmulatorForTest({ scenario });
    const hw = await openTestHerowatch(dialect, emulator.url);
    expect((await syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, ...fast })).status).toBe('complete');
    await addMonitoredApps(hw, 'edge', ['edge-api', 'edge-worker', 'admin-personal']);
    await importAdvisories(hw, osv, { now: NOW });
    const tests = await testMonitoredApps(hw, { connection: 'edge', now: NOW, token: T.admin, tokenApiUrl: emulator.url });
    expect(Object.fromEntries(tests.map((t) => [t.app, `${t.outcome}: ${t.reason}`]))).toEqual({
      'admin-personal': 'gap: no release is running yet',
      'edge-api': expect.stringMatching(/^scanned: no package file herowatch reads was found in the slug/),
      'edge-worker': expect.stringMatching(/^gap: a Fir-generation app: it deploys an OCI image, not a slug/),
    });
    const summary = await vulnerabilitySummary(hw, { connection: 'edge' });
    expect(
      summary
        .filter((s) => s.test?.outcome === 'gap')
        .map((s) => s.app)
        .sort(),
    ).toEqual(['admin-personal', 'edge-worker']);
  }, 60_000);
});
