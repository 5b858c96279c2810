import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_LIMITS } from '../../src/vulns/scan.js';
import { ScanBudgetError, scanTarballStream } from '../../src/vulns/scan-thread.js';
import { scanTarball } from '../../src/vulns/sources.js';
import type { ScanResult } from '../../src/vulns/scan.js';
import { buildServer } from '../../src/web/server.js';
import { openTestHerowatch } from '../support/herowatch.js';

/** A slug that takes the scanner seconds: one lockfile of many packages, and many files around it. */
function heavySlug(packages: number, files: number): Buffer {
  const lock = {
    lockfileVersion: 3,
    packages: Object.fromEntries(Array.from({ length: packages }, (_, i) => [`node_modules/p${i}`, { version: `1.0.${i % 100}` }])),
  };
  const entries = [
    { name: './app/package-lock.json', data: JSON.stringify(lock) },
    ...Array.from({ length: files }, (_, i) => ({ name: `./app/lib/f${i}.js`, data: 'module.exports = 1;\n' })),
  ];
  return gzipSync(createTar(entries));
}

const budget = { timeMs: 120_000, heapMb: 1024 };

describe('a scan runs beside the server, never on its event loop', () => {
  it('leaves /healthz answering while a heavy slug is read, and reads it whole', async () => {
    const hw = await openTestHerowatch('sqlite', 'http://127.0.0.1:9');
    const { app } = await buildServer(hw);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const slug = heavySlug(90_000, 100_000);
      /** The waits of /healthz while `scan` runs: from asking for a 10 ms pause to the health answer after it (a busy event loop delays either). */
      const waitsDuring = async (scan: () => Promise<ScanResult>): Promise<{ waits: number[]; took: number; result: ScanResult }> => {
        const started = performance.now();
        let scanning = true;
        const running = scan().finally(() => (scanning = false));
        const waits: number[] = [];
        while (scanning) {
          const asked = performance.now();
          await new Promise((resolve) => setTimeout(resolve, 10));
          const answer = await fetch(`${base}/healthz`);
          expect(answer.status).toBe(200);
          await answer.arrayBuffer();
          waits.push(performance.now() - asked - 10);
        }
        return { waits: waits.sort((a, b) => a - b), took: performance.now() - started, result: await running };
      };
      // The same slug read on the event loop, as scans were, for the comparison.
      const onLoop = await waitsDuring(() => scanTarball(Readable.from([slug]), DEFAULT_SCAN_LIMITS));
      const beside = await waitsDuring(() => scanTarballStream(Readable.from([slug]), DEFAULT_SCAN_LIMITS, budget));
      expect(beside.result.packages).toHaveLength(90_000);
      expect(beside.result.entries).toBe(100_001);
      expect(beside.waits.length).toBeGreaterThan(5);
      const p95 = beside.waits[Math.floor(beside.waits.length * 0.95)]!;
      const say = `health waits during a ${Math.round(beside.took)} ms scan beside the loop: p95 ${Math.round(p95)} ms, longest ${Math.round(beside.waits.at(-1)!)} ms; on the loop the longest was ${Math.round(onLoop.waits.at(-1)!)} ms`;
      expect(p95, say).toBeLessThan(100);
      // Judged against the same work on the loop, on the same machine as busy: a scan beside it holds the loop a fraction of that.
      expect(beside.waits.at(-1)! * 3, say).toBeLessThan(onLoop.waits.at(-1)!);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('is stopped at its time budget and its memory budget, and says which', async () => {
    const slug = heavySlug(300_000, 0);
    await expect(scanTarballStream(Readable.from([slug]), DEFAULT_SCAN_LIMITS, { timeMs: 50, heapMb: 1024 })).rejects.toThrow(
      new ScanBudgetError('the scan took longer than 0 s and was stopped'),
    );
    await expect(scanTarballStream(Readable.from([slug]), DEFAULT_SCAN_LIMITS, { timeMs: 120_000, heapMb: 64 })).rejects.toThrow(
      /needed more than 64 MB and was stopped/,
    );
  }, 120_000);
});
