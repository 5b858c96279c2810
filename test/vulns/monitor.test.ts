import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/emulator/index.js';
import type { ScenarioApp } from '../../src/emulator/scenario/types.js';
import { addMonitoredApps, availableApps } from '../../src/service/connections.js';
import { syncConnection } from '../../src/service/sync.js';
import { appVulnerabilities, ignoreVulnerability, importAdvisories, testMonitoredApps, vulnerabilitySummary } from '../../src/service/vuln-monitor.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

const osv = fileURLToPath(new URL('../fixtures/osv/', import.meta.url));
const NOW = new Date('2026-11-20T12:00:00Z');
const fast = { client: { retry: { baseDelayMs: 5, maxDelayMs: 50 } }, sync: { now: () => NOW, auditBackfillDays: 2 }, now: NOW };

describe.each(DIALECTS)('vulnerability monitoring on %s', (dialect) => {
  it('finds exactly the planted vulnerable packages, reads each slug once, resolves on upgrade, and re-matches without downloads', async () => {
    const generated = generateScenario({ apps: 40, teams: 3, members: 10, days: 2, seed: 31, rates: { vulnerableSlug: 0.4 } });
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

    // An accepted risk: ignored until a date (at most a year), not counted meanwhile, counted again after.
    const [someApp] = [...expected.keys()];
    const open = (await appVulnerabilities(hw, someApp!, { connection: 'acme', now: NOW })).vulnerabilities;
    const count = (s: { open: Record<string, number> }) => Object.values(s.open).reduce((a, b) => a + b, 0);
    const summaryOf = async (now: Date) => (await vulnerabilitySummary(hw, { connection: 'acme', now })).find((s) => s.app === someApp)!;
    await expect(ignoreVulnerability(hw, open[0]!.id, { reason: 'not reachable', by: 'sec', expiresAt: new Date('2028-01-01'), now: NOW })).rejects.toThrow(/at most a year/);
    await ignoreVulnerability(hw, open[0]!.id, { reason: 'not reachable from the internet', by: 'sec', expiresAt: new Date('2026-12-20T00:00:00Z'), now: NOW });
    expect(count(await summaryOf(NOW))).toBe(open.length - 1);
    expect((await summaryOf(NOW)).ignored).toBe(1);
    expect(count(await summaryOf(new Date('2026-12-21T00:00:00Z')))).toBe(open.length);

    // A sync with nothing deployed downloads nothing and changes nothing.
    const again = await sync();
    expect(again.vulnerabilities).toMatchObject({ apps: apps.length, downloaded: 0, opened: 0, resolved: 0 });
    expect(slugDownloads()).toBe(downloaded);

    // A release that upgrades the packages resolves its findings at the next sync, naming the release that fixed them.
    const [fixedApp] = [...expected.keys()];
    const scenario = structuredClone(generated.scenario);
    const target = scenario.apps!.find((a) => a.name === fixedApp)! as ScenarioApp;
    const language = target.releases!.at(-1)!.slug!.files!;
    const donor = scenario.apps!.find((a) => !(a.name in planted) && a.releases?.some((r) => r.slug?.files && Object.keys(r.slug.files).join() === Object.keys(language).join()))!;
    const safe = donor.releases!.filter((r) => r.slug?.files).at(-1)!.slug!.files!;
    const version = Math.max(...target.releases!.map((r) => r.version ?? 0)) + 1;
    target.releases!.push({ version, description: 'Deploy upgrade', created_at: '2026-11-19T10:00:00Z', status: 'succeeded', slug: { commit: 'f'.repeat(40), files: safe } });
    await emulator.setScenario(scenario);
    const upgraded = await sync();
    expect(upgraded.vulnerabilities).toMatchObject({ downloaded: 0, opened: 0, resolved: expected.get(fixedApp!)!.length > 0 ? expect.any(Number) : 0 });
    const after = await appVulnerabilities(hw, fixedApp!, { connection: 'acme', all: true });
    expect(after.test?.release).toBe(version);
    expect(after.vulnerabilities.length).toBeGreaterThan(0);
    expect(after.vulnerabilities.every((v) => v.status === 'resolved' && v.fixedRelease === version)).toBe(true);
    const summary = (await vulnerabilitySummary(hw, { connection: 'acme' })).find((s) => s.app === fixedApp)!;
    expect(summary.open).toEqual({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0 });
  }, 120_000);
});
