import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { advisoryDatabaseStatus, storedAdvisoryIndex, updateAdvisories } from '../../src/service/advisories.js';
import { matchPackages } from '../../src/vulns/match.js';
import type { Package } from '../../src/vulns/packages.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

const osv = fileURLToPath(new URL('../fixtures/osv/', import.meta.url));

describe.each(DIALECTS)('the advisory database on %s', (dialect) => {
  it('imports in batches, matches from the stored index as from files, and a second import changes nothing', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const first = await updateAdvisories(hw, osv, { batchSize: 5 });
    expect(first).toMatchObject({ records: 24, added: 24, unchanged: 0 });
    const again = await updateAdvisories(hw, osv, { batchSize: 7 });
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 24 });
    expect((await advisoryDatabaseStatus(hw)).map((s) => `${s.ecosystem}:${s.advisories}`)).toEqual([
      'Go:2',
      'Maven:2',
      'Packagist:1',
      'PyPI:5',
      'RubyGems:4',
      'npm:10',
    ]);
    const packages: Package[] = [
      { ecosystem: 'PyPI', name: 'Django', version: '3.2.13', dev: false, locations: ['requirements.txt'], evidence: 'manifest' },
      { ecosystem: 'npm', name: 'minimist', version: '1.2.0', dev: false, locations: ['package-lock.json'], evidence: 'lockfile' },
    ];
    const found = matchPackages(packages, await storedAdvisoryIndex(hw, packages));
    expect(found.map((v) => `${v.package} ${v.advisories.join('+')} ${v.severity} ${v.fixed}`)).toEqual([
      'Django GHSA-p64x-8rxx-wf6q critical 3.2.14',
      'minimist GHSA-xvch-5gv4-984h critical 1.2.6',
      'minimist GHSA-vh95-rmgr-6w4m medium 1.2.6',
    ]);
  });
});
