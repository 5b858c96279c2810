import { PackageURL } from 'packageurl-js';
import type { EcosystemName } from './ecosystems.js';

/** The purl type of each ecosystem (package-url's purl-spec). */
export const PURL_TYPE: Record<EcosystemName, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  RubyGems: 'gem',
  Go: 'golang',
  Packagist: 'composer',
  Maven: 'maven',
  'crates.io': 'cargo',
};

const ECOSYSTEM_OF_TYPE = new Map(Object.entries(PURL_TYPE).map(([eco, type]) => [type, eco as EcosystemName]));

/** What a purl names: a package of an ecosystem herowatch matches (its name as the ecosystem writes it), a package of another type, or nothing. */
export type PurlReading =
  { kind: 'package'; ecosystem: EcosystemName; name: string; version: string | null } | { kind: 'other'; type: string } | { kind: 'malformed' };

/** Reads a purl from a document (an SBOM, a VEX statement): untrusted, so anything the purl library refuses is malformed. */
export function readPurl(text: string): PurlReading {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text);
  } catch {
    return { kind: 'malformed' };
  }
  const eco = ECOSYSTEM_OF_TYPE.get(purl.type);
  if (!eco) return { kind: 'other', type: purl.type };
  // Maven names are group:artifact; npm, Go and Composer names keep their namespace before a slash.
  if (eco === 'Maven' && !purl.namespace) return { kind: 'malformed' };
  const name = eco === 'Maven' ? `${purl.namespace}:${purl.name}` : purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
  return { kind: 'package', ecosystem: eco, name, version: purl.version || null };
}

/** Counts of what a reader set aside, by reason, most frequent first. */
export class ReasonCounts {
  private readonly counts = new Map<string, number>();
  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }
  list(): { reason: string; count: number }[] {
    return [...this.counts]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  }
}
