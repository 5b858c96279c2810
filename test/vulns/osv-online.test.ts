import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advisoryDatabaseStatus } from '../../src/service/advisories.js';
import { importAdvisoriesOnline } from '../../src/service/vuln-monitor.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { herowatch } from '../support/cli.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

const fixtures = fileURLToPath(new URL('../fixtures/osv/', import.meta.url));
const records = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(fixtures + f, 'utf8')) as { id: string; modified: string; affected: { package: { ecosystem: string } }[] });
const ofEcosystem = (eco: string) => records.filter((r) => r.affected.some((a) => a.package.ecosystem === eco));

/** An OSV export on loopback, as the bucket lays it out; every request is counted. */
class Export {
  files = new Map<string, Uint8Array>();
  requests: string[] = [];
  server: Server = createServer((request, response) => {
    this.requests.push(request.url!);
    const body = this.files.get(decodeURIComponent(request.url!));
    if (!body) {
      response.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  url = '';

  publish(eco: string, list: { id: string; modified: string }[]): void {
    this.files.set(`/${eco}/all.zip`, zipSync(Object.fromEntries(list.map((r) => [`${r.id}.json`, strToU8(JSON.stringify(r))]))));
    const newestFirst = [...list].sort((a, b) => Date.parse(b.modified) - Date.parse(a.modified));
    this.files.set(`/${eco}/modified_id.csv`, strToU8(newestFirst.map((r) => `${r.modified},${r.id}`).join('\n') + '\n'));
    for (const r of list) this.files.set(`/${eco}/${r.id}.json`, strToU8(JSON.stringify(r)));
  }
}

const bucket = new Export();
beforeAll(async () => {
  await new Promise<void>((resolve) => bucket.server.listen(0, '127.0.0.1', resolve));
  bucket.url = `http://127.0.0.1:${(bucket.server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => bucket.server.close(() => resolve())));

describe.each(DIALECTS)('advisories from the OSV export on %s', (dialect) => {
  it('downloads each archive once, then only what changed; a missing ecosystem is reported and the others still update', async () => {
    const npm = ofEcosystem('npm');
    const pypi = ofEcosystem('PyPI');
    expect(npm.length).toBeGreaterThan(3);
    bucket.publish('npm', npm);
    bucket.publish('PyPI', pypi);
    bucket.files.delete('/RubyGems/all.zip');
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    bucket.requests = [];

    const first = await importAdvisoriesOnline(hw, { baseUrl: bucket.url, ecosystems: ['npm', 'PyPI', 'RubyGems'] });
    expect(first.ecosystems.map((e) => [e.ecosystem, e.mode, e.update?.added ?? null, e.error === null])).toEqual([
      ['npm', 'archive', npm.length, true],
      ['PyPI', 'archive', pypi.length, true],
      ['RubyGems', 'archive', null, false],
    ]);
    expect(first.ecosystems[2]!.error).toMatch(/answered 404 for http:\/\/127\.0\.0\.1:\d+\/RubyGems\/all\.zip/);
    expect(bucket.requests).toEqual(['/npm/all.zip', '/PyPI/all.zip', '/RubyGems/all.zip']);
    const status = await advisoryDatabaseStatus(hw);
    expect(status.find((s) => s.ecosystem === 'npm')?.source).toBe(`${bucket.url}/npm/all.zip`);

    // Nothing changed: one index read per ecosystem, no advisory downloaded.
    bucket.requests = [];
    const again = await importAdvisoriesOnline(hw, { baseUrl: bucket.url, ecosystems: ['npm', 'PyPI'] });
    expect(again.ecosystems.map((e) => e.mode)).toEqual(['current', 'current']);
    expect(bucket.requests).toEqual(['/npm/modified_id.csv', '/PyPI/modified_id.csv']);

    // One npm advisory revised, one published: exactly those two are fetched.
    const revised = { ...npm[0]!, modified: '2027-01-02T00:00:00Z', summary: 'revised' };
    const added = { ...npm[1]!, id: 'GHSA-new0-0000-0000', modified: '2027-01-03T00:00:00Z', aliases: [] };
    bucket.publish('npm', [revised, added, ...npm.slice(1)]);
    bucket.requests = [];
    const changes = await importAdvisoriesOnline(hw, { baseUrl: bucket.url, ecosystems: ['npm'] });
    expect(changes.ecosystems[0]).toMatchObject({ mode: 'changes', requests: 3, error: null, update: { added: 1, updated: 1 } });
    expect(bucket.requests.sort()).toEqual(['/npm/GHSA-new0-0000-0000.json', `/npm/${revised.id}.json`, '/npm/modified_id.csv'].sort());

    // --full reads the archive again, and finds nothing new in it.
    const full = await importAdvisoriesOnline(hw, { baseUrl: bucket.url, ecosystems: ['npm'], full: true });
    expect(full.ecosystems[0]).toMatchObject({ mode: 'archive', update: { added: 0, updated: 0, unchanged: npm.length + 1 } });
    await hw.close();
  });

  it('refuses a hostile export: an index line that is not an id, a record that is not OSV', async () => {
    const npm = ofEcosystem('npm');
    bucket.publish('npm', npm);
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    await importAdvisoriesOnline(hw, { baseUrl: bucket.url, ecosystems: ['npm'] });
    const csv = `2027-02-01T00:00:00Z,../../etc/passwd\n2027-02-01T00:00:00Z,GHSA-bad0-0000-0000\n${new TextDecoder().decode(bucket.files.get('/npm/modified_id.csv'))}`;
    bucket.files.set('/npm/modified_id.csv', strToU8(csv));
    bucket.files.set('/npm/GHSA-bad0-0000-0000.json', strToU8('{"id": "GHSA-bad0-0000-0000", "modified": 3}'));
    bucket.requests = [];
    const result = await importAdvisoriesOnline(hw, { baseUrl: bucket.url, ecosystems: ['npm'] });
    expect(bucket.requests.some((r) => r.includes('passwd') || r.includes('..'))).toBe(false);
    expect(result.ecosystems[0]!.update?.skipped).toEqual([expect.objectContaining({ problem: expect.stringMatching(/not an OSV record/) })]);
    expect((await advisoryDatabaseStatus(hw)).find((s) => s.ecosystem === 'npm')?.advisories).toBe(npm.length);
    await hw.close();
  });
});

describe('vulns db update from the command line', () => {
  it('downloads from HEROWATCH_OSV_URL, and refuses an unencrypted remote one', async () => {
    bucket.publish('npm', ofEcosystem('npm'));
    const home = await mkdtemp(join(tmpdir(), 'herowatch-osv-cli-'));
    const ok = await herowatch({ HEROWATCH_HOME: home, HEROWATCH_OSV_URL: bucket.url }, ['vulns', 'db', 'update', '--ecosystem', 'npm', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).ecosystems[0]).toMatchObject({ ecosystem: 'npm', mode: 'archive', error: null });
    const bad = await herowatch({ HEROWATCH_HOME: home, HEROWATCH_OSV_URL: 'http://mirror.example.com' }, ['vulns', 'db', 'update']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/HEROWATCH_OSV_URL must be https/);
    const eco = await herowatch({ HEROWATCH_HOME: home, HEROWATCH_OSV_URL: bucket.url }, ['vulns', 'db', 'update', '--ecosystem', 'npm,Hackage']);
    expect(eco.code).toBe(2);
    expect(eco.stderr).toMatch(/"Hackage" is not an ecosystem herowatch matches/);
    await rm(home, { recursive: true, force: true });
  });
});
