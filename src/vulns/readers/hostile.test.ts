import { describe, expect, it } from 'vitest';
import { readerFor } from './index.js';

/**
 * Inputs built to make a reader slow: each took 3 to 66 seconds before the
 * readers went line by line (a long run of spaces before a line end that a
 * regular expression's `.` does not cross, a lookup per entry, a list copied
 * per snapshot). Each is read here at a size where a quadratic reading takes
 * seconds, and must take a small fraction of that: every reader is linear
 * in its input.
 */
const repeat = (text: string, times: number) => text.repeat(times);
const yarnLock = (n: number) => `# yarn lockfile v1\n\n${Array.from({ length: n }, (_, i) => `p${i}@^1.0.0:\n  version "1.0.0"\n  resolved "https://r/p${i}.tgz"\n`).join('\n')}`;
const manifest = (n: number) => JSON.stringify({ dependencies: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, '^1.0.0'])) });
const berryAliases = (n: number) =>
  `__metadata:\n  version: 6\n\n"p0@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "p0@npm:1.0.0"\n  dependencies: &d\n${Array.from({ length: n }, (_, i) => `    d${i}: "npm:^1.0.0"\n`).join('')}\n${Array.from({ length: n }, (_, i) => `"p${i + 1}@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "p${i + 1}@npm:1.0.0"\n  dependencies: *d\n`).join('\n')}`;
const pnpmV9 = (n: number) =>
  `lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        version: 1.0.0\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\nsnapshots:\n${Array.from({ length: n }, (_, i) => `  a@1.0.0(p${i}@1.0.0):\n    dependencies:\n      d${i}a: 1.0.0\n`).join('')}`;

const CASES: { name: string; path: string; text: string; siblings?: Record<string, string>; expect?: (packages: { name: string; version: string | null }[]) => void }[] = [
  {
    name: 'METADATA: a name followed by spaces',
    path: '.heroku/python/lib/python3.12/site-packages/x-1.dist-info/METADATA',
    text: `Name: requests${repeat(' ', 40_000)}x\nVersion: 2.31.0\n`,
    expect: (p) => expect(p[0]!.version).toBe('2.31.0'),
  },
  { name: 'pom.properties: a value followed by spaces', path: 'a.jar!/META-INF/maven/g/a/pom.properties', text: `groupId=g${repeat(' ', 40_000)}x\nartifactId=a\nversion=1\n`, expect: (p) => expect(p[0]!.version).toBe('1') },
  { name: 'pom.properties: empty lines', path: 'a.jar!/META-INF/maven/g/a/pom.properties', text: `${repeat('\n', 40_000)}groupId=g\nartifactId=a\nversion=1.2\n`, expect: (p) => expect(p).toEqual([expect.objectContaining({ name: 'g:a', version: '1.2' })]) },
  { name: 'requirements.txt: comments before a carriage return', path: 'requirements.txt', text: `${repeat(' #', 40_000)}\rx\nrequests==2.31.0\n` },
  { name: 'requirements.txt: spaces before a line separator', path: 'requirements.txt', text: `a${repeat(' ', 4_000)}b\u2028c\nrequests==2.31.0  # pinned\n`, expect: (p) => expect(p.find((x) => x.name === 'requests')?.version).toBe('2.31.0') },
  { name: 'go.mod: comment markers before a carriage return', path: 'go.mod', text: `${repeat('//', 40_000)}\rx\nrequire golang.org/x/text v0.3.7 // indirect\n`, expect: (p) => expect(p).toEqual([expect.objectContaining({ name: 'golang.org/x/text', version: 'v0.3.7' })]) },
  { name: 'go.mod: require and spaces', path: 'go.mod', text: `require${repeat(' ', 40_000)}a\u2028b\n` },
  { name: 'Gemfile: comment markers before a carriage return', path: 'Gemfile.lock', text: 'GEM\n  specs:\n    rack (2.2.8)\n', siblings: { Gemfile: `${repeat('#', 80_000)}\rx\n` } },
  { name: 'Gemfile: a group and spaces', path: 'Gemfile.lock', text: 'GEM\n  specs:\n    rack (2.2.8)\n', siblings: { Gemfile: `group :a${repeat(' ', 40_000)}x\n` } },
  { name: 'Gemfile: unclosed group lists', path: 'Gemfile.lock', text: 'GEM\n  specs:\n    rack (2.2.8)\n', siblings: { Gemfile: `gem 'x', ${repeat('group:[', 20_000)}\n` } },
  { name: 'gemspec: a long file name', path: `vendor/bundle/ruby/3.2.0/specifications/a${repeat('-a-1', 20_000)}-.gemspec`, text: '' },
  { name: 'yarn.lock with its package.json', path: 'yarn.lock', text: yarnLock(20_000), siblings: { 'package.json': manifest(20_000) }, expect: (p) => expect(p).toHaveLength(20_000) },
  { name: 'pnpm-lock v9: snapshots of one package', path: 'pnpm-lock.yaml', text: pnpmV9(10_000) },
  { name: 'yarn.lock (berry): one dependency list aliased by every entry', path: 'yarn.lock', text: berryAliases(3_000), siblings: { 'package.json': manifest(10) } },
  { name: 'pnpm-lock: a key of parentheses', path: 'pnpm-lock.yaml', text: `lockfileVersion: '6.0'\npackages:\n  ? "/a@1.0.0${repeat('(', 40_000)}\\nx"\n  : resolution: {integrity: x}\n` },
];

describe('package readers against hostile files', () => {
  it.each(CASES)('$name', ({ path, text, siblings, expect: check }) => {
    const reader = readerFor(path);
    expect(reader, path).toBeDefined();
    const started = performance.now();
    let packages: { name: string; version: string | null }[] = [];
    try {
      packages = reader!.read({ path, text }, (sibling) => siblings?.[sibling]).packages;
    } catch {
      // Refusing the file is an answer too (the scan records a gap); taking minutes is not.
    }
    expect(performance.now() - started).toBeLessThan(1_500);
    check?.(packages);
  });
});
