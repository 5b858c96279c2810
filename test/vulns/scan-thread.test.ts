import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_LIMITS } from '../../src/vulns/scan.js';
import { ScanBudgetError, scanTarballStream } from '../../src/vulns/scan-thread.js';
import { buildServer } from '../../src/web/server.js';
import { openTestHerowatch } from '../support/herowatch.js';

/** A slug that takes the scanner seconds: one lockfile of many packages, and many files around it. */
function heavySlug(packages: number, files: number): Buffer {
  const lock = { lockfileVersion: 3, packages: Object.fromEntries(Array.from({ length: packages }, (_, i) => [`node_modules/p${i}`, { version: `1.0.${i % 100}` }])) };
  const entries = [{ name: './app/package-lock.json', data: JSON.stringify(lock) }, ...Array.from({ length: files }, (_, i) => ({ name: `./app/lib/f${i}.js`, data: 'module.exports = 1;\n' }))];
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
      const started = performance.now();
      let scanning = true;
      const scan = scanTarballStream(Readable.from([slug]), DEFAULT_SCAN_LIMITS, budget).finally(() => (scanning = false));
      // Each wait: from asking for a 10 ms pause to the health answer that follows it. A busy event loop delays either.
      const latencies: number[] = [];
      while (scanning) {
        const asked = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 10));
        const answer = await fetch(`${base}/healthz`);
        expect(answer.status).toBe(200);
        await answer.arrayBuffer();
        latencies.push(performance.now() - asked - 10);
      }
      const result = await scan;
      const took = performance.now() - started;
      expect(result.packages).toHaveLength(90_000);
      expect(result.entries).toBe(100_001);
      // On the event loop, the server would not answer for the whole scan (a second or more here); beside it, at once.
      latencies.sort((a, b) => a - b);
      const p95 = latencies[Math.floor(latencies.length * 0.95)]!;
      expect(took, 'the scan must last long enough to tell').toBeGreaterThan(700);
      expect(latencies.length).toBeGreaterThan(5);
      // (Read on the event loop, this slug held it for about 800 ms at once.)
      expect(p95, `health answers during a ${Math.round(took)} ms scan: ${latencies.map(Math.round).join(', ')}`).toBeLessThan(100);
      expect(latencies.at(-1)!, 'the longest wait').toBeLessThan(250);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('is stopped at its time budget and its memory budget, and says which', async () => {
    const slug = heavySlug(300_000, 0);
    await expect(scanTarballStream(Readable.from([slug]), DEFAULT_SCAN_LIMITS, { timeMs: 50, heapMb: 1024 })).rejects.toThrow(new ScanBudgetError('the scan took longer than 0 s and was stopped'));
    await expect(scanTarballStream(Readable.from([slug]), DEFAULT_SCAN_LIMITS, { timeMs: 120_000, heapMb: 64 })).rejects.toThrow(/needed more than 64 MB and was stopped/);
  }, 120_000);
});
