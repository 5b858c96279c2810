import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ecosystem, type EcosystemName } from './ecosystems.js';
import { normalizeComposerVersion, phpVersionCompare } from './versions/composer.js';

const vectors = (name: string) => JSON.parse(readFileSync(new URL(`../../test/vectors/${name}.json`, import.meta.url), 'utf8')) as [string, string, number][];
const order = (eco: EcosystemName) => (a: string, b: string) => {
  const e = ecosystem(eco)!;
  return Math.sign(e.compare(e.version(a)!, e.version(b)!));
};

describe("version orders, against each ecosystem's own tools", () => {
  it('Maven: every pair as ComparableVersion (maven-artifact) orders it', () => {
    const pairs = vectors('maven');
    expect(pairs.length).toBeGreaterThan(2500);
    const wrong = pairs.filter(([a, b, sign]) => order('Maven')(a, b) !== sign);
    expect(wrong).toEqual([]);
  });

  it('PyPI: every pair as PyPA packaging orders it', () => {
    const pairs = vectors('pypi');
    expect(pairs.length).toBeGreaterThan(1000);
    const wrong = pairs.filter(([a, b, sign]) => order('PyPI')(a, b) !== sign);
    expect(wrong).toEqual([]);
  });

  it("RubyGems: Gem::Version's documented comparisons (1.0.a < 1.0, letters make a prerelease)", () => {
    const cases: [string, string, number][] = [
      ['1.0', '1.0.0', 0],
      ['1.0', '1.0.a', 1],
      ['1.8.2', '0.0.0', 1],
      ['1.8.2', '1.8.2.a', 1],
      ['1.8.2.b', '1.8.2.a', 1],
      ['1.8.2.a', '1.8.2', -1],
      ['1.8.2.a10', '1.8.2.a9', 1],
      ['0.beta.1', '0.0.beta.1', 0],
      ['0.0.beta', '0.0.beta.1', -1],
      ['5.a', '5.0.0.rc2', -1],
      ['5.x', '5.0.0.rc2', 1],
      ['1.9.3', '1.9.2.99', 1],
      ['1.9.3', '1.9.3.1', -1],
      ['3.0.9.1', '3.0.9', 1],
      ['2.2.8.1', '2.2.8', 1],
    ];
    expect(cases.filter(([a, b, sign]) => order('RubyGems')(a, b) !== sign)).toEqual([]);
  });

  it("Packagist: Composer's normal forms and PHP's version_compare", () => {
    expect(normalizeComposerVersion('1.0.0')).toBe('1.0.0.0');
    expect(normalizeComposerVersion('v1.2')).toBe('1.2.0.0');
    expect(normalizeComposerVersion('1.0.0RC1')).toBe('1.0.0.0-RC1');
    expect(normalizeComposerVersion('1.0.0-beta.5+foo')).toBe('1.0.0.0-beta5');
    expect(normalizeComposerVersion('2.0-p1')).toBe('2.0.0.0-patch1');
    expect(normalizeComposerVersion('1.0.0-alpha')).toBe('1.0.0.0-alpha');
    // Branches are versions to Composer, older than any release; a named branch has no place in an advisory's ranges.
    expect(normalizeComposerVersion('dev-main')).toBe('dev-main');
    expect(normalizeComposerVersion('1.x-dev')).toBe('1.9999999.9999999.9999999-dev');
    expect(ecosystem('Packagist')!.ranged('dev-main')).toBe(false);
    expect(ecosystem('Packagist')!.ranged('1.x-dev')).toBe(true);
    expect(order('Packagist')('dev-main', '0.0.1')).toBe(-1);
    expect(order('Packagist')('dev-main', 'dev-feature')).toBeNaN();
    expect(normalizeComposerVersion('not a version')).toBeNull();
    // PHP's own documented results.
    const php: [string, string, number][] = [
      ['5.2', '5.2.0', -1],
      ['1.0rc1', '1.0', -1],
      ['1.0pl1', '1.0', 1],
      ['1.0-dev', '1.0-alpha', -1],
      ['1.0-alpha', '1.0-beta', -1],
      ['1.0-beta', '1.0-RC', -1],
      ['1.0-RC', '1.0', -1],
      ['1.0a', '1.0alpha', 0],
      ['1.0', '1.0.0', -1],
      ['1.10', '1.9', 1],
    ];
    expect(php.filter(([a, b, sign]) => phpVersionCompare(a, b) !== sign)).toEqual([]);
    const composer: [string, string, number][] = [
      ['6.5.7', '6.5.6', 1],
      ['v7.4.4', '7.4.4', 0],
      ['7.4.4', '7.4.4.0', 0],
      ['7.0.0-beta1', '7.0.0', -1],
      ['7.0.0-RC1', '7.0.0-beta2', 1],
      ['7.0.0-patch1', '7.0.0', 1],
    ];
    expect(composer.filter(([a, b, sign]) => order('Packagist')(a, b) !== sign)).toEqual([]);
  });

  it("npm, crates.io and Go: SemVer, with Go's v, pseudo-versions and +incompatible", () => {
    expect(order('npm')('5.0.0-alpha.1', '5.0.0-beta.3')).toBe(-1);
    expect(order('npm')('4.19.2', '5.0.0-alpha.1')).toBe(-1);
    expect(order('npm')('1.2.3+build', '1.2.3')).toBe(0);
    expect(order('Go')('v1.9.0', '1.3.1-0.20190301021747-ccb9e902956d')).toBe(1);
    expect(order('Go')('v1.3.1-0.20190301021747-ccb9e902956d', '1.3.1')).toBe(-1);
    expect(order('Go')('v2.0.0+incompatible', '2.0.0')).toBe(0);
    expect(order('crates.io')('0.10.0', '0.9.9')).toBe(1);
    expect(ecosystem('npm')!.version('^1.2.0')).toBeNull();
    expect(ecosystem('PyPI')!.version('>=2.0')).toBeNull();
  });

  it('Maven: an unresolved property or a version longer than any real one is no version (never matched, never a stack overflow)', () => {
    const maven = ecosystem('Maven')!;
    expect(maven.version('${revision}')).toBeNull();
    expect(maven.version('1.0-${changelist}')).toBeNull();
    expect(maven.version(`2${'-0'.repeat(5000)}-1`)).toBeNull();
    expect(maven.version('2.0.0-jboss-1')).toBe('2.0.0-jboss-1');
  });

  it('names: PyPI by PEP 503, Packagist lowercased, the rest exact; suffixed ecosystems are their base', () => {
    expect(ecosystem('PyPI')!.normalizeName('Django_Rest.Framework')).toBe('django-rest-framework');
    expect(ecosystem('Packagist')!.normalizeName('GuzzleHttp/Guzzle')).toBe('guzzlehttp/guzzle');
    expect(ecosystem('npm')!.normalizeName('Lodash')).toBe('Lodash');
    expect(ecosystem('Maven:https://maven.google.com')!.name).toBe('Maven');
    expect(ecosystem('Debian:12')).toBeNull();
  });
});
