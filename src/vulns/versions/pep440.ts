/**
 * PyPI's version order (PEP 440), numbers of any size compared exactly.
 * `@renovatebot/pep440`, used before, reads numbers as JavaScript numbers
 * and calls `1.9007199254740993` and `1.9007199254740992` equal; this
 * follows the specification and PyPA packaging's comparison key, and is
 * held to packaging's own test cases (test/vulns/vectors/pypi).
 */

// PEP 440's own pattern (its appendix), with the same groups.
const PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

/** The parts a version is ordered by; `null` stands for a part that is absent, which each comparison places as PEP 440 says. */
interface Pep440 {
  epoch: bigint;
  release: bigint[];
  pre: { kind: string; number: bigint } | null;
  post: bigint | null;
  dev: bigint | null;
  local: (bigint | string)[] | null;
}

const PRE_KIND: Record<string, string> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

export function parsePep440(text: string): Pep440 | null {
  const groups = PATTERN.exec(text)?.groups;
  if (!groups) return null;
  const number = (value: string | undefined) => BigInt(value ?? '0');
  const release = groups.release!.split('.').map((n) => BigInt(n));
  // Trailing zeros do not count: 1.0 is 1.
  while (release.length > 1 && release.at(-1) === 0n) release.pop();
  return {
    epoch: number(groups.epoch),
    release,
    pre: groups.pre ? { kind: PRE_KIND[groups.preL!.toLowerCase()]!, number: number(groups.preN) } : null,
    post: groups.post ? number(groups.postN1 ?? groups.postN2) : null,
    dev: groups.dev ? number(groups.devN) : null,
    local: groups.local ? groups.local.split(/[-_.]/).map((part) => (/^[0-9]+$/.test(part) ? BigInt(part) : part.toLowerCase())) : null,
  };
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareReleases(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const result = compareBig(a[i] ?? 0n, b[i] ?? 0n);
    if (result !== 0) return result;
  }
  return 0;
}

/** Where a version stands against pre-releases: a development release of a final version (`1.0.dev1`) before them all, a final or post release after. */
function preRank(v: Pep440): number {
  if (v.pre) return 0;
  return v.post === null && v.dev !== null ? -1 : 1;
}

function compareLocal(a: (bigint | string)[] | null, b: (bigint | string)[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
    // A number sorts after any word; words compare as text.
    if (typeof x !== typeof y) return typeof x === 'bigint' ? 1 : -1;
    const result = typeof x === 'bigint' ? compareBig(x, y as bigint) : x < (y as string) ? -1 : x > (y as string) ? 1 : 0;
    if (result !== 0) return result;
  }
  return 0;
}

export function comparePep440(a: Pep440, b: Pep440): number {
  return Math.sign(
    compareBig(a.epoch, b.epoch) ||
      compareReleases(a.release, b.release) ||
      preRank(a) - preRank(b) ||
      (a.pre && b.pre ? (a.pre.kind < b.pre.kind ? -1 : a.pre.kind > b.pre.kind ? 1 : compareBig(a.pre.number, b.pre.number)) : 0) ||
      // No post release sorts before any; no development release sorts after any.
      (a.post === b.post ? 0 : a.post === null ? -1 : b.post === null ? 1 : compareBig(a.post, b.post)) ||
      (a.dev === b.dev ? 0 : a.dev === null ? 1 : b.dev === null ? -1 : compareBig(a.dev, b.dev)) ||
      compareLocal(a.local, b.local),
  );
}
