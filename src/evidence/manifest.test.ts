import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, Zip, ZipPassThrough } from 'fflate';
import { describe, expect, it } from 'vitest';
import { verifyBundle, writeBundle } from './manifest.js';
import { loadSigningKey } from './signing.js';

const meta = {
  generated_at: '2026-12-01T00:00:00Z',
  generated_by: 'herowatch test',
  period: { from: '2026-10-01', to: '2026-12-31' },
  connections: ['acme'],
  notes: [],
};

describe('an evidence bundle', () => {
  it('verifies as written, and not with an entry the manifest does not list, whatever its name', () => {
    const key = loadSigningKey(mkdtempSync(join(tmpdir(), 'herowatch-manifest-')), {});
    const { zip } = writeBundle([{ path: 'findings.csv', description: 'findings', content: 'id,status\n1,open\n' }], meta, key);
    expect(verifyBundle(zip, { signer: key.fingerprint })).toMatchObject({ ok: true, problems: [] });
    // The same files, signature untouched, plus entries with names a plain object would swallow or misread.
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'extra.csv']) {
      const forged = zipOf([...Object.entries(unzipSync(zip)), [name, strToU8('planted')]]);
      const verdict = verifyBundle(forged, { signer: key.fingerprint });
      expect(verdict.ok, name).toBe(false);
      expect(verdict.problems, name).toContain(`${name} is not in the manifest`);
    }
  });

  it('is refused, not crashed on, when its manifest is not an object', async () => {
    const { createHash } = await import('node:crypto');
    for (const manifest of ['null', '[]', '"x"', '{"files": {"path": 1}}']) {
      const bytes = strToU8(manifest);
      const forged = zipOf([
        ['manifest.json', bytes],
        ['manifest.sha256', strToU8(`${createHash('sha256').update(bytes).digest('hex')}  manifest.json\n`)],
      ]);
      const verdict = verifyBundle(forged);
      expect(verdict.ok, manifest).toBe(false);
      expect(verdict.problems.join(' '), manifest).toMatch(/not a manifest|does not list its files|not a herowatch-evidence manifest/);
    }
  });
});

/** A zip of these entries, in this order, names as given (fflate's object form would treat some names as its own keys). */
function zipOf(entries: [string, Uint8Array][]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  for (const [name, bytes] of entries) {
    const file = new ZipPassThrough(name);
    zip.add(file);
    file.push(bytes, true);
  }
  zip.end();
  return Buffer.concat(chunks);
}
