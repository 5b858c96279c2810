import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { addMonitoredApps } from '../../src/service/monitored-apps.js';
import { updatePriorities } from '../../src/service/priorities.js';
import { importSbom } from '../../src/service/sbom-import.js';
import { syncConnection } from '../../src/service/sync.js';
import { importAdvisories } from '../../src/service/vuln-monitor.js';
import { appVulnerabilities, vulnerabilitySummary } from '../../src/service/vuln-views.js';
import { readDataset } from '../../src/store/datasets.js';
import { readEpss, readKev } from '../../src/vulns/priorities.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { firScenario, T } from '../support/scenarios.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const priorities = join(fixtures, 'priorities');
const NOW = new Date('2026-11-20T12:00:00Z');

describe('reading the KEV catalog and EPSS scores', () => {
  it('keeps valid CVEs only, and refuses what is neither', async () => {
    const kev = readKev(await readFile(join(priorities, 'known_exploited_vulnerabilities.json'), 'utf8'));
    expect(kev.version).toBe('2026.12.01');
    expect(kev.entries.map((e) => [e.cve, e.dateAdded, e.ransomware])).toEqual([
      ['CVE-2021-23337', '2026-11-02', true],
      ['CVE-2021-44228', '2021-12-10', true],
    ]);
    const epss = readEpss(
      '#model_version:v2025.03.14,score_date:2026-12-06T12:55:00+0000\ncve,epss,percentile\nCVE-2021-0001,0.5,0.9\nCVE-x,1,1\nCVE-2021-0002,7,0.5\n',
    );
    expect(epss).toEqual({ model: 'v2025.03.14', scoreDate: '2026-12-06T12:55:00+0000', entries: [{ cve: 'CVE-2021-0001', score: 0.5, percentile: 0.9 }] });
    expect(() => readEpss('cve,score\nCVE-2021-0001,0.5\n')).toThrow(/not EPSS scores/);
    expect(() => readKev('{"title": "x"}')).toThrow(/not CISA's KEV catalog/);
  });

  it('reads the EPSS file in time linear in its size', () => {
    const file = (n: number) => `cve,epss,percentile\n${Array.from({ length: n }, (_, i) => `CVE-2021-${1000 + i},0.00${i % 10},0.5`).join('\n')}\n`;
    const time = (n: number) => {
      const text = file(n);
      let best = Infinity;
      for (let attempt = 0; attempt < 5; attempt++) {
        const started = performance.now();
        readEpss(text);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    // Up to three pairs of readings: a busy machine can slow one, a quadratic reader slows all three.
    let small = time(20_000);
    let large = time(80_000);
    for (let pair = 1; pair < 3 && large >= 8 * small + 20; pair++) {
      small = time(20_000);
      large = time(80_000);
    }
    expect(large, `${Math.round(small)} ms at n, ${Math.round(large)} ms at 4n`).toBeLessThan(8 * small + 20);
  });
});

describe.each(DIALECTS)('KEV and EPSS on %s', (dialect) => {
  it('flag and score findings by their CVEs, list the known exploited first, filter on them, from files or downloaded', async () => {
    const emulator = await startEmulatorForTest({ scenario: firScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    expect((await syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, sync: { now: () => NOW }, now: NOW })).status).toBe(
      'complete',
    );
    await addMonitoredApps(hw, 'edge', ['edge-worker']);
    await importAdvisories(hw, join(fixtures, 'osv'), { now: NOW });
    await importSbom(hw, {
      connection: 'edge',
      app: 'edge-worker',
      document: await readFile(join(fixtures, 'sbom/npm-project/npm-cyclonedx-1.5.json'), 'utf8'),
      now: NOW,
    });
    const before = await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', now: NOW });
    expect(before.vulnerabilities.every((v) => v.kev === null && v.epss === null)).toBe(true);

    const update = await updatePriorities(hw, { from: priorities });
    expect(update).toMatchObject({ kev: { cves: 2, version: '2026.12.01' }, epss: { cves: 5, scoreDate: '2026-12-06T12:55:00+0000' }, findings: { kev: 1 } });
    const after = await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', now: NOW });
    // The known exploited one first, whatever its severity; then by severity, then by EPSS.
    expect(after.vulnerabilities[0]).toMatchObject({
      package: 'lodash',
      kev: { added: '2026-11-02', ransomware: true },
      epss: { score: 0.41234, percentile: 0.97123 },
    });
    expect(after.vulnerabilities.find((v) => v.aliases.includes('CVE-2021-44906') || v.vulnerability === 'CVE-2021-44906')?.epss).toEqual({
      score: 0.00812,
      percentile: 0.81,
    });
    expect((await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', kev: true, now: NOW })).vulnerabilities.map((v) => v.package)).toEqual([
      'lodash',
    ]);
    const likely = (await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', minEpss: 0.005, now: NOW })).vulnerabilities;
    expect(likely.every((v) => v.epss !== null && v.epss.score >= 0.005)).toBe(true);
    expect(likely.length).toBe(2);
    const [summary] = await vulnerabilitySummary(hw, { connection: 'edge', now: NOW });
    expect(summary).toMatchObject({ kev: 1, maxEpss: 0.41234 });
    expect((await readDataset(hw.store, 'vulnerabilities', { filters: { kev_ransomware: ['1'] } })).rows.map((r) => r.package)).toEqual(['lodash']);

    // Downloaded: from the configured URLs (loopback here). An update that removes a CVE from KEV removes its flag.
    const served = new Map<string, Buffer>([
      ['/kev.json', Buffer.from(JSON.stringify({ catalogVersion: '2026.12.07', vulnerabilities: [{ cveID: 'CVE-2021-44228', dateAdded: '2021-12-10' }] }))],
      ['/epss.csv.gz', await readFile(join(priorities, 'epss_scores-current.csv.gz'))],
    ]);
    const server = createServer((request, response) => {
      const body = served.get(request.url ?? '');
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    onTestFinished(() => new Promise<void>((closed) => server.close(() => closed())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(hw.config, { kevUrl: `${base}/kev.json`, epssUrl: `${base}/epss.csv.gz` });
    const online = await updatePriorities(hw);
    expect(online).toMatchObject({ kev: { cves: 1, source: `${base}/kev.json` }, findings: { kev: 0 } });
    expect((await appVulnerabilities(hw, 'edge-worker', { connection: 'edge', kev: true, now: NOW })).vulnerabilities).toEqual([]);
    Object.assign(hw.config, { kevUrl: `${base}/missing.json` });
    await expect(updatePriorities(hw)).rejects.toMatchObject({ code: 'HW_PRIORITIES_UNAVAILABLE', message: expect.stringMatching(/answered 404/) });
  }, 120_000);
});
