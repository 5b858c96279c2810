/**
 * RubyGems' version order (Gem::Version), numbers of any size compared
 * exactly: a version is its segments, runs of digits or of letters (`1.0.a1`
 * is 1, 0, a, 1; a `-` reads as `.pre.`); a letter starts a prerelease,
 * which sorts before the release (`1beta` < `1`); zeros at the end of the
 * release part and of the prerelease part do not count. Written here
 * because `@renovatebot/ruby-semver`, used before, reads numbers as
 * JavaScript numbers; held to RubyGems' own test cases
 * (test/vulns/vectors/rubygems).
 */

// Gem::Version's own pattern: digits, then dot-separated alphanumerics, then an optional `-` part; spaces around (Ruby's: ASCII only).
const VERSION = /^[ \t\r\n\f\v]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\f\v]*$/;

type Segment = bigint | string;

/** The segments a version is ordered by, or null when RubyGems would refuse it. */
export function parseGemVersion(text: string): Segment[] | null {
  if (!VERSION.test(text)) return null;
  const stripped = text.replace(/^[ \t\r\n\f\v\0]+|[ \t\r\n\f\v\0]+$/g, '');
  const version = stripped === '' ? '0' : stripped.replaceAll('-', '.pre.');
  const segments: Segment[] = (version.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (/^[0-9]/.test(s) ? BigInt(s) : s));
  const firstWord = segments.findIndex((s) => typeof s === 'string');
  const release = firstWord === -1 ? segments : segments.slice(0, firstWord);
  const prerelease = firstWord === -1 ? [] : segments.slice(firstWord);
  const trimmed = (part: Segment[]) => {
    let end = part.length;
    while (end > 0 && part[end - 1] === 0n) end--;
    return part.slice(0, end);
  };
  return [...trimmed(release), ...trimmed(prerelease)];
}

export function compareGemVersions(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x === y) continue;
    // A word (a prerelease) sorts before a number.
    if (typeof x !== typeof y) return typeof x === 'string' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
