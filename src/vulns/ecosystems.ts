import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440';
import { eq as gemEq, lt as gemLt, valid as validGem } from '@renovatebot/ruby-semver';
import semver from 'semver';
import { compareComposerVersions, normalizeComposerVersion } from './versions/composer.js';
import { compareMavenVersions } from './versions/maven.js';

/** The package ecosystems herowatch reads and matches, by their OSV names. */
export const ECOSYSTEMS = ['npm', 'PyPI', 'RubyGems', 'Go', 'Packagist', 'Maven', 'crates.io'] as const;
export type EcosystemName = (typeof ECOSYSTEMS)[number];

/**
 * An ecosystem's rules for names and versions. `version` gives the form a
 * version is compared in, or null when it is not a version of this
 * ecosystem (a range, a branch, a typo): such a version is "unknown", never
 * guessed and never a crash. `compare` takes two such forms.
 */
export interface Ecosystem {
  name: EcosystemName;
  normalizeName(name: string): string;
  version(text: string): string | null;
  compare(a: string, b: string): number;
}

const semverEcosystem = (name: EcosystemName, strip: (v: string) => string = (v) => v): Ecosystem => ({
  name,
  normalizeName: (n) => n,
  version: (text) => {
    const parsed = semver.parse(strip(text.trim()));
    // Build metadata does not order versions: it is dropped.
    return parsed ? parsed.version : null;
  },
  compare: (a, b) => semver.compare(a, b),
});

const REGISTRY: Record<EcosystemName, Ecosystem> = {
  npm: semverEcosystem('npm', (v) => v.replace(/^v(?=\d)/, '')),
  'crates.io': semverEcosystem('crates.io'),
  // Go module versions carry a `v`; `+incompatible` marks a v2+ module without go.mod and does not order.
  Go: semverEcosystem('Go', (v) => v.replace(/^v(?=\d)/, '').replace(/\+incompatible$/, '')),
  PyPI: {
    name: 'PyPI',
    // PEP 503: lowercase, every run of -, _ and . is one -.
    normalizeName: (n) => n.toLowerCase().replace(/[-_.]+/g, '-'),
    version: (text) => (validPep440(text.trim()) ? text.trim() : null),
    compare: (a, b) => comparePep440(a, b),
  },
  RubyGems: {
    name: 'RubyGems',
    normalizeName: (n) => n,
    version: (text) => (validGem(text.trim()) ? text.trim() : null),
    compare: (a, b) => (gemEq(a, b) ? 0 : gemLt(a, b) ? -1 : 1),
  },
  Packagist: {
    name: 'Packagist',
    normalizeName: (n) => n.toLowerCase(),
    version: (text) => (normalizeComposerVersion(text) === null ? null : text.trim()),
    compare: (a, b) => compareComposerVersions(a, b) ?? 0,
  },
  Maven: {
    name: 'Maven',
    normalizeName: (n) => n,
    version: (text) => (/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/.test(text.trim()) ? text.trim() : null),
    compare: compareMavenVersions,
  },
};

/** The ecosystem an OSV name stands for (`Maven:https://...` is Maven), or null for one herowatch does not match. */
export function ecosystem(name: string): Ecosystem | null {
  const base = name.split(':')[0]!;
  return (REGISTRY as Record<string, Ecosystem>)[base] ?? null;
}
