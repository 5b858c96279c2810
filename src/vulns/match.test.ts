import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EcosystemName } from './ecosystems.js';
import { AdvisoryIndex, aliasGroups, matchPackages } from './match.js';
import { compileAdvisory, osvRecordSchema, type OsvRecord } from './osv.js';
import type { Package } from './packages.js';

const folder = new URL('../../test/fixtures/osv/', import.meta.url);
const real = readdirSync(folder)
  .filter((f) => f.endsWith('.json'))
  .map((f) => osvRecordSchema.parse(JSON.parse(readFileSync(new URL(f, folder), 'utf8'))));

function indexOf(records: OsvRecord[]): AdvisoryIndex {
  const index = new AdvisoryIndex();
  for (const record of records) {
    const compiled = compileAdvisory(record);
    if (compiled) index.add(compiled);
  }
  return index;
}

const pkg = (ecosystem: EcosystemName, name: string, version: string | null, dev = false): Package => ({
  ecosystem,
  name,
  version,
  dev,
  locations: ['app/x'],
  evidence: 'lockfile',
});
const found = (index: AdvisoryIndex, ...packages: Package[]) =>
  matchPackages(packages, index).map((v) => `${v.package}@${v.version} ${v.advisories.join('+')} ${v.severity} fixed:${v.fixed}`);

describe('matching against real advisories', () => {
  const index = indexOf(real);

  it('indexes every advisory of the ecosystems matched', () => {
    expect(index.size).toBe(24);
    expect(index.counts()).toMatchObject({ npm: 10, PyPI: 5, RubyGems: 4, Go: 2, Packagist: 1, Maven: 2 });
  });

  it("finds each package's advisories, rated, with the smallest version no advisory affects", () => {
    expect(found(index, pkg('npm', 'lodash', '4.17.15'))).toEqual([
      'lodash@4.17.15 GHSA-p6mc-m468-83gw high fixed:4.17.21',
      'lodash@4.17.15 GHSA-35jh-r3h4-6jhm high fixed:4.17.21',
      'lodash@4.17.15 GHSA-29mw-wpgm-hmr9 medium fixed:4.17.21',
    ]);
    expect(found(index, pkg('npm', 'lodash', '4.17.21'))).toEqual([]);
    // 1.2.3 fixes one advisory but not the other: the advice is the version that fixes both.
    expect(found(index, pkg('npm', 'minimist', '1.2.0'))).toEqual([
      'minimist@1.2.0 GHSA-xvch-5gv4-984h critical fixed:1.2.6',
      'minimist@1.2.0 GHSA-vh95-rmgr-6w4m medium fixed:1.2.6',
    ]);
    expect(found(index, pkg('npm', 'minimist', '1.2.5'))).toEqual(['minimist@1.2.5 GHSA-xvch-5gv4-984h critical fixed:1.2.6']);
    // Each range on its own: the fix on the installed line, not the newest.
    expect(found(index, pkg('npm', 'semver', '6.0.0'))).toEqual(['semver@6.0.0 GHSA-c2qf-rxjj-qqgw medium fixed:6.3.1']);
    expect(found(index, pkg('npm', 'qs', '6.5.2'))).toEqual(['qs@6.5.2 GHSA-hrpp-h998-j3pp high fixed:6.5.3']);
    expect(found(index, pkg('npm', 'express', '5.0.0-beta.1'))).toEqual(['express@5.0.0-beta.1 GHSA-rv95-896h-c2vc medium fixed:5.0.0-beta.3']);
    expect(found(index, pkg('npm', 'express', '4.19.2'), pkg('npm', 'express', '5.0.0'))).toEqual([]);
    // The database's own rating where there is no vector.
    expect(found(index, pkg('npm', 'jsonwebtoken', '8.5.1'))).toEqual(['jsonwebtoken@8.5.1 GHSA-8cf7-32gw-wr33 medium fixed:9.0.0']);
  });

  it('matches PyPI by normalised name and PEP 440, RubyGems with four-part versions, Go, Packagist and Maven', () => {
    expect(
      found(
        index,
        pkg('PyPI', 'pyyaml', '5.3.1'),
        pkg('PyPI', 'Django', '3.2.13'),
        pkg('PyPI', 'django', '4.1'),
        pkg('PyPI', 'urllib3', '1.26.16'),
        pkg('PyPI', 'requests', '2.31.0'),
      ),
    ).toEqual([
      'Django@3.2.13 GHSA-p64x-8rxx-wf6q critical fixed:3.2.14',
      'pyyaml@5.3.1 GHSA-8q59-q68h-6hv4 critical fixed:5.4',
      'urllib3@1.26.16 GHSA-v845-jxx5-vc9f medium fixed:1.26.17',
    ]);
    expect(found(index, pkg('RubyGems', 'rack', '2.2.3'))).toEqual([
      'rack@2.2.3 GHSA-hxqx-xwvh-44m2 high fixed:2.2.8.1',
      'rack@2.2.3 GHSA-22f2-v57c-j9cx medium fixed:2.2.8.1',
    ]);
    expect(found(index, pkg('RubyGems', 'rack', '2.2.8.1'), pkg('RubyGems', 'actionpack', '7.0.4.1'))).toEqual([]);
    // last_affected is inclusive, and no fixed version exists.
    expect(found(index, pkg('Go', 'github.com/gin-gonic/gin', 'v1.9.0'), pkg('Go', 'github.com/gin-gonic/gin', 'v1.9.1'))).toEqual([
      'github.com/gin-gonic/gin@v1.9.0 GHSA-2c4m-59x9-fr2g medium fixed:null',
    ]);
    expect(found(index, pkg('Go', 'golang.org/x/net', 'v0.6.0'))).toEqual(['golang.org/x/net@v0.6.0 GHSA-vvpx-j8f3-3w6h low fixed:0.7.0']);
    expect(found(index, pkg('Packagist', 'GuzzleHttp/Guzzle', '7.4.3'), pkg('Packagist', 'guzzlehttp/guzzle', 'v7.4.4'))).toEqual([
      'GuzzleHttp/Guzzle@7.4.3 GHSA-f2wf-25xc-69c9 high fixed:7.4.4',
    ]);
    // A branch has no place in the ranges (Composer's audit matches none), whatever its name; a numbered dev branch has one.
    expect(found(index, pkg('Packagist', 'guzzlehttp/guzzle', 'dev-master'), pkg('Packagist', 'guzzlehttp/guzzle', 'dev-7.4.3'))).toEqual([]);
    expect(found(index, pkg('Packagist', 'guzzlehttp/guzzle', '7.4.x-dev'))).toEqual([]);
    expect(found(index, pkg('Packagist', 'guzzlehttp/guzzle', '7.3.x-dev'))).toEqual(['guzzlehttp/guzzle@7.3.x-dev GHSA-f2wf-25xc-69c9 high fixed:7.4.4']);
    expect(
      found(
        index,
        pkg('Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1'),
        pkg('Maven', 'org.apache.logging.log4j:log4j-core', '2.12.1'),
        pkg('Maven', 'org.apache.logging.log4j:log4j-core', '2.12.2'),
      ),
    ).toEqual([
      'org.apache.logging.log4j:log4j-core@2.12.1 GHSA-jfh8-c2jp-5v3q critical fixed:2.12.2',
      'org.apache.logging.log4j:log4j-core@2.14.1 GHSA-jfh8-c2jp-5v3q critical fixed:2.15.0',
    ]);
    expect(
      found(
        index,
        pkg('Maven', 'com.fasterxml.jackson.core:jackson-databind', '2.13.2'),
        pkg('Maven', 'com.fasterxml.jackson.core:jackson-databind', '2.13.2.1'),
      ),
    ).toEqual(['com.fasterxml.jackson.core:jackson-databind@2.13.2 GHSA-57j2-w4cx-62h2 high fixed:2.13.2.1']);
  });

  it('never guesses a version: unknown or unparsable versions match nothing', () => {
    expect(found(index, pkg('npm', 'lodash', null), pkg('npm', 'lodash', '^4.17.0'), pkg('PyPI', 'django', '>=3.2'))).toEqual([]);
  });
});

describe('advisories as they come', () => {
  const advisory = (
    id: string,
    extra: Partial<OsvRecord>,
    affected: OsvRecord['affected'] = [
      { package: { ecosystem: 'PyPI', name: 'demo' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] },
    ],
  ): OsvRecord => ({ id, ...extra, affected });

  it('groups aliases into one vulnerability, whatever order they come in', () => {
    const records = [
      advisory('GHSA-aaaa', { aliases: ['CVE-2024-1'] }),
      advisory('PYSEC-2024-9', { aliases: ['CVE-2024-1', 'GHSA-aaaa'] }),
      advisory('OSV-3', { aliases: ['PYSEC-2024-9'] }),
    ];
    for (const ordered of [records, [...records].reverse()]) {
      const [only, ...rest] = matchPackages([pkg('PyPI', 'demo', '1.0')], indexOf(ordered));
      expect(rest).toEqual([]);
      expect(only).toMatchObject({ id: 'CVE-2024-1', advisories: ['GHSA-aaaa', 'OSV-3', 'PYSEC-2024-9'], aliases: ['CVE-2024-1'] });
    }
    expect(
      aliasGroups([
        { id: 'A', aliases: ['X'] },
        { id: 'B', aliases: ['Y'] },
        { id: 'C', aliases: ['X', 'Y'] },
      ]),
    ).toEqual([['A', 'B', 'C']]);
  });

  it('skips withdrawn advisories and GIT ranges (not the whole record), survives bad versions, honours versions[] and limit', () => {
    const records = [
      advisory('WITHDRAWN', { withdrawn: '2024-01-01T00:00:00Z' }),
      advisory('GIT-FIRST', {}, [
        {
          package: { ecosystem: 'PyPI', name: 'demo' },
          ranges: [
            { type: 'GIT', events: [{ introduced: 'abc123' }] },
            { type: 'ECOSYSTEM', events: [{ introduced: '1.5' }, { fixed: '1.6' }] },
          ],
        },
      ]),
      advisory('BAD-VERSION', {}, [
        {
          package: { ecosystem: 'PyPI', name: 'demo' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: 'not a version!' }, { fixed: '9' }] }],
          versions: ['1.5.0'],
        },
      ]),
      advisory('LIMITED', {}, [
        { package: { ecosystem: 'npm', name: 'demo' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { limit: '1.0.0' }] }] },
      ]),
    ];
    const index = indexOf(records);
    expect(found(index, pkg('PyPI', 'demo', '1.5'))).toEqual(['demo@1.5 BAD-VERSION unknown fixed:1.6', 'demo@1.5 GIT-FIRST unknown fixed:1.6']);
    expect(found(index, pkg('PyPI', 'demo', '1.7'))).toEqual([]);
    expect(found(index, pkg('npm', 'demo', '0.9.0'), pkg('npm', 'demo', '1.0.0'))).toEqual(['demo@0.9.0 LIMITED unknown fixed:null']);
  });

  it('takes a later revision of an advisory in place of the earlier one', () => {
    const index = indexOf([advisory('GHSA-rev', { modified: '2024-01-01T00:00:00Z' })]);
    index.add(
      compileAdvisory(
        advisory('GHSA-rev', { modified: '2024-06-01T00:00:00Z' }, [
          { package: { ecosystem: 'PyPI', name: 'demo' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1' }] }] },
        ]),
      )!,
    );
    expect(found(index, pkg('PyPI', 'demo', '1.5'))).toEqual([]);
    expect(found(index, pkg('PyPI', 'demo', '1.0'))).toEqual(['demo@1.0 GHSA-rev unknown fixed:1.1']);
  });
});
