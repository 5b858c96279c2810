import { describe, expect, it } from 'vitest';
import { readerFor } from './index.js';

/**
 * Inputs built to make a reader slow: each took 3 to 66 seconds before the
 * readers went line by line (a long run of spaces before a line end that a
 * regular expression's `.` does not cross, a lookup per entry, a list copied
 * per snapshot). Each is read at a size n and at four times n: a linear
 * reading takes about four times as long, a quadratic one sixteen. Judged
 * by that ratio, not by a time, the test says the same on any machine,
 * however busy.
 */
const repeat = (text: string, times: number) => text.repeat(times);
const yarnLock = (n: number) =>
  `# yarn lockfile v1\n\n${Array.from({ length: n }, (_, i) => `p${i}@^1.0.0:\n  version "1.0.0"\n  resolved "https://r/p${i}.tgz"\n`).join('\n')}`;
const manifest = (n: number) => JSON.stringify({ dependencies: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, '^1.0.0'])) });
const berryAliases = (n: number) =>
  `__metadata:\n  version: 6\n\n"p0@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "p0@npm:1.0.0"\n  dependencies: &d\n${Array.from({ length: n }, (_, i) => `    d${i}: "npm:^1.0.0"\n`).join('')}\n${Array.from({ length: n }, (_, i) => `"p${i + 1}@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "p${i + 1}@npm:1.0.0"\n  dependencies: *d\n`).join('\n')}`;
const pnpmV9 = (n: number) =>
  `lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        version: 1.0.0\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\nsnapshots:\n${Array.from({ length: n }, (_, i) => `  a@1.0.0(p${i}@1.0.0):\n    dependencies:\n      d${i}a: 1.0.0\n`).join('')}`;
const gemLock = 'GEM\n  specs:\n    rack (2.2.8)\n';

type Packages = { name: string; version: string | null }[];
interface Case {
  name: string;
  /** The smaller size: the old readers took tens of milliseconds or more at it, seconds at four times it. */
  n: number;
  path: (n: number) => string;
  text: (n: number) => string;
  siblings?: (n: number) => Record<string, string>;
  expect?: (packages: Packages) => void;
}

const CASES: Case[] = [
  {
    name: 'METADATA: a name followed by spaces',
    n: 10_000,
    path: () => '.heroku/python/lib/python3.12/site-packages/x-1.dist-info/METADATA',
    text: (n) => `Name: requests${repeat(' ', n)}x\nVersion: 2.31.0\n`,
    expect: (p) => expect(p[0]!.version).toBe('2.31.0'),
  },
  {
    name: 'pom.properties: a value followed by spaces',
    n: 10_000,
    path: () => 'a.jar!/META-INF/maven/g/a/pom.properties',
    text: (n) => `groupId=g${repeat(' ', n)}x\nartifactId=a\nversion=1\n`,
    expect: (p) => expect(p[0]!.version).toBe('1'),
  },
  {
    name: 'pom.properties: empty lines',
    n: 10_000,
    path: () => 'a.jar!/META-INF/maven/g/a/pom.properties',
    text: (n) => `${repeat('\n', n)}groupId=g\nartifactId=a\nversion=1.2\n`,
    expect: (p) => expect(p).toEqual([expect.objectContaining({ name: 'g:a', version: '1.2' })]),
  },
  {
    name: 'requirements.txt: comments before a carriage return',
    n: 10_000,
    path: () => 'requirements.txt',
    text: (n) => `${repeat(' #', n)}\rx\nrequests==2.31.0\n`,
  },
  {
    name: 'requirements.txt: spaces before a line separator',
    n: 1_000,
    path: () => 'requirements.txt',
    text: (n) => `a${repeat(' ', n)}b\u2028c\nrequests==2.31.0  # pinned\n`,
    expect: (p) => expect(p.find((x) => x.name === 'requests')?.version).toBe('2.31.0'),
  },
  {
    name: 'go.mod: comment markers before a carriage return',
    n: 10_000,
    path: () => 'go.mod',
    text: (n) => `${repeat('//', n)}\rx\nrequire golang.org/x/text v0.3.7 // indirect\n`,
    expect: (p) => expect(p).toEqual([expect.objectContaining({ name: 'golang.org/x/text', version: 'v0.3.7' })]),
  },
  { name: 'go.mod: require and spaces', n: 10_000, path: () => 'go.mod', text: (n) => `require${repeat(' ', n)}a\u2028b\n` },
  {
    name: 'Gemfile: comment markers before a carriage return',
    n: 20_000,
    path: () => 'Gemfile.lock',
    text: () => gemLock,
    siblings: (n) => ({ Gemfile: `${repeat('#', n)}\rx\n` }),
  },
  {
    name: 'Gemfile: a group and spaces',
    n: 10_000,
    path: () => 'Gemfile.lock',
    text: () => gemLock,
    siblings: (n) => ({ Gemfile: `group :a${repeat(' ', n)}x\n` }),
  },
  {
    name: 'Gemfile: unclosed group lists',
    n: 5_000,
    path: () => 'Gemfile.lock',
    text: () => gemLock,
    siblings: (n) => ({ Gemfile: `gem 'x', ${repeat('group:[', n)}\n` }),
  },
  { name: 'gemspec: a long file name', n: 5_000, path: (n) => `vendor/bundle/ruby/3.2.0/specifications/a${repeat('-a-1', n)}-.gemspec`, text: () => '' },
  {
    name: 'yarn.lock with its package.json',
    n: 5_000,
    path: () => 'yarn.lock',
    text: yarnLock,
    siblings: (n) => ({ 'package.json': manifest(n) }),
    expect: (p) => expect(p.length % 5_000).toBe(0),
  },
  {
    name: 'yarn.lock (berry): one dependency list aliased by every entry',
    n: 750,
    path: () => 'yarn.lock',
    text: berryAliases,
    siblings: () => ({ 'package.json': manifest(10) }),
  },
  { name: 'pnpm-lock v9: snapshots of one package', n: 2_500, path: () => 'pnpm-lock.yaml', text: pnpmV9 },
  {
    name: 'package-lock: workspace globs of ** against links to deep folders',
    n: 500,
    path: () => 'package-lock.json',
    text: (n) => {
      const deep = (i: number) => `${repeat('d/', 60)}p${i}`;
      const packages: Record<string, unknown> = { '': { workspaces: [repeat('**/', 40) + 'x', `${repeat('*a', 60)}*b/**`] } };
      for (let i = 0; i < n; i++) {
        packages[`node_modules/p${i}`] = { resolved: deep(i), link: true };
        packages[deep(i)] = { name: `p${i}`, version: '1.0.0' };
      }
      return JSON.stringify({ lockfileVersion: 3, packages });
    },
    expect: (p) => expect(p.length).toBe(2_000),
  },
  {
    name: 'requirements.txt: environment markers nested and chained',
    n: 5_000,
    path: () => 'requirements.txt',
    text: (n) =>
      `a==1 ; ${repeat('(', n)}sys_platform == "win32"${repeat(')', n)}\nb==2 ; ${Array.from({ length: n }, () => 'python_version < "3"').join(' or ')}\nc==3\n`,
    expect: (p) => expect(p.map((x) => x.name)).toEqual(['a', 'c']),
  },
  {
    name: 'requirements.txt: includes that include each other',
    n: 20_000,
    path: () => 'requirements.txt',
    text: (n) => `-r a.txt\n${repeat('x==1\n', n)}`,
    siblings: (n) => ({ 'a.txt': `-r requirements.txt\n-r a.txt\n${repeat('y==1\n', n)}` }),
    // Every line of both, once: 4n of each at 4n (an include of more packages than a call can take as arguments included).
    expect: (p) => expect(p.length).toBe(160_000),
  },
  {
    name: 'Cargo.lock: a path crate every crate depends on, with its Cargo.toml',
    n: 1_000,
    path: () => 'Cargo.lock',
    text: (n) =>
      `version = 3\n${Array.from({ length: n }, (_, i) => `[[package]]\nname = "c${i}"\nversion = "1.0.0"\ndependencies = ["shared"]\n`).join('')}[[package]]\nname = "shared"\nversion = "0.1.0"\n`,
    siblings: (n) => ({
      'Cargo.toml': `[package]\nname = "c0"\n[dev-dependencies]\n${Array.from({ length: n }, (_, i) => `c${i} = { path = "x" }`).join('\n')}\n`,
    }),
  },
  {
    name: 'Cargo.lock: one crate name many times, each with dependencies',
    // Small enough that a worker's crowded heap does not make collection grow faster than the reading (at 5,000 it read 10 ms at n, 119 ms at 4n in a full suite).
    n: 1_250,
    path: () => 'Cargo.lock',
    text: (n) => `version = 3\n${repeat('[[package]]\nname = "same"\nversion = "1.0.0"\ndependencies = ["a", "b"]\n', n)}`,
  },
  {
    name: 'pnpm-lock v6: links to folders, each with a package.json',
    n: 2_000,
    path: () => 'pnpm-lock.yaml',
    text: (n) =>
      `lockfileVersion: '6.0'\ndependencies:\n${Array.from({ length: n }, (_, i) => `  l${i}:\n    specifier: link:./l${i}\n    version: link:l${i}\n`).join('')}packages: {}\n`,
    siblings: (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}/package.json`, `{"version":"1.${i}.0"}`])),
    expect: (p) => expect(p.length).toBe(8_000),
  },
  {
    name: 'pnpm-lock: a key of parentheses',
    n: 10_000,
    path: () => 'pnpm-lock.yaml',
    text: (n) => `lockfileVersion: '6.0'\npackages:\n  ? "/a@1.0.0${repeat('(', n)}\\nx"\n  : resolution: {integrity: x}\n`,
  },
];

/** The fastest of a few readings of the case at size `n`, in milliseconds, and what it read. */
function timed(test: Case, n: number): { ms: number; packages: Packages } {
  const path = test.path(n);
  const reader = readerFor(path)!;
  const text = test.text(n);
  const siblings = test.siblings?.(n) ?? {};
  let best = Infinity;
  let packages: Packages = [];
  // The fastest of five: a collection or another test's work on a busy machine lands in one reading, rarely in all.
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = performance.now();
    try {
      packages = reader.read({ path, text }, (sibling) => siblings[sibling]).packages;
    } catch {
      // Refusing the file is an answer too (the scan records a gap); taking minutes is not.
      packages = [];
    }
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, packages };
}

describe('package readers against hostile files', () => {
  it.each(CASES)('$name', (test) => {
    expect(readerFor(test.path(test.n)), test.path(test.n)).toBeDefined();
    // Linear: about 4 times (8 allowed, and 20 ms for a clock that cannot see small times); quadratic would be 16. A busy
    // machine can slow one pair of readings: up to three pairs are read, and a reader that is really quadratic fails all three.
    let small = timed(test, test.n);
    let large = timed(test, 4 * test.n);
    for (let pair = 1; pair < 3 && large.ms >= 8 * small.ms + 20; pair++) {
      small = timed(test, test.n);
      large = timed(test, 4 * test.n);
    }
    expect(large.ms, `${Math.round(small.ms)} ms at n, ${Math.round(large.ms)} ms at 4n`).toBeLessThan(8 * small.ms + 20);
    test.expect?.(large.packages);
  });
});
