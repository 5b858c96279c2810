import { CONTROL_STATUS_ORDER, type FrameworkReport } from '../../src/compliance/report.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, strToU8, unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { verifyBundle, writeBundle, type Manifest } from '../../src/evidence/manifest.js';
import { loadSigningKey } from '../../src/evidence/signing.js';
import { listFindings, suppressFinding } from '../../src/service/compliance.js';
import { createEvidence } from '../../src/service/evidence.js';
import { syncConnection } from '../../src/service/sync.js';
import { herowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { CANARY, edgeScenario, T } from '../support/scenarios.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-20T12:00:00Z');
const at = (days: number): Date => new Date(NOW.getTime() + days * DAY);
const TWO_FA = 'team/edge-core/member@edge.example';

describe.each(DIALECTS)('evidence bundles on %s', (dialect) => {
  it("hold the period's findings, inventory, audit trail and runs, verify, and fail verification on any change", async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const sync = (days: number) =>
      syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, now: at(days), sync: { now: () => at(days) } });
    expect((await sync(0)).status).toBe('complete');
    const outsider = (await listFindings(hw, { connection: 'edge', status: ['open'], now: at(0) })).find(
      (f) => f.resource_key === 'app/edge-api/collab@other.example',
    )!;
    await suppressFinding(hw, outsider.id, { reason: '<script>alert(1)</script> contract', by: 'ciso', expiresAt: at(30), now: at(0) });
    const fixed = edgeScenario();
    fixed.accounts!.find((a) => a.email === 'member@edge.example')!.two_factor_authentication = true;
    fixed.apps = [...fixed.apps!.filter((a) => a.name !== 'plain-app'), { name: 'late-app', team: 'plain-team', created_at: '2026-11-21T00:00:00Z' }];
    await emulator.setScenario(fixed);
    expect((await sync(2)).status).toBe('complete');

    // A period that has not happened yet, or before anything was synced, proves nothing: refused, nothing written.
    const never = join(hw.home, 'never.zip');
    await expect(createEvidence(hw, { out: never, from: at(-1), to: at(4), now: at(3) })).rejects.toThrow(/is in the future: evidence shows what has happened/);
    await expect(createEvidence(hw, { out: never, from: at(-5), to: at(-1), now: at(3) })).rejects.toThrow(
      /No connection \(edge\) had a complete sync by 2026-11-19: a bundle would prove nothing/,
    );
    await expect(readFile(never)).rejects.toThrow(/ENOENT/);

    // As it stood on day 1: the 2FA finding open, plain-app still in the inventory.
    const before = join(hw.home, 'before.zip');
    const early = await createEvidence(hw, { out: before, from: at(-1), to: at(1), now: at(3) });
    expect(early).toMatchObject({ connections: ['edge'], period: { from: at(-1).toISOString(), to: at(1).toISOString() } });
    const earlyFiles = unzipSync(new Uint8Array(await readFile(before)));
    const earlyFindings = JSON.parse(strFromU8(earlyFiles['findings.json']!)) as { resource_key: string; status: string }[];
    expect(earlyFindings.find((f) => f.resource_key === TWO_FA)?.status).toBe('open');
    expect(earlyFindings.find((f) => f.resource_key === 'app/edge-api/collab@other.example')?.status).toBe('suppressed');
    expect(earlyFindings.find((f) => f.resource_key === 'app/plain-app')?.status).toBe('pass');
    expect(earlyFindings.some((f) => f.resource_key === 'app/late-app')).toBe(false); // first evaluated on day 2
    const earlyApps = parse(strFromU8(earlyFiles['datasets/apps.csv']!), { columns: true }) as { name: string }[];
    expect(earlyApps.map((a) => a.name)).toContain('plain-app');

    // The whole period: the fix shows as a change, plain-app is gone.
    const out = join(hw.home, 'evidence.zip');
    const result = await createEvidence(hw, { out, from: at(-1), to: at(3), now: at(3) });
    const zip = new Uint8Array(await readFile(out));
    const trusted = [result.signer!];
    expect(verifyBundle(zip, { trusted })).toMatchObject({ ok: true, intact: true, trusted: true, problems: [], files: result.files });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(
      expect.arrayContaining([
        'report.html',
        'findings.json',
        'findings.csv',
        'finding-changes.json',
        'checks.json',
        'frameworks/soc2.json',
        'frameworks/iso27001.json',
        'frameworks/cis-v8.json',
        'settings.json',
        'datasets/apps.csv',
        'datasets/addon_services.csv',
        'audit-events.csv',
        'sync-runs.json',
        'coverage.json',
        'evaluations.json',
        'connections.json',
        'vulnerabilities.json',
        'SHA256SUMS',
        'manifest.json',
        'manifest.sha256',
      ]),
    );
    const findings = JSON.parse(strFromU8(files['findings.json']!)) as { resource_key: string; status: string }[];
    expect(findings.find((f) => f.resource_key === TWO_FA)?.status).toBe('resolved');
    const changes = JSON.parse(strFromU8(files['finding-changes.json']!)) as { event: string; resource_key: string }[];
    expect(changes.map((c) => `${c.event} ${c.resource_key}`)).toEqual(
      expect.arrayContaining([`resolved ${TWO_FA}`, `opened ${TWO_FA}`, 'suppressed app/edge-api/collab@other.example']),
    );
    expect((parse(strFromU8(files['datasets/apps.csv']!), { columns: true }) as { name: string }[]).map((a) => a.name)).not.toContain('plain-app');
    const events = parse(strFromU8(files['audit-events.csv']!), { columns: true }) as { created_at: string }[];
    expect(events.map((e) => e.created_at).sort()).toEqual(['2026-11-19T23:59:59Z', '2026-11-20T00:00:00Z']);
    expect((JSON.parse(strFromU8(files['sync-runs.json']!)) as { status: string }[]).map((r) => r.status)).toEqual(['complete', 'complete']);
    const soc2 = JSON.parse(strFromU8(files['frameworks/soc2.json']!)) as { controls: { id: string; status: string }[] };
    expect(soc2.controls.find((c) => c.id === 'CC6.1')?.status).toBe('failing');
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { files: { path: string }[]; period: unknown };
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      Object.keys(files)
        .filter((p) => !p.startsWith('manifest.'))
        .sort(),
    );
    const html = strFromU8(files['report.html']!);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; contract');
    expect(html).not.toContain('<script>');
    expect(html).toMatch(/CC6\.1<\/b>.*failing/);
    // The report's counts in the order every door says them (the dashboard's compliance page, the CLI's report).
    const said = [...(/<h2>SOC 2 <small>[^<]*<\/small><\/h2><p class="summary">(.*?)<\/p>/.exec(html)?.[1] ?? '').matchAll(/<span[^>]*>([^<]*)<\/span>/g)].map(
      (m) => m[1],
    );
    const soc2Summary = (JSON.parse(strFromU8(files['frameworks/soc2.json']!)) as FrameworkReport).summary;
    expect(said).toEqual(CONTROL_STATUS_ORDER.map(({ status, label }) => `${soc2Summary[status]} ${label}`));
    expect(html).toContain(`checks (failed / unknown / suppressed / passed)`);
    for (const [path, bytes] of Object.entries(files)) {
      const text = Buffer.from(bytes).toString('latin1');
      for (const secret of [CANARY, ...Object.values(T)]) expect(text.includes(secret), `${secret} in ${path}`).toBe(false);
    }

    const altered = { ...files, 'findings.csv': strToU8(strFromU8(files['findings.csv']!).replace('open', 'pass')) };

    // One changed byte in any file, a file removed or added: verification fails and names it.
    for (const path of Object.keys(files)) {
      const changed = { ...files, [path]: files[path]!.slice() };
      changed[path]![Math.floor(changed[path]!.length / 2)]! ^= 0x01;
      const verdict = verifyBundle(zipSync(changed), { trusted });
      expect(verdict.ok, path).toBe(false);
      expect(verdict.problems.join('\n'), path).toContain(
        path === 'manifest.sha256' ? 'manifest.json has changed' : path === 'manifest.json' || path === 'manifest.sig' ? path : `${path} has changed`,
      );
    }
    const { 'datasets/apps.csv': _removed, ...missing } = files;
    expect(verifyBundle(zipSync(missing), { trusted }).problems).toEqual(['datasets/apps.csv is missing']);
    expect(verifyBundle(zipSync({ ...files, 'extra.txt': strToU8('hello') }), { trusted }).problems).toEqual(['extra.txt is not in the manifest']);
    expect(verifyBundle(strToU8('not a zip')).ok).toBe(false);

    // Signed with the installation's key: a bundle rebuilt consistently by someone else passes the hashes but not the signer.
    expect(result.signer).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(statSync(join(hw.home, 'evidence-signing.key')).mode & 0o777).toBe(0o600);
    expect(verifyBundle(zip, { trusted })).toMatchObject({ ok: true, signer: result.signer });
    expect(verifyBundle(zip, { signer: result.signer! }).ok).toBe(true);
    // Without --signer, a key this installation does not know is not trusted, however intact the bundle.
    expect(verifyBundle(zip)).toMatchObject({ ok: false, intact: true, trusted: false, signer: result.signer });
    expect(verifyBundle(zip).problems.join('\n')).toContain('a key this installation does not know');
    const otherKey = loadSigningKey(await mkdtemp(join(tmpdir(), 'herowatch-other-key-')), {});
    expect(verifyBundle(zip, { signer: otherKey.fingerprint }).problems).toEqual([`signed by ${result.signer}, not by the expected ${otherKey.fingerprint}`]);
    const manifestFiles = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    const rebuilt = manifestFiles.files
      .filter((f) => f.path !== 'SHA256SUMS')
      .map((f) => ({ path: f.path, description: f.description, content: f.path === 'findings.csv' ? altered['findings.csv']! : files[f.path]! }));
    const { signer: _signer, files: _files, format: _format, format_version: _version, ...meta } = manifestFiles;
    const forged = writeBundle(rebuilt, meta, otherKey).zip;
    expect(verifyBundle(forged)).toMatchObject({ ok: false, intact: true, signer: otherKey.fingerprint });
    expect(verifyBundle(forged, { trusted }).ok).toBe(false);
    expect(verifyBundle(forged, { signer: result.signer! }).ok).toBe(false);
    const unsigned = writeBundle(rebuilt, meta).zip;
    expect(verifyBundle(unsigned)).toMatchObject({ ok: false, intact: true, signer: null });
    expect(verifyBundle(unsigned, { trusted }).problems.join('\n')).toContain('not signed: the files agree with each other');
    expect(verifyBundle(unsigned, { signer: result.signer! }).problems).toEqual([`not signed by the expected ${result.signer}`]);
    const { 'manifest.sig': _sig, ...stripped } = files;
    expect(verifyBundle(zipSync(stripped), { trusted }).problems[0]).toBe(`manifest.sig is missing (manifest.json says ${result.signer} signed it)`);

    // From the command line.
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    const ok = await herowatch(env, ['evidence', 'verify', out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`${out}: verified, ${result.files} files unchanged (manifest SHA-256 ${result.manifestHash}).`);
    expect(ok.stdout).toContain(`Signed by ${result.signer}, this installation's own key.`);
    // Elsewhere (another home, another key), the same bundle needs --signer.
    const elsewhere = { HEROWATCH_HOME: await mkdtemp(join(tmpdir(), 'herowatch-auditor-')) };
    const auditor = await herowatch(elsewhere, ['evidence', 'verify', out]);
    expect(auditor.code).toBe(1);
    expect(auditor.stderr).toContain(`pass --signer ${result.signer}`);
    expect((await herowatch(elsewhere, ['evidence', 'verify', out, '--signer', result.signer!])).code).toBe(0);
    const tampered = join(hw.home, 'tampered.zip');
    await writeFile(tampered, zipSync(altered));
    const bad = await herowatch(env, ['evidence', 'verify', tampered]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('findings.csv has changed');
    const made = await herowatch(env, ['evidence', '--out', join(hw.home, 'cli.zip'), '--from', '2026-11-01', '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ connections: ['edge'], period: { from: '2026-11-01T00:00:00.000Z' } });
    // An existing bundle is not replaced without --yes.
    const again = await herowatch(env, ['evidence', '--out', join(hw.home, 'cli.zip'), '--from', '2026-11-01']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `${join(hw.home, 'cli.zip')} exists. Replace it? Nobody is at a terminal to answer: add --yes to evidence --out to confirm.`,
    );
    expect((await herowatch(env, ['evidence', '--out', join(hw.home, 'cli.zip'), '--from', '2026-11-01', '--yes'])).code).toBe(0);
    expect((await herowatch(env, ['evidence', '--out', join(hw.home, 'x.zip'), '--from', '2026-12-01', '--to', '2026-11-01'])).stderr).toContain(
      'The period is empty',
    );
    expect((await herowatch(env, ['evidence', 'verify', join(hw.home, 'nope.zip')])).stderr).toContain('no such file');
    const key = await herowatch(env, ['evidence', 'signing-key', '--json']);
    expect(JSON.parse(key.stdout)).toMatchObject({ fingerprint: result.signer, source: 'file' });
    const publicKey = join(hw.home, 'herowatch-evidence.pub');
    await writeFile(publicKey, (await herowatch(env, ['evidence', 'signing-key', '--pem'])).stdout);
    const signed = await herowatch(env, ['evidence', 'verify', out, '--signer', publicKey]);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain(`Signed by ${result.signer}, the expected key.`);
    const forgedFile = join(hw.home, 'forged.zip');
    await writeFile(forgedFile, forged);
    const refused = await herowatch(env, ['evidence', 'verify', forgedFile, '--signer', result.signer!]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`signed by ${otherKey.fingerprint}, not by the expected ${result.signer}`);
    const plain = join(hw.home, 'plain.zip');
    expect((await herowatch(env, ['evidence', '--out', plain, '--from', '2026-11-01', '--no-sign'])).code).toBe(0);
    const plainVerdict = await herowatch(env, ['evidence', 'verify', plain]);
    expect(plainVerdict.code).toBe(1);
    expect(plainVerdict.stderr).toContain(`${plain}: intact`);
    expect(plainVerdict.stderr).toContain('not signed: the files agree with each other');
    expect((await herowatch(env, ['evidence', 'verify', plain, '--signer', 'nonsense'])).stderr).toContain('--signer takes a key fingerprint');
  }, 180_000);
});

describe('evidence verification of hostile archives', () => {
  const key = loadSigningKey(mkdtempSync(join(tmpdir(), 'herowatch-key-')), {});
  const trusted = [key.fingerprint];
  const meta = {
    generated_at: '2026-11-20T12:00:00.000Z',
    generated_by: 'herowatch test',
    period: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-20T00:00:00.000Z' },
    connections: ['edge'],
    notes: [],
  };
  const bundle = () =>
    writeBundle(
      [
        { path: 'findings.json', description: 'findings', content: '[]\n' },
        { path: 'datasets/apps.csv', description: 'apps', content: 'name\nshop\n' },
      ],
      meta,
      key,
    ).zip;

  /** Writes entries in order with fflate's streaming writer, which (unlike zipSync) takes a name twice, and directory entries. */
  function streamZip(entries: [string, Uint8Array][]): Uint8Array {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    for (const [name, bytes] of entries) {
      const file = new ZipDeflate(name, { level: 6 });
      zip.add(file);
      file.push(bytes, true);
    }
    zip.end();
    return Buffer.concat(chunks);
  }

  it('accepts an untouched bundle unzipped and zipped again, with directory entries and another order', () => {
    const files = Object.entries(unzipSync(bundle())).reverse();
    const rezipped = streamZip([['datasets/', new Uint8Array()], ...files]);
    expect(verifyBundle(rezipped, { trusted })).toMatchObject({ ok: true, problems: [] });
    // Tampering still fails after re-zipping.
    const tampered = files.map(([name, bytes]): [string, Uint8Array] => [name, name === 'datasets/apps.csv' ? strToU8('name\nevil\n') : bytes]);
    expect(verifyBundle(streamZip(tampered), { trusted }).problems).toContain(
      `datasets/apps.csv has changed: its SHA-256 is ${createHash('sha256').update('name\nevil\n').digest('hex')}, the manifest says ${createHash('sha256').update('name\nshop\n').digest('hex')}`,
    );
  });

  it('refuses a name that appears twice', () => {
    const files = Object.entries(unzipSync(bundle()));
    const twice = streamZip([...files, ['datasets/apps.csv', strToU8('name\nevil\n')]]);
    const verdict = verifyBundle(twice, { trusted });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain('datasets/apps.csv appears twice in the archive: readers disagree on which copy counts.');
  });

  it('refuses bytes outside the central directory: an entry the table of contents does not list', () => {
    const files = Object.entries(unzipSync(bundle()));
    const withHidden = streamZip([...files.slice(0, 1), ['hidden.txt', strToU8('not in the directory')], ...files.slice(1)]);
    const verdict = verifyBundle(dropFromDirectory(withHidden, 'hidden.txt'), { trusted });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join('\n')).toMatch(/belong to no listed entry: something is hidden outside the central directory/);
    const prefixed = Buffer.concat([zipSync({ 'extra.txt': strToU8('x') }), bundle()]);
    expect(verifyBundle(prefixed, { trusted }).ok).toBe(false);
  });

  it('refuses an archive that would expand far beyond any bundle, before expanding it', () => {
    const bomb = zipSync({ 'manifest.json': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    const verdict = verifyBundle(bomb, { trusted });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join('\n')).toMatch(/expands \d+ times, more than any evidence file/);
  });
});

/** Removes one entry's record from the central directory, leaving its bytes in place. */
function dropFromDirectory(zip: Uint8Array, name: string): Uint8Array {
  const bytes = Buffer.from(zip);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  const offset = bytes.readUInt32LE(end + 16);
  const records: Buffer[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const length = 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const record = bytes.subarray(at, at + length);
    if (record.subarray(46, 46 + record.readUInt16LE(28)).toString() !== name) records.push(record);
    at += length;
  }
  const directory = Buffer.concat(records);
  const tail = Buffer.from(bytes.subarray(end));
  tail.writeUInt16LE(records.length, 8);
  tail.writeUInt16LE(records.length, 10);
  tail.writeUInt32LE(directory.length, 12);
  tail.writeUInt32LE(offset, 16);
  return Buffer.concat([bytes.subarray(0, offset), directory, tail]);
}
