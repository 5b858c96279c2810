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

/**
 * Parsed versions kept by their text: matching compares the same few
 * thousand versions (a database's range events, an app's packages) millions
 * of times, and parsing dominated. Bounded: past the limit it starts over.
 */
function memo<T>(parse: (text: string) => T, limit = 200_000): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size >= limit) cache.clear();
      value = parse(text);
      cache.set(text, value);
    }
    return value;
  };
}

const semverEcosystem = (name: EcosystemName, strip: (v: string) => string = (v) => v): Ecosystem => {
  const parsed = memo((text: string) => semver.parse(text));
  return {
    name,
    normalizeName: (n) => n,
    version: (text) => {
      // Build metadata does not order versions: it is dropped.
      return parsed(strip(text.trim()))?.version ?? null;
    },
    compare: (a, b) => {
      const x = parsed(a);
      const y = parsed(b);
      return x && y ? x.compare(y) : semver.compare(a, b);
    },
  };
};

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
  // Own keys only: a name from a file (`__proto__`, `constructor`) is no ecosystem.
  const own = (key: string): Ecosystem | null => (Object.hasOwn(REGISTRY, key) ? (REGISTRY as Record<string, Ecosystem>)[key]! : null);
  const exact = own(name);
  if (exact) return exact;
  const colon = name.indexOf(':');
  return colon === -1 ? null : own(name.slice(0, colon));
}

/** A package's identity across files and advisories: its ecosystem and its name as the ecosystem normalises it. */
export function packageKey(eco: string, name: string): string {
  return `${eco}\u0000${ecosystem(eco)?.normalizeName(name) ?? name}`;
}
