import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attribute, noSbomFor, sameCommit, sbomFor } from './sbom-attribution.js';
import { readSbom, SbomError } from './sbom-import.js';
import { scanFile } from './sources.js';

const project = fileURLToPath(new URL('../../test/fixtures/sbom/npm-project/', import.meta.url));
const fixture = (name: string) => readFileSync(`${project}${name}`, 'utf8');
const key = (p: { name: string; version: string | null; dev: boolean }) => `${p.name}@${p.version}${p.dev ? ' (dev)' : ''}`;

describe('SBOMs written by real tools', () => {
  it.each([
    ['npm-cyclonedx-1.5.json', 'CycloneDX 1.5', 'npm cli 11.19.1'],
    ['cyclonedx-npm-1.6.json', 'CycloneDX 1.6', 'npm 11.19.1, @cyclonedx/cyclonedx-npm 6.0.1, @cyclonedx/cyclonedx-library 10.3.0'],
    ['npm-spdx-2.3.json', 'SPDX 2.3', 'npm/cli-11.19.1'],
  ])('%s lists what the lockfile pins, dev-only packages marked, as herowatch reads the lockfile itself', async (file, format, tool) => {
    const lockfile = await scanFile(`${project}package-lock.json`, 'package-lock.json');
    const sbom = readSbom(fixture(file));
    expect(sbom).toMatchObject({ format, tool, commit: null, skipped: [] });
    expect(sbom.packages.map(key).sort()).toEqual(lockfile.packages.map(key).sort());
    expect(sbom.packages.filter((p) => p.dev).map((p) => p.name)).toContain('jsonwebtoken');
    expect(sbom.packages.find((p) => p.name === 'lodash')).toMatchObject({ ecosystem: 'npm', version: '4.17.20', dev: false, evidence: 'sbom' });
  });

  it('reads CycloneDX 1.4 (tools as a list) without the dev packages the tool left out', async () => {
    const lockfile = await scanFile(`${project}package-lock.json`, 'package-lock.json');
    const sbom = readSbom(fixture('cyclonedx-npm-1.4-omit-dev.json'));
    expect(sbom.format).toBe('CycloneDX 1.4');
    expect(sbom.packages.map(key).sort()).toEqual(
      lockfile.packages
        .filter((p) => !p.dev)
        .map(key)
        .sort(),
    );
  });
});

const cdx = (components: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components, ...extra });
const lib = (purl: string | undefined, extra: Record<string, unknown> = {}) => ({ type: 'library', name: 'x', ...(purl ? { purl } : {}), ...extra });

describe('reading an SBOM', () => {
  it('maps every purl type herowatch matches to its ecosystem and name', () => {
    const sbom = readSbom(
      cdx([
        lib('pkg:npm/%40angular/core@16.0.0'),
        lib('pkg:pypi/Django@4.2.0'),
        lib('pkg:gem/rack@2.2.8'),
        lib('pkg:golang/github.com/gin-gonic/gin@v1.9.0'),
        lib('pkg:composer/guzzlehttp/guzzle@7.4.0'),
        lib('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar'),
        lib('pkg:cargo/serde@1.0.0'),
      ]),
    );
    expect(sbom.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version}`).sort()).toEqual(
      [
        'npm @angular/core 16.0.0',
        'PyPI django 4.2.0',
        'RubyGems rack 2.2.8',
        'Go github.com/gin-gonic/gin v1.9.0',
        'Packagist guzzlehttp/guzzle 7.4.0',
        'Maven org.apache.logging.log4j:log4j-core 2.14.1',
        'crates.io serde 1.0.0',
      ].sort(),
    );
  });

  it('counts what it cannot match, by reason, and never guesses', () => {
    const sbom = readSbom(
      cdx([
        lib('pkg:deb/ubuntu/openssl@3.0.2?arch=amd64'),
        lib('pkg:deb/ubuntu/libc6@2.35'),
        lib(undefined),
        lib('not a purl'),
        lib('pkg:npm/left-pad'),
        lib('pkg:maven/log4j-core@2.14.1'),
        lib('pkg:__proto__/x@1'),
        { type: 'operating-system', name: 'ubuntu', version: '22.04' },
        lib('pkg:npm/ok@1.0.0', { components: [lib('pkg:npm/nested@2.0.0')] }),
      ]),
    );
    expect(sbom.packages.map((p) => p.name)).toEqual(['nested', 'ok']);
    expect(sbom.components).toBe(10);
    expect(Object.fromEntries(sbom.skipped.map((s) => [s.reason, s.count]))).toEqual({
      'deb packages (no advisory database herowatch reads covers them)': 2,
      'components without a purl': 1,
      // Not a purl; a Maven purl without its group, a purl type that is no name: the purl library refuses them.
      'components with a malformed purl': 3,
      'components without a version': 1,
      'operating-system components (not packages of a registry)': 1,
    });
  });

  it('counts an optional or other dependency of the app as run time: only dev and test relationships make a package dev-only', () => {
    const pkg = (id: string, name: string) => ({ SPDXID: id, name, externalRefs: [{ referenceType: 'purl', referenceLocator: `pkg:npm/${name}@1.0.0` }] });
    const sbom = readSbom(
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        documentDescribes: ['SPDXRef-app'],
        packages: [{ SPDXID: 'SPDXRef-app', name: 'app' }, pkg('SPDXRef-sharp', 'sharp'), pkg('SPDXRef-eslint', 'eslint'), pkg('SPDXRef-minimist', 'minimist')],
        relationships: [
          { spdxElementId: 'SPDXRef-sharp', relationshipType: 'OPTIONAL_DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-app' },
          { spdxElementId: 'SPDXRef-eslint', relationshipType: 'DEV_DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-app' },
          { spdxElementId: 'SPDXRef-minimist', relationshipType: 'DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-sharp' },
          { spdxElementId: 'SPDXRef-minimist', relationshipType: 'DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-eslint' },
        ],
      }),
    );
    expect(Object.fromEntries(sbom.packages.map((p) => [p.name, p.dev]))).toEqual({ eslint: true, minimist: false, sharp: false });
  });

  it('takes the commit from where tools put it, and says nothing when none is named', () => {
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    expect(readSbom(cdx([], { metadata: { properties: [{ name: 'vcs:revision', value: sha }] } })).commit).toBe(sha);
    expect(
      readSbom(cdx([], { metadata: { component: { type: 'application', name: 'web', properties: [{ name: 'git:commit', value: sha.toUpperCase() }] } } }))
        .commit,
    ).toBe(sha);
    expect(readSbom(cdx([], { metadata: { component: { type: 'application', name: 'web', pedigree: { commits: [{ uid: sha }] } } } })).commit).toBe(sha);
    expect(readSbom(cdx([], { metadata: { component: { type: 'application', name: 'web', version: '1.0.0' } } })).commit).toBeNull();
    // Something else named commit is no commit id.
    expect(readSbom(cdx([], { metadata: { properties: [{ name: 'commit', value: 'fix the build' }] } })).commit).toBeNull();
    const spdx = JSON.parse(fixture('npm-spdx-2.3.json')) as { packages: { SPDXID: string; sourceInfo?: string }[] };
    spdx.packages.find((p) => p.SPDXID === 'SPDXRef-Package-fir-api-1.0.0')!.sourceInfo = `built from git commit ${sha}`;
    expect(readSbom(JSON.stringify(spdx)).commit).toBe(sha);
  });

  it('refuses what it does not read, saying what to give instead', () => {
    const refused = (text: string) => {
      try {
        readSbom(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SbomError);
        expect((error as SbomError).code).toBe('HW_SBOM_INVALID');
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused('<bom/>')).toMatch(/not valid JSON/);
    expect(refused('[]')).toMatch(/not a JSON object/);
    expect(refused('{"name": "x"}')).toMatch(/neither CycloneDX .* nor SPDX .*CycloneDX 1\.4-1\.6 or SPDX 2\.3/);
    expect(refused(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.3' }))).toMatch(/CycloneDX 1\.3 is not read: give CycloneDX 1\.4, 1\.5, 1\.6/);
    expect(refused(JSON.stringify({ spdxVersion: 'SPDX-2.1' }))).toMatch(/SPDX-2\.1 is not read: give SPDX 2\.3/);
  });

  it('stops at its bound on components, however they nest', () => {
    const flat = cdx(Array.from({ length: 30 }, (_, i) => lib(`pkg:npm/p${i}@1.0.0`)));
    expect(() => readSbom(flat, { components: 20 })).toThrow(/more than 20 components/);
    let nested: Record<string, unknown> = lib('pkg:npm/deep@1.0.0');
    for (let i = 0; i < 30; i++) nested = lib(`pkg:npm/p${i}@1.0.0`, { components: [nested] });
    expect(() => readSbom(cdx([nested]), { components: 20 })).toThrow(/more than 20 components/);
  });

  it('reads hostile nesting and long texts in time linear in their size', () => {
    // Components nested a hundred thousand deep: a recursive walk would overflow the stack.
    const deep = (n: number) =>
      `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${'{"type":"library","name":"x","purl":"pkg:npm/a@1.0.0","components":['.repeat(n)}${']}'.repeat(n)}]}`;
    // Long names and purls are refused by length, never parsed.
    const long = (n: number) => cdx(Array.from({ length: n }, (_, i) => lib(`pkg:npm/${'a'.repeat(3_000)}${i}@1.0.0`)));
    // Many relationships between a few packages: the reach is walked once per element.
    const graph = (n: number) =>
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        documentDescribes: ['SPDXRef-app'],
        packages: [
          { SPDXID: 'SPDXRef-app', name: 'app' },
          ...Array.from({ length: 50 }, (_, i) => ({
            SPDXID: `SPDXRef-${i}`,
            name: `p${i}`,
            externalRefs: [{ referenceType: 'purl', referenceLocator: `pkg:npm/p${i}@1.0.0` }],
          })),
        ],
        relationships: Array.from({ length: n }, (_, i) => ({
          spdxElementId: `SPDXRef-${i % 50}`,
          relationshipType: i % 7 === 0 ? 'DEV_DEPENDENCY_OF' : 'DEPENDS_ON',
          relatedSpdxElement: `SPDXRef-${(i * 31) % 50}`,
        })),
      });
    for (const [name, make, n] of [
      ['nesting', deep, 20_000],
      ['long texts', long, 500],
      ['relationships', graph, 20_000],
    ] as const) {
      const time = (size: number) => {
        const text = make(size);
        let best = Infinity;
        for (let attempt = 0; attempt < 3; attempt++) {
          const started = performance.now();
          readSbom(text);
          best = Math.min(best, performance.now() - started);
        }
        return best;
      };
      // Up to three pairs of readings: a busy machine can slow one, a quadratic reader slows all three.
      let small = time(n);
      let large = time(4 * n);
      for (let pair = 1; pair < 3 && large >= 8 * small + 20; pair++) {
        small = time(n);
        large = time(4 * n);
      }
      expect(large, `${name}: ${Math.round(small)} ms at n, ${Math.round(large)} ms at 4n`).toBeLessThan(8 * small + 20);
    }
    expect(readSbom(deep(100_000)).packages).toEqual([expect.objectContaining({ name: 'a', version: '1.0.0' })]);
    expect(readSbom(long(10)).skipped).toEqual([{ reason: 'components without a purl', count: 10 }]);
  });
});

describe('which release an SBOM speaks for', () => {
  const running = { version: 7, commit: 'c0ffee0123456789' };
  it('matches commits, abbreviated or whole, never under seven characters', () => {
    expect(sameCommit('c0ffee0', 'c0ffee0123456789')).toBe(true);
    expect(sameCommit('C0FFEE0123', 'c0ffee0123456789')).toBe(true);
    expect(sameCommit('c0ffee', 'c0ffee0123456789')).toBe(false);
    expect(sameCommit('c0ffee1', 'c0ffee0123456789')).toBe(false);
  });

  it("attributes an import to the running release when the commit is its own, unknown or unnamed, and keeps another commit's for later", () => {
    expect(attribute('c0ffee0', running)).toMatchObject({ release: 7, note: expect.stringMatching(/same commit/) });
    expect(attribute(null, running)).toMatchObject({ release: 7, note: expect.stringMatching(/names no commit/) });
    expect(attribute('beefbeef', { version: 7, commit: null })).toMatchObject({ release: 7, note: expect.stringMatching(/gives no commit/) });
    expect(attribute('beefbeef', running)).toMatchObject({ release: null, note: expect.stringMatching(/kept, and used once a release of beefbeef runs/) });
    expect(attribute('beefbeef', { version: null, commit: null }).release).toBeNull();
  });

  it("uses the running build's SBOM only, never an older build's for a newer one", () => {
    const older = { id: 'older', commit: 'aaaaaaa111', release_version: 6 };
    const mine = { id: 'mine', commit: 'c0ffee0123', release_version: 7 };
    const unnamed = { id: 'unnamed', commit: null, release_version: 7 };
    const pending = { id: 'pending', commit: 'c0ffee0123456789', release_version: null };
    expect(sbomFor([older, mine], running)?.id).toBe('mine');
    expect(sbomFor([pending, older], running)?.id).toBe('pending');
    expect(sbomFor([older, unnamed], running)?.id).toBe('unnamed');
    expect(sbomFor([older], running)).toBeNull();
    // An SBOM attributed to this release number but of another commit is another build's.
    expect(sbomFor([{ id: 'other', commit: 'bbbbbbb222', release_version: 7 }], running)).toBeNull();
    // Heroku gives no commit: the release it was attributed to decides.
    expect(sbomFor([older, mine], { version: 7, commit: null })?.id).toBe('mine');
    expect(noSbomFor([older], running)).toBe('the newest SBOM imported is of commit aaaaaaa111, not of the running release v7 (commit c0ffee012345)');
    expect(noSbomFor([], running)).toBeNull();
  });
});
