import { describe, expect, it } from 'vitest';
import { ecosystem } from './ecosystems.js';
import { affects, compileAdvisory, smallestFix, type AdvisoryPackage } from './osv.js';

/** A small deterministic generator, so that a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** An advisory of random ranges over a few versions, compiled as an import would. */
function randomEntries(random: () => number): AdvisoryPackage[] {
  const versions = Array.from({ length: 8 }, (_, i) => `1.${i}.0`);
  const pick = () => versions[Math.floor(random() * versions.length)]!;
  const kinds = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
  const affected = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
    package: { ecosystem: 'npm', name: 'pkg' },
    versions: random() < 0.3 ? [pick()] : [],
    ranges: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      type: 'SEMVER',
      events: Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
        const kind = kinds[Math.floor(random() * (random() < 0.8 ? 3 : 4))]!;
        return { [kind]: kind === 'introduced' && random() < 0.2 ? '0' : pick() };
      }),
    })),
  }));
  return compileAdvisory({ id: 'GHSA-test', affected })!.packages;
}

describe('the smallest fixed version', () => {
  it('is the one a version-by-version check of every advisory finds, on random advisories', () => {
    const eco = ecosystem('npm')!;
    const random = generator(7);
    for (let round = 0; round < 3_000; round++) {
      const entries = randomEntries(random);
      const installed = `1.${Math.floor(random() * 8)}.0`;
      // The reference: every fixed version above the installed one, in order, checked against every advisory.
      const candidates = [
        ...new Set(
          entries.flatMap((e) =>
            e.ranges
              .flat()
              .filter((ev) => ev.kind === 'fixed')
              .map((ev) => ev.version),
          ),
        ),
      ]
        .filter((v) => eco.compare(v, installed) > 0)
        .sort(eco.compare);
      const expected = candidates.find((candidate) => !entries.some((entry) => affects(entry, candidate, eco))) ?? null;
      expect(smallestFix(entries, installed), JSON.stringify({ entries, installed })).toBe(expected);
    }
  });

  it('costs the size of a hostile advisory, not its square', () => {
    // One range of 30,000 introduced/fixed pairs, each fixed version reintroduced: the candidates are all affected.
    const events = Array.from({ length: 30_000 }, (_, i) => [{ introduced: `0.0.${i}` }, { fixed: `0.0.${i}-1` }, { introduced: `0.0.${i}-1` }]).flat();
    const entries = compileAdvisory({
      id: 'GHSA-big',
      affected: [{ package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'SEMVER', events }] }],
    })!.packages;
    const started = performance.now();
    expect(smallestFix(entries, '0.0.0')).toBeNull();
    // Linear-logarithmic: under a second or two; the check per candidate took minutes.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('an advisory from a hostile file', () => {
  it('names no ecosystem by an object key, and rates no severity by one', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty:x']) {
      expect(ecosystem(name), name).toBeNull();
      expect(compileAdvisory({ id: 'X', affected: [{ package: { ecosystem: name, name: 'a' }, versions: ['1'] }] }), name).toBeNull();
    }
    const rated = compileAdvisory({
      id: 'X',
      database_specific: { severity: 'constructor' },
      affected: [{ package: { ecosystem: 'npm', name: 'a' }, versions: ['1.0.0'] }],
    });
    expect(rated?.advisory.severity).toBe('unknown');
  });
});
