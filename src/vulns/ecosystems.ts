import { compareComposerVersions, isComposerRelease, normalizeComposerVersion } from './versions/composer.js';
import { compareMavenVersions } from './versions/maven.js';
import { comparePep440, parsePep440 } from './versions/pep440.js';
import { compareGemVersions, parseGemVersion } from './versions/rubygems.js';
import { compareSemver, parseSemver } from './versions/semver.js';

/** The package ecosystems herowatch reads and matches, by their OSV names. */
export const ECOSYSTEMS = ['npm', 'PyPI', 'RubyGems', 'Go', 'Packagist', 'Maven', 'crates.io'] as const;
export type EcosystemName = (typeof ECOSYSTEMS)[number];

/**
 * An ecosystem's rules for names and versions. `version` gives the form a
 * version is compared in, or null when it is not a version of this
 * ecosystem (a range, a typo): such a version is "unknown", never guessed
 * and never a crash. `compare` takes two such forms (NaN when the
 * ecosystem gives them no order). `ranged` says whether a version has a
 * place in the order advisories' ranges are written in (a Composer branch,
 * `dev-main`, has none, and matches no range, as in Composer's own audit).
 */
export interface Ecosystem {
  name: EcosystemName;
  normalizeName(name: string): string;
  version(text: string): string | null;
  compare(a: string, b: string): number;
  ranged(version: string): boolean;
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
  const parsed = memo(parseSemver);
  return {
    name,
    normalizeName: (n) => n,
    ranged: () => true,
    // Build metadata does not order versions: it is dropped.
    version: (text) => parsed(strip(text.trim()))?.text ?? null,
    compare: (a, b) => compareVersions(parsed(a), parsed(b), compareSemver),
  };
};

/** Two parsed versions compared; NaN when either is not a version (callers compare only what `version` accepted). */
function compareVersions<T>(a: T | null, b: T | null, compare: (a: T, b: T) => number): number {
  return a === null || b === null ? NaN : compare(a, b);
}

const pep440 = memo(parsePep440);
const gem = memo(parseGemVersion);

const REGISTRY: Record<EcosystemName, Ecosystem> = {
  npm: semverEcosystem('npm', (v) => v.replace(/^v(?=\d)/, '')),
  'crates.io': semverEcosystem('crates.io'),
  // Go module versions carry a `v`; `+incompatible` marks a v2+ module without go.mod and does not order.
  Go: semverEcosystem('Go', (v) => v.replace(/^v(?=\d)/, '').replace(/\+incompatible$/, '')),
  PyPI: {
    name: 'PyPI',
    // PEP 503: lowercase, every run of -, _ and . is one -.
    normalizeName: (n) => n.toLowerCase().replace(/[-_.]+/g, '-'),
    ranged: () => true,
    version: (text) => (pep440(text.trim()) ? text.trim() : null),
    compare: (a, b) => compareVersions(pep440(a), pep440(b), comparePep440),
  },
  RubyGems: {
    name: 'RubyGems',
    normalizeName: (n) => n,
    ranged: () => true,
    // Gem::Version reads an empty version as 0, and a version with spaces around it as without.
    version: (text) => (gem(text) ? text.trim() || '0' : null),
    compare: (a, b) => compareVersions(gem(a), gem(b), compareGemVersions),
  },
  Packagist: {
    name: 'Packagist',
    normalizeName: (n) => n.toLowerCase(),
    ranged: isComposerRelease,
    version: (text) => (normalizeComposerVersion(text) === null ? null : text.trim()),
    compare: (a, b) => compareComposerVersions(a, b) ?? NaN,
  },
  Maven: {
    name: 'Maven',
    normalizeName: (n) => n,
    ranged: () => true,
    // Maven orders any text (`1.0`, `2.0-jboss-1`, `ζέβρα`). No version: an empty one, one with spaces or control characters, an
    // unresolved property (`${revision}`), or one longer than any real version (each `-` nests the order one level deeper).
    version: (text) => {
      const trimmed = text.trim();
      return trimmed.length <= 256 && !trimmed.includes('${') && /^[^\s\p{Cc}]+$/u.test(trimmed) ? trimmed : null;
    },
    compare: compareMavenVersions,
  },
};

const resolved = new Map<string, Ecosystem | null>();

/** The ecosystem an OSV name stands for (`Maven:https://...` is Maven), or null for one herowatch does not match. */
export function ecosystem(name: string): Ecosystem | null {
  // Asked for every package matched: the answer for a name is kept (names are few; past the bound, not kept).
  const known = resolved.get(name);
  if (known !== undefined) return known;
  const colon = name.indexOf(':');
  const found = ownEcosystem(name) ?? (colon === -1 ? null : ownEcosystem(name.slice(0, colon)));
  if (resolved.size < 1_000) resolved.set(name, found);
  return found;
}

/** The registry's own key only: a name from a file (`__proto__`, `constructor`) is no ecosystem. */
function ownEcosystem(key: string): Ecosystem | null {
  return Object.hasOwn(REGISTRY, key) ? (REGISTRY as Record<string, Ecosystem>)[key]! : null;
}

/** A package's identity across files and advisories: its ecosystem and its name as the ecosystem normalises it. */
export function packageKey(eco: string, name: string): string {
  return `${eco}\u0000${ecosystem(eco)?.normalizeName(name) ?? name}`;
}
