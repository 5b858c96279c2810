import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { createTar } from 'nanotar';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_SCAN_LIMITS, ScanLimitError } from './scan.js';
import { scanFolder, scanTarball } from './sources.js';

const text = (value: string) => new TextEncoder().encode(value);
const lock = (packages: Record<string, string>) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: Object.fromEntries(Object.entries(packages).map(([name, version]) => [`node_modules/${name}`, { version }])),
  });
const slug = (files: Record<string, Uint8Array>) => gzipSync(createTar(Object.entries(files).map(([name, data]) => ({ name, data }))));
const list = (result: { packages: { name: string; version: string | null }[] }) => result.packages.map((p) => `${p.name}@${p.version}`);

/** A binary as Go 1.18+ writes it: an ELF header, then (somewhere) the build information block. */
function goBinary(goVersion: string, deps: [string, string][]): Uint8Array {
  const varint = (n: number) => (n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
  const modinfo = `path\tgithub.com/acme/api\nmod\tgithub.com/acme/api\t(devel)\t\n${deps.map(([p, v]) => `dep\t${p}\t${v}\th1:x=\n`).join('')}`;
  const sentinel = '0'.repeat(16);
  const header = Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.from([8, 2]), Buffer.alloc(16)]);
  const body = Buffer.concat([
    Buffer.from(varint(goVersion.length)),
    Buffer.from(goVersion),
    Buffer.from(varint(modinfo.length + 32)),
    Buffer.from(sentinel + modinfo + sentinel, 'latin1'),
  ]);
  return Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(70_000, 7), header, body, Buffer.alloc(1000)]);
}

describe('scanning a slug as it streams', () => {
  it('reads what is under ./app/: installed trees before lockfiles, jars inside jars, Go binaries', async () => {
    const inner = zipSync({
      'META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties': text('groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n'),
    });
    const fat = zipSync({
      'BOOT-INF/lib/log4j-core-2.14.1.jar': inner,
      'META-INF/maven/com.acme/app/pom.properties': text('artifactId=app\ngroupId=com.acme\nversion=1.0\n'),
    });
    const bytes = slug({
      './app/package-lock.json': text(lock({ express: '4.18.2', lodash: '4.17.15' })),
      './app/node_modules/.package-lock.json': text(lock({ express: '4.18.2', lodash: '4.17.21' })),
      './app/server.js': text('require("express")'),
      './app/target/app.jar': fat,
      './app/bin/api': goBinary('go1.21.5', [['golang.org/x/net', 'v0.6.0']]),
    });
    const result = await scanTarball(Readable.from([bytes]));
    expect(list(result)).toEqual([
      'golang.org/x/net@v0.6.0',
      'stdlib@1.21.5',
      'com.acme:app@1.0',
      'org.apache.logging.log4j:log4j-core@2.14.1',
      'express@4.18.2',
      'lodash@4.17.21',
    ]);
    expect(result.files.map((f) => `${f.path}: ${f.format} ${f.used ? 'used' : 'set aside'}`)).toEqual([
      'app/bin/api: Go binary build information used',
      'app/node_modules/.package-lock.json: node_modules/.package-lock.json used',
      'app/package-lock.json: package-lock v3 set aside',
      'app/target/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar!/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties: pom.properties in a jar used',
      'app/target/app.jar!/META-INF/maven/com.acme/app/pom.properties: pom.properties in a jar used',
    ]);
    expect(result.gaps).toEqual([]);
  });

  it('turns a broken file or jar into a gap and reads the rest; refuses what is not a gzipped tarball', async () => {
    const result = await scanTarball(
      Readable.from([
        slug({ './app/lib/broken.jar': text('not a zip'), './app/Gemfile.lock': text('GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.3)\n') }),
      ]),
    );
    expect(list(result)).toEqual(['rack@2.2.3']);
    expect(result.gaps).toEqual([{ path: 'app/lib/broken.jar', reason: expect.stringMatching(/^not a readable jar/) }]);
    await expect(scanTarball(Readable.from([Buffer.from('plain text, not gzip')]))).rejects.toThrow(/not a readable gzipped tarball/);
  });

  it('stops at its bounds: too many entries, a decompression bomb; a path that climbs out is skipped', async () => {
    const many = slug(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`./app/f${i}.txt`, text('x')])));
    await expect(scanTarball(Readable.from([many]), { ...DEFAULT_SCAN_LIMITS, entries: 10 })).rejects.toThrow(ScanLimitError);
    const bomb = slug({ './app/zeros.bin': new Uint8Array(4 * 1024 * 1024) });
    await expect(scanTarball(Readable.from([bomb]), { ...DEFAULT_SCAN_LIMITS, ratio: 50, ratioAfterBytes: 1024 * 1024 })).rejects.toThrow(
      /decompresses more than 50 times/,
    );
    // Entries passed by count too: a package file too large to read whole is skipped, yet inflating it is bounded.
    const skipped = slug({ './app/requirements.txt': new Uint8Array(4 * 1024 * 1024), './app/x/../../../../outside.bin': new Uint8Array(4 * 1024 * 1024) });
    await expect(scanTarball(Readable.from([skipped]), { ...DEFAULT_SCAN_LIMITS, fileBytes: 1024, ratio: 50, ratioAfterBytes: 1024 * 1024 })).rejects.toThrow(
      /decompresses more than 50 times/,
    );
    const climbing = await scanTarball(Readable.from([slug({ '../../etc/package-lock.json': text(lock({ evil: '1.0.0' })) })]));
    expect(climbing.packages).toEqual([]);
    expect(climbing.gaps[0]!.path).toBe('../../etc/package-lock.json');
  });

  it('passes by what is not a package file (memory is measured by the benchmark)', async () => {
    const big = slug({ './app/assets/blob.bin': randomBytes(20 * 1024 * 1024), './app/requirements.txt': text('Django==3.2.13\n') });
    const result = await scanTarball(Readable.from([big]));
    expect(list(result)).toEqual(['Django@3.2.13']);
    expect(result.bytes).toBeGreaterThan(20 * 1024 * 1024);
  });
});

describe('scanning a folder', () => {
  it('reads the files beneath it and never follows a symbolic link out of it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'herowatch-scan-'));
    const outside = await mkdtemp(join(tmpdir(), 'herowatch-outside-'));
    onTestFinished(() => Promise.all([rm(root, { recursive: true, force: true }), rm(outside, { recursive: true, force: true })]).then(() => undefined));
    await mkdir(join(root, 'web'));
    await writeFile(join(root, 'web', 'package-lock.json'), lock({ qs: '6.5.2' }));
    await writeFile(join(outside, 'Gemfile.lock'), 'GEM\n  specs:\n    rack (2.2.3)\n');
    await symlink(join(outside, 'Gemfile.lock'), join(root, 'Gemfile.lock'));
    await symlink(outside, join(root, 'linked'));
    const result = await scanFolder(root);
    expect(list(result)).toEqual(['qs@6.5.2']);
  });
});
