import { createHash } from 'node:crypto';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { Package, PackageSource } from './packages.js';
import { PURL_TYPE } from './purl.js';

/** What an SBOM is about: the app, the release and the slug its packages were read from. */
export interface SbomSubject {
  connection: string;
  app: string;
  appId: string;
  release: number | null;
  checksum: string;
  scannedAt: string;
}

/**
 * A package's purl, or null when its version is unknown (a purl without one
 * would claim every version) or it is not the registry's (a local folder,
 * a git repository, an archive: the registry's purl would name another).
 */
export function purlOf(pkg: Pick<Package, 'ecosystem' | 'name' | 'version' | 'source'>): string | null {
  if (pkg.version === null || pkg.source !== undefined) return null;
  const type = PURL_TYPE[pkg.ecosystem];
  const split = (separator: string): [string | undefined, string] => {
    const at = pkg.name.lastIndexOf(separator);
    return at <= 0 ? [undefined, pkg.name] : [pkg.name.slice(0, at), pkg.name.slice(at + 1)];
  };
  let namespace: string | undefined;
  let name = pkg.name;
  if (pkg.ecosystem === 'Maven') [namespace, name] = split(':');
  else if (pkg.ecosystem === 'npm' || pkg.ecosystem === 'Go' || pkg.ecosystem === 'Packagist') [namespace, name] = split('/');
  if (pkg.ecosystem === 'PyPI') name = name.toLowerCase().replace(/[-_.]+/g, '-');
  try {
    return new PackageURL(type, namespace, name, pkg.version, undefined, undefined).toString();
  } catch {
    return null;
  }
}

/** How an SBOM says where a package not from the registry came from. */
const SOURCE_WORDS: Record<PackageSource, string> = {
  path: 'from a folder of the project, not the registry',
  link: 'linked from a folder, not the registry',
  workspace: 'a workspace member of the project, not the registry',
  git: 'from a git repository, not the registry',
  tarball: 'from an archive file or URL, not the registry',
};

/** A stable id derived from the subject: the same slug gives the same document id. */
function uuidOf(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A CycloneDX 1.6 JSON SBOM of what the slug holds: each package with its
 * purl, its scope (dev-only packages are `excluded`: they do not run), where
 * it was found and how (installed, lockfile, manifest, binary).
 */
export function cycloneDx(subject: SbomSubject, packages: Package[], tool: { version: string }): string {
  const bom = new CDX.Models.Bom();
  bom.serialNumber = `urn:uuid:${uuidOf(subject.checksum, subject.appId)}`;
  bom.metadata.timestamp = new Date(subject.scannedAt);
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'herowatch', { version: tool.version }));
  const app = new CDX.Models.Component(CDX.Enums.ComponentType.Application, subject.app, {
    version: subject.release === null ? undefined : `v${subject.release}`,
    bomRef: `heroku-app:${subject.appId}`,
  });
  app.properties.add(new CDX.Models.Property('herowatch:connection', subject.connection));
  app.properties.add(new CDX.Models.Property('herowatch:slug-checksum', subject.checksum));
  bom.metadata.component = app;
  // A second package with the same reference (a purl lowercases npm names, the merge does not) gets `#2`, `#3`...: counted, never searched for.
  const seen = new Map<string, number>();
  for (const pkg of packages) {
    const purl = purlOf(pkg);
    const base = purl ?? `${pkg.ecosystem}:${pkg.name}@${pkg.version ?? 'unknown'}${pkg.source ? `:${pkg.source}` : ''}`;
    const times = (seen.get(base) ?? 0) + 1;
    seen.set(base, times);
    const ref = times === 1 ? base : `${base}#${times}`;
    const component = new CDX.Models.Component(CDX.Enums.ComponentType.Library, pkg.name, {
      version: pkg.version ?? undefined,
      bomRef: ref,
      purl: purl ?? undefined,
      scope: pkg.dev ? CDX.Enums.ComponentScope.Excluded : CDX.Enums.ComponentScope.Required,
    });
    component.properties.add(new CDX.Models.Property('herowatch:ecosystem', pkg.ecosystem));
    component.properties.add(new CDX.Models.Property('herowatch:evidence', pkg.evidence));
    for (const location of pkg.locations) component.properties.add(new CDX.Models.Property('herowatch:location', location));
    if (pkg.version === null) component.properties.add(new CDX.Models.Property('herowatch:version', 'unknown (not pinned where it was found)'));
    if (pkg.source) component.properties.add(new CDX.Models.Property('herowatch:source', SOURCE_WORDS[pkg.source]));
    bom.components.add(component);
  }
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

/** An SPDX 2.3 JSON SBOM of the same packages: the app as the described package, each package with its purl. */
export function spdx(subject: SbomSubject, packages: Package[], tool: { version: string }): string {
  const id = (index: number) => `SPDXRef-Package-${index}`;
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${subject.app}${subject.release === null ? '' : ` v${subject.release}`}`,
    documentNamespace: `https://herowatch.invalid/spdx/${encodeURIComponent(subject.connection)}/${encodeURIComponent(subject.app)}/${uuidOf(subject.checksum, subject.appId)}`,
    creationInfo: { created: new Date(subject.scannedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), creators: [`Tool: herowatch-${tool.version}`] },
    documentDescribes: ['SPDXRef-App'],
    packages: [
      {
        SPDXID: 'SPDXRef-App',
        name: subject.app,
        ...(subject.release === null ? {} : { versionInfo: `v${subject.release}` }),
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        primaryPackagePurpose: 'APPLICATION',
        comment: `Heroku app ${subject.appId} of connection ${subject.connection}; slug ${subject.checksum}.`,
      },
      ...packages.map((pkg, index) => {
        const purl = purlOf(pkg);
        return {
          SPDXID: id(index + 1),
          name: pkg.name,
          ...(pkg.version === null ? {} : { versionInfo: pkg.version }),
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          primaryPackagePurpose: 'LIBRARY',
          ...(purl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] } : {}),
          comment: `${pkg.ecosystem}, ${pkg.evidence}${pkg.source ? `, ${SOURCE_WORDS[pkg.source]}` : ''}${pkg.dev ? ', needed only in development' : ''}; found in ${pkg.locations.join(', ')}`,
        };
      }),
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-App' },
      // A dev-only package is a development dependency of the app; the others are in what runs.
      ...packages.map((pkg, index) =>
        pkg.dev
          ? { spdxElementId: id(index + 1), relationshipType: 'DEV_DEPENDENCY_OF', relatedSpdxElement: 'SPDXRef-App' }
          : { spdxElementId: 'SPDXRef-App', relationshipType: 'CONTAINS', relatedSpdxElement: id(index + 1) },
      ),
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
