/**
 * Version order as each ecosystem's own test suite states it: the cases in
 * `vectors/<ecosystem>/cases.json` were extracted (by `vectors/extract.mjs`)
 * from Maven's ComparableVersionTest, Composer's VersionParserTest and
 * ComparatorTest, RubyGems' test_gem_version.rb, packaging's
 * test_version.py and node-semver's fixtures (by `vectors/extract-semver.mjs`),
 * each at the commit its SOURCE.md names, under the license kept beside it.
 * Every case is held here; none is written by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ecosystem, type EcosystemName } from '../../src/vulns/ecosystems.js';
import { normalizeComposerVersion } from '../../src/vulns/versions/composer.js';

interface Cases {
  order?: [string, string, number][];
  negative?: [string, string, '>' | '<' | '==' | '>=' | '<=' | '!='][];
  normalize?: [string, string | null][];
  valid?: [string, boolean][];
}

function cases(folder: string): Cases {
  return JSON.parse(readFileSync(new URL(`./vectors/${folder}/cases.json`, import.meta.url), 'utf8')) as Cases;
}

/** compare(a, b) as the ecosystem orders them, or 'unknown' when either is not a version of it. */
function comparer(name: EcosystemName): (a: string, b: string) => number | 'unknown' {
  const eco = ecosystem(name)!;
  return (a, b) => {
    const x = eco.version(a);
    const y = eco.version(b);
    return x === null || y === null ? 'unknown' : Math.sign(eco.compare(x, y));
  };
}

const holds = {
  '>': (c: number) => c > 0,
  '<': (c: number) => c < 0,
  '==': (c: number) => c === 0,
  '>=': (c: number) => c >= 0,
  '<=': (c: number) => c <= 0,
  '!=': (c: number) => c !== 0,
};

/** The cases an ecosystem's comparator gets wrong, each said as a line. */
function disagreements(name: EcosystemName, set: Cases): string[] {
  const compare = comparer(name);
  const wrong: string[] = [];
  for (const [a, b, expected] of set.order ?? []) {
    const got = compare(a, b);
    if (got !== expected) wrong.push(`compare(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${got}, not ${expected}`);
    const back = compare(b, a);
    if (got !== 'unknown' && back !== -got) wrong.push(`compare(${JSON.stringify(b)}, ${JSON.stringify(a)}) = ${back}, not ${-expected}`);
  }
  for (const [a, b, op] of set.negative ?? []) {
    const got = compare(a, b);
    if (got === 'unknown') wrong.push(`${JSON.stringify(a)} or ${JSON.stringify(b)} is not read as a version`);
    else if (holds[op](got)) wrong.push(`${JSON.stringify(a)} ${op} ${JSON.stringify(b)} holds, but must not`);
  }
  for (const [text, valid] of set.valid ?? []) {
    const got = ecosystem(name)!.version(text) !== null;
    if (got !== valid) wrong.push(`${JSON.stringify(text)} is ${got ? '' : 'not '}a version, but must ${valid ? '' : 'not '}be`);
  }
  return wrong;
}

describe('version order from the ecosystems’ own test vectors', () => {
  it.each([
    ['Maven', 'maven'],
    ['Packagist', 'composer'],
    ['RubyGems', 'rubygems'],
    ['PyPI', 'pypi'],
    ['npm', 'semver'],
  ] as const)('%s orders every published case as its reference does', (name, folder) => {
    const set = cases(folder);
    expect((set.order ?? []).length).toBeGreaterThan(5);
    expect(disagreements(name, set)).toEqual([]);
  });

  it('compares numbers of any size exactly, in every ecosystem (past 2^53, where JavaScript numbers round)', () => {
    const cases: [EcosystemName, string, string][] = [
      ['npm', '1.9007199254740993.0', '1.9007199254740992.0'],
      ['crates.io', '1.0.0-rc.18446744073709551617', '1.0.0-rc.18446744073709551616'],
      ['Go', 'v1.2.9007199254740993', 'v1.2.9007199254740992'],
      ['PyPI', '1.0.post9007199254740993', '1.0.post9007199254740992'],
      ['RubyGems', '1.0.a9007199254740993', '1.0.a9007199254740992'],
      ['Packagist', '1.0.0.9007199254740993', '1.0.0.9007199254740992'],
      ['Maven', '1.0-sp9223372036854775809', '1.0-sp9223372036854775808'],
    ];
    for (const [name, newer, older] of cases) {
      expect(comparer(name)(newer, older), `${name}: ${newer} > ${older}`).toBe(1);
      expect(comparer(name)(older, newer), `${name}: ${older} < ${newer}`).toBe(-1);
      expect(comparer(name)(newer, newer), `${name}: ${newer} = itself`).toBe(0);
    }
  });

  it('normalises Packagist versions as Composer’s VersionParser does, refusing what it refuses', () => {
    const wrong = (cases('composer').normalize ?? []).filter(([input, output]) => normalizeComposerVersion(input) !== output);
    expect(wrong).toEqual([]);
  });
});
