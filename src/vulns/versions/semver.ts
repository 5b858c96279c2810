/**
 * Semantic Versioning 2.0's precedence (npm, Go modules, crates.io), with
 * numbers of any size compared exactly: the `semver` package refuses a
 * number past 2^53, which made such a version unknown. Major, minor and
 * patch compare as numbers; a version with a prerelease sorts before the
 * one without; prerelease identifiers compare one by one, numbers as
 * numbers, before any word, words by their ASCII order, and a shorter list
 * first when the longer one begins with it; build metadata does not order.
 */

// semver.org's own pattern for a version.
const PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface SemVer {
  /** The version without its build metadata, as it is compared and shown. */
  text: string;
  core: [bigint, bigint, bigint];
  prerelease: (bigint | string)[];
}

export function parseSemver(text: string): SemVer | null {
  // Longer than any real version: not read (the pattern is linear, but the numbers would be huge).
  if (text.length > 256) return null;
  const match = PATTERN.exec(text);
  if (!match) return null;
  const prerelease = match[4] === undefined ? [] : match[4].split('.').map((id) => (/^\d+$/.test(id) ? BigInt(id) : id));
  return {
    text: `${match[1]}.${match[2]}.${match[3]}${match[4] === undefined ? '' : `-${match[4]}`}`,
    core: [BigInt(match[1]!), BigInt(match[2]!), BigInt(match[3]!)],
    prerelease,
  };
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    const result = compareBig(a.core[i]!, b.core[i]!);
    if (result !== 0) return result;
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length === 0 ? 0 : a.prerelease.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
    if (typeof x !== typeof y) return typeof x === 'bigint' ? -1 : 1;
    const result = typeof x === 'bigint' ? compareBig(x, y as bigint) : x < (y as string) ? -1 : x > (y as string) ? 1 : 0;
    if (result !== 0) return result;
  }
  return 0;
}
