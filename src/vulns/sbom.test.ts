import { readFileSync } from 'node:fs';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ScanCollector } from './scan.js';
import { cycloneDx, purlOf, spdx, type SbomSubject } from './sbom.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/lockfiles/${name}`, import.meta.url), 'utf8');
const spdxSchema = JSON.parse(readFileSync(new URL('../../test/fixtures/schemas/spdx-2.3.schema.json', import.meta.url), 'utf8')) as object;

function packages(extra: Record<string, string> = {}) {
  const collector = new ScanCollector();
  const files: Record<string, string> = {
    'app/package-lock.json': fixture('package-lock-v3.json'),
    'app/Gemfile.lock': fixture('Gemfile.lock'),
    'app/requirements.txt': fixture('requirements.txt'),
    'app/go.mod': fixture('go.mod'),
    'app/composer.lock': fixture('composer.lock'),
    'app/gradle.lockfile': fixture('gradle.lockfile'),
    'app/Cargo.lock': fixture('Cargo.lock'),
    ...extra,
  };
  for (const [path, text] of Object.entries(files)) {
    const sink = collector.open(path, null)!;
    sink.write(Buffer.from(text));
    sink.end();
  }
  return collector.finish().packages;
}

const subject: SbomSubject = { connection: 'prod', app: 'shop', appId: 'app-1', release: 12, checksum: 'SHA256:abc', scannedAt: '2026-11-20T12:00:00.000Z' };

describe('SBOMs', () => {
  it("name every package by its purl, in each ecosystem's form", () => {
    const purls = packages().map(purlOf);
    expect(purls).toEqual(
      expect.arrayContaining([
        'pkg:npm/%40babel/runtime@7.20.1',
        'pkg:pypi/pyyaml@5.3.1',
        'pkg:gem/nokogiri@1.13.3',
        'pkg:golang/github.com/gin-gonic/gin@v1.9.0',
        'pkg:composer/guzzlehttp/guzzle@7.4.3',
        'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        'pkg:cargo/tokio@1.28.0',
      ]),
    );
    // A package without a pinned version has no purl: one would claim every version.
    expect(purlOf({ ecosystem: 'PyPI', name: 'requests', version: null })).toBeNull();
    // Nor has a package not from the registry: the registry's purl would name another package.
    expect(purlOf({ ecosystem: 'npm', name: 'local-lib', version: '0.1.0', source: 'path' })).toBeNull();
  });

  it('are valid CycloneDX 1.6, dev-only packages excluded from what runs, the same slug giving the same document', async () => {
    const document = cycloneDx(subject, packages(), { version: '1.0.0' });
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(document)).toBeNull();
    const bom = JSON.parse(document) as {
      specVersion: string;
      components: { name: string; scope: string; purl?: string; version?: string; properties?: { name: string; value: string }[] }[];
      metadata: { component: { name: string } };
    };
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.component.name).toBe('shop');
    expect(bom.components.find((c) => c.name === 'jest')!.scope).toBe('excluded');
    expect(bom.components.find((c) => c.name === 'qs' && c.purl === 'pkg:npm/qs@6.5.2')!.scope).toBe('required');
    // A local folder, a git fork: in the SBOM (they were deployed), saying where they came from, without a registry purl.
    const local = bom.components.find((c) => c.name === 'local-lib')!;
    expect(local.purl).toBeUndefined();
    expect(local.version).toBe('0.1.0');
    expect(local.properties).toContainEqual({ name: 'herowatch:source', value: 'from a folder of the project, not the registry' });
    const fork = bom.components.find((c) => c.name === 'forked')!;
    expect(fork.properties).toContainEqual({ name: 'herowatch:source', value: 'from a git repository, not the registry' });
    expect(cycloneDx(subject, packages(), { version: '1.0.0' })).toBe(document);
  });

  it('are valid SPDX 2.3, with purls as package-manager references', () => {
    const document = JSON.parse(spdx(subject, packages(), { version: '1.0.0' })) as {
      packages: { name: string; externalRefs?: { referenceLocator: string }[] }[];
      relationships: { relationshipType: string }[];
    };
    const validate = new Ajv({ allErrors: true, strict: false }).compile(spdxSchema);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.packages.find((p) => p.name === 'tokio')!.externalRefs![0]!.referenceLocator).toBe('pkg:cargo/tokio@1.28.0');
    expect(document.relationships.map((r) => r.relationshipType)).toEqual(expect.arrayContaining(['DESCRIBES', 'CONTAINS', 'DEV_DEPENDENCY_OF']));
  });

  it('stay valid with hostile names from a lockfile', async () => {
    const hostile = JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/"><script>\u001b[2J': { version: '1.0.0\u0000' } } });
    const list = packages({ 'evil/package-lock.json': hostile });
    const document = cycloneDx(subject, list, { version: '1.0.0' });
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(document)).toBeNull();
    expect(document).not.toContain('\u001b');
    expect(new Ajv({ strict: false }).compile(spdxSchema)(JSON.parse(spdx(subject, list, { version: '1' })))).toBe(true);
  });
});
