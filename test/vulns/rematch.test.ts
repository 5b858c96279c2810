import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureConnection } from '../../src/service/connections.js';
import { importAdvisories } from '../../src/service/vuln-monitor.js';
import { saveSlugScan, vulnerabilityRows, writeVulnerabilityGap } from '../../src/store/vulnerabilities.js';
import type { Package } from '../../src/vulns/packages.js';
import { SCANNER_RULES } from '../../src/vulns/scan.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

const NOW = new Date('2026-11-20T12:00:00Z');

/** An npm advisory on one package: affected from `introduced` up to `fixed`. */
function advisory(id: string, modified: string, name: string, fixed: string) {
  return {
    id,
    modified,
    published: '2026-01-01T00:00:00Z',
    summary: `${id} in ${name}`,
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    database_specific: { severity: 'HIGH' },
  };
}

describe.each(DIALECTS)('re-matching after an advisory update on %s', (dialect) => {
  it('matches again only the packages the update names, from the index rows, and keeps the other findings', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const work = await mkdtemp(join(tmpdir(), 'herowatch-rematch-'));
    onTestFinished(() => rm(work, { recursive: true, force: true }));
    const connection = await ensureConnection(hw.store, 'acme', 'https://api.heroku.com');
    const apps: Record<string, [string, string][]> = {
      'app-a': [
        ['left-pad', '1.0.0'],
        ['qs', '6.0.0'],
      ],
      'app-b': [['left-pad', '1.5.0']],
      'app-c': [['ms', '1.0.0']],
    };
    for (const [app, held] of Object.entries(apps)) {
      const packages: Package[] = held.map(([name, version]) => ({
        ecosystem: 'npm',
        name,
        version,
        dev: false,
        locations: ['app/package-lock.json'],
        evidence: 'lockfile',
      }));
      const checksum = `SHA256:${app}`;
      await saveSlugScan(
        hw.store,
        { checksum, scanner: SCANNER_RULES, scanned_at: NOW.toISOString(), size: null, packages, files: [], gaps: [], entries: 0, bytes: 0 },
        packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, entries: [p] })),
      );
      await writeVulnerabilityGap(hw.store, {
        connection_id: connection.id,
        app_id: app,
        app_name: app,
        tested_at: NOW.toISOString(),
        release_version: 1,
        slug_id: `slug-${app}`,
        checksum,
        status: 'scanned',
        reason: null,
        packages: packages.length,
        files: [],
        source: 'slug',
        commit: null,
      });
    }

    const update = async (name: string, records: object[]) => {
      const folder = join(work, name);
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder);
      for (const record of records) await writeFile(join(folder, `${(record as { id: string }).id}.json`), JSON.stringify(record));
      return importAdvisories(hw, folder, { now: NOW });
    };
    const open = async (app: string) =>
      (await vulnerabilityRows(hw.store, { connectionIds: [connection.id], appId: app, status: ['open'] }))
        .map((v) => `${v.package}@${v.version} ${v.advisories.join('+')}`)
        .sort();

    const first = await update('day-1', [
      advisory('GHSA-0001', '2026-11-01T00:00:00Z', 'left-pad', '1.2.0'),
      advisory('GHSA-0002', '2026-11-01T00:00:00Z', 'qs', '6.5.0'),
    ]);
    // Only the apps holding a named package are matched again: app-c holds neither.
    expect(first.rematched.map((t) => [t.app, t.open]).sort()).toEqual([
      ['app-a', 2],
      ['app-b', 0],
    ]);
    expect(await open('app-a')).toEqual(['left-pad@1.0.0 GHSA-0001', 'qs@6.0.0 GHSA-0002']);

    // A revision widens one advisory (app-b is affected now) and a new one names app-c's package.
    const second = await update('day-2', [
      advisory('GHSA-0001', '2026-11-02T00:00:00Z', 'left-pad', '2.0.0'),
      advisory('GHSA-0003', '2026-11-02T00:00:00Z', 'ms', '2.0.0'),
    ]);
    // app-a keeps its finding on qs, which the update does not name, in its count.
    expect(second.rematched.map((t) => [t.app, t.open]).sort()).toEqual([
      ['app-a', 2],
      ['app-b', 1],
      ['app-c', 1],
    ]);
    expect(await open('app-b')).toEqual(['left-pad@1.5.0 GHSA-0001']);
    expect(await open('app-c')).toEqual(['ms@1.0.0 GHSA-0003']);

    // A revision that narrows it resolves it where the version is past the new fix, and leaves the rest as they were.
    const third = await update('day-3', [advisory('GHSA-0001', '2026-11-03T00:00:00Z', 'left-pad', '1.1.0')]);
    expect(third.rematched.map((t) => [t.app, t.open, t.changes.map((c) => c.event)]).sort()).toEqual([
      ['app-a', 2, []],
      ['app-b', 0, ['resolved']],
    ]);
    expect(await open('app-a')).toEqual(['left-pad@1.0.0 GHSA-0001', 'qs@6.0.0 GHSA-0002']);
    expect(await open('app-b')).toEqual([]);
    expect(await open('app-c')).toEqual(['ms@1.0.0 GHSA-0003']);
  });

  it('takes a finding on a package an earlier release spelt otherwise (Django, then django) for the same finding', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const work = await mkdtemp(join(tmpdir(), 'herowatch-rematch-'));
    onTestFinished(() => rm(work, { recursive: true, force: true }));
    const connection = await ensureConnection(hw.store, 'acme', 'https://api.heroku.com');
    const deploy = async (checksum: string, name: string, version: string) => {
      const packages: Package[] = [{ ecosystem: 'PyPI', name, version, dev: false, locations: ['requirements.txt'], evidence: 'lockfile' }];
      await saveSlugScan(
        hw.store,
        { checksum, scanner: SCANNER_RULES, scanned_at: NOW.toISOString(), size: null, packages, files: [], gaps: [], entries: 0, bytes: 0 },
        packages.map((p) => ({ ecosystem: p.ecosystem, name: 'django', entries: [p] })),
      );
      await writeVulnerabilityGap(hw.store, {
        connection_id: connection.id,
        app_id: 'app-a',
        app_name: 'app-a',
        tested_at: NOW.toISOString(),
        release_version: 1,
        slug_id: checksum,
        checksum,
        status: 'scanned',
        reason: null,
        packages: 1,
        files: [],
        source: 'slug',
        commit: null,
      });
    };
    const update = async (name: string, fixed: string, modified: string) => {
      const folder = join(work, name);
      await mkdir(folder);
      const record = {
        id: 'PYSEC-0001',
        modified,
        summary: 'in django',
        affected: [{ package: { ecosystem: 'PyPI', name: 'django' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
      };
      await writeFile(join(folder, 'PYSEC-0001.json'), JSON.stringify(record));
      return importAdvisories(hw, folder, { now: NOW });
    };
    const rows = async () => (await vulnerabilityRows(hw.store, { connectionIds: [connection.id] })).map((v) => `${v.package}@${v.version} ${v.status}`);
    await deploy('SHA256:one', 'Django', '3.0');
    await update('day-1', '3.1', '2026-11-01T00:00:00Z');
    expect(await rows()).toEqual(['Django@3.0 open']);
    // The next release spells it django and pins 3.2, past the fix: a full test resolves the finding.
    await deploy('SHA256:two', 'django', '3.2');
    await sql`UPDATE hw_vulnerabilities SET status = 'resolved'`.execute(hw.store.db);
    // A revision reaches 3.2: the finding reopens (one finding, as a full test would have it), not a second one beside it.
    const second = await update('day-2', '4.0', '2026-11-02T00:00:00Z');
    expect(second.rematched.map((t) => [t.app, t.open, t.changes.map((c) => c.event)])).toEqual([['app-a', 1, ['reopened']]]);
    expect(await rows()).toEqual(['django@3.2 open']);
  });
});
