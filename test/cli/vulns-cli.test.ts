import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { describe, expect, it, onTestFinished } from 'vitest';
import { herowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const osv = join(fixtures, 'osv');

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herowatch-vulns-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function checkout(): Promise<string> {
  const dir = await folder();
  await mkdir(join(dir, 'web'));
  await copyFile(join(fixtures, 'lockfiles/package-lock-v3.json'), join(dir, 'web/package-lock.json'));
  await copyFile(join(fixtures, 'lockfiles/Gemfile.lock'), join(dir, 'Gemfile.lock'));
  await copyFile(join(fixtures, 'lockfiles/Gemfile'), join(dir, 'Gemfile'));
  return dir;
}

describe('herowatch vulns scan', () => {
  it("reports a checkout's packages and vulnerabilities as JSON, dev-only ones left out, and fails at --fail-on", async () => {
    const dir = await checkout();
    const run = await herowatch({}, ['vulns', 'scan', dir, '--db', osv, '--json', '--fail-on', 'high']);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as { packages: Record<string, unknown>[]; vulnerabilities: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(['packages', 'vulnerabilities']);
    expect(report.packages.find((p) => p.name === 'minimist')).toEqual({
      ecosystem: 'npm',
      name: 'minimist',
      version: '1.2.5',
      dev: true,
      source: 'registry',
      locations: ['web/package-lock.json'],
    });
    // A local folder is listed with where it came from, and matched against nothing.
    expect(report.packages.find((p) => p.name === 'local-lib')).toMatchObject({ version: '0.1.0', source: 'path' });
    expect(report.vulnerabilities.find((v) => v.package === 'qs')).toEqual({
      id: 'CVE-2022-24999',
      aliases: ['GHSA-hrpp-h998-j3pp'],
      ecosystem: 'npm',
      package: 'qs',
      version: '6.5.2',
      severity: 'high',
      fixed: '6.5.3',
    });
    // minimist 1.2.5 is vulnerable but dev-only: left out unless asked for.
    expect(report.vulnerabilities.some((v) => v.package === 'minimist')).toBe(false);
    const withDev = JSON.parse((await herowatch({}, ['vulns', 'scan', dir, '--db', osv, '--json', '--include-dev'])).stdout) as typeof report;
    expect(withDev.vulnerabilities.filter((v) => v.package === 'minimist').map((v) => v.severity)).toEqual(['critical']);
    // Nothing critical outside dev: --fail-on critical passes.
    expect((await herowatch({}, ['vulns', 'scan', dir, '--db', osv, '--fail-on', 'critical'])).code).toBe(0);
  }, 60_000);

  it('reads a single lockfile and a slug tarball the same way', async () => {
    const lock = await herowatch({}, ['vulns', 'scan', join(fixtures, 'lockfiles/go.mod'), '--db', osv]);
    expect(lock.code, lock.stderr).toBe(0);
    expect(lock.stdout).toMatch(/^medium\s+github\.com\/gin-gonic\/gin\s+v1\.9\.0\s+CVE-2023-29401 GHSA-2c4m-59x9-fr2g\s+no fix yet\s+go\.mod$/m);
    expect(lock.stdout).toContain('5 packages from 1 file; 2 vulnerabilities (1 medium, 1 low).');
    const dir = await folder();
    const slug = join(dir, 'slug.tgz');
    await writeFile(
      slug,
      gzipSync(
        createTar([
          { name: './app/go.mod', data: await readFile(join(fixtures, 'lockfiles/go.mod')) },
          { name: './app/Procfile', data: 'web: bin/api' },
        ]),
      ),
    );
    const tarball = await herowatch({}, ['vulns', 'scan', slug, '--db', osv]);
    expect(tarball.code, tarball.stderr).toBe(0);
    expect(tarball.stdout).toContain('5 packages from 1 file; 2 vulnerabilities (1 medium, 1 low).');
    expect(tarball.stdout).toContain('read: app/go.mod (go.mod, 5 packages)');
  }, 60_000);

  it('explains bad input and exits 2', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'notes.bin'), Buffer.from([0, 1, 2, 3]));
    await writeFile(join(dir, 'empty.json'), '{}');
    const cases: [string[], RegExp][] = [
      [['vulns', 'scan', join(dir, 'missing'), '--db', osv], /The path .*missing does not exist/],
      [['vulns', 'scan', dir, '--db', join(dir, 'nowhere')], /The advisories .*nowhere does not exist/],
      [['vulns', 'scan', dir, '--db', join(dir, 'empty.json')], /holds no OSV advisory \(1 files could not be read, e\.g\. .*empty\.json: not an OSV record/],
      [['vulns', 'scan', join(dir, 'notes.bin'), '--db', osv], /is not a folder, a gzipped tarball or a package file herowatch reads/],
      [['vulns', 'scan', dir, '--db', osv, '--fail-on', 'severe'], /Use one of critical, high, medium, low/],
    ];
    for (const [args, message] of cases) {
      const run = await herowatch({ HEROWATCH_HOME: dir }, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  }, 60_000);

  it('prints names from a hostile lockfile as text, never as terminal commands', async () => {
    const dir = await folder();
    await writeFile(
      join(dir, 'package-lock.json'),
      JSON.stringify({
        lockfileVersion: 3,
        packages: { 'node_modules/lodash': { name: 'lodash', version: '4.17.15' }, 'node_modules/x\u001b]52;c;ZXZpbA==\u0007': { version: '1.0.0' } },
      }),
    );
    const run = await herowatch({}, ['vulns', 'scan', dir, '--db', osv]);
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).toContain('lodash');
    const json = await herowatch({}, ['vulns', 'scan', dir, '--db', osv, '--json']);
    expect(json.stdout).not.toContain('\u001b');
  }, 60_000);
});

describe('herowatch vulns db', () => {
  it('imports advisories (new, revised, unchanged, withdrawn), says what it holds, and scans against them', async () => {
    const home = await folder();
    const env = { HEROWATCH_HOME: home };
    const empty = await herowatch(env, ['vulns', 'scan', join(fixtures, 'lockfiles/go.mod')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('The advisory database is empty: import advisories first (herowatch vulns db update downloads them');

    const first = await herowatch(env, ['vulns', 'db', 'update', '--from', osv, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      records: 24,
      added: 24,
      updated: 0,
      unchanged: 0,
      withdrawn: 0,
      ecosystems: ['Go', 'Maven', 'Packagist', 'PyPI', 'RubyGems', 'npm'],
    });
    const status = JSON.parse((await herowatch(env, ['vulns', 'db', 'status', '--json'])).stdout) as { ecosystem: string; advisories: number }[];
    expect(Object.fromEntries(status.map((s) => [s.ecosystem, s.advisories]))).toEqual({ Go: 2, Maven: 2, Packagist: 1, PyPI: 5, RubyGems: 4, npm: 10 });
    expect((await herowatch(env, ['vulns', 'db', 'status'])).stdout).toMatch(/^npm\s+10\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+0 days\s+\d{4}-\d\d-\d\d\s+\//m);

    const scan = await herowatch(env, ['vulns', 'scan', join(fixtures, 'lockfiles/go.mod'), '--json']);
    expect((JSON.parse(scan.stdout) as { vulnerabilities: { package: string }[] }).vulnerabilities.map((v) => v.package)).toEqual([
      'github.com/gin-gonic/gin',
      'golang.org/x/net',
    ]);

    // A revision that moves the fix, and a withdrawal.
    const updates = await folder();
    const gin = JSON.parse(await readFile(join(osv, 'GHSA-2c4m-59x9-fr2g.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(
      join(updates, 'gin.json'),
      JSON.stringify({
        ...gin,
        modified: '2030-01-01T00:00:00Z',
        affected: [
          { package: { ecosystem: 'Go', name: 'github.com/gin-gonic/gin' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.9.1' }] }] },
        ],
      }),
    );
    const net = JSON.parse(await readFile(join(osv, 'GHSA-vvpx-j8f3-3w6h.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(updates, 'net.json'), JSON.stringify({ ...net, modified: '2030-01-01T00:00:00Z', withdrawn: '2030-01-01T00:00:00Z' }));
    await copyFile(join(osv, 'GHSA-8q59-q68h-6hv4.json'), join(updates, 'unchanged.json'));
    const second = await herowatch(env, ['vulns', 'db', 'update', '--from', updates, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ records: 3, added: 0, updated: 1, unchanged: 1, withdrawn: 1 });
    const after = JSON.parse((await herowatch(env, ['vulns', 'scan', join(fixtures, 'lockfiles/go.mod'), '--json'])).stdout) as {
      vulnerabilities: { package: string; fixed: string }[];
    };
    expect(after.vulnerabilities).toEqual([expect.objectContaining({ package: 'github.com/gin-gonic/gin', fixed: '1.9.1' })]);
  }, 90_000);
});

describe('monitoring from the command line', () => {
  it('tests a monitored app after a sync, shows its vulnerabilities with the upgrade, and gives its SBOM and OCSF events', async () => {
    const scenario = edgeScenario();
    const api = scenario.apps!.find((a) => a.name === 'edge-api')!;
    api.releases!.push({
      version: 4,
      created_at: '2026-11-15T09:00:00Z',
      slug: {
        commit: 'c0ffee',
        files: {
          'package.json': { name: 'edge-api' },
          'package-lock.json': {
            lockfileVersion: 3,
            packages: { '': { name: 'edge-api' }, 'node_modules/lodash': { version: '4.17.15' }, 'node_modules/jest': { version: '29.0.0', dev: true } },
          },
        },
      },
    });
    const emulator = await startEmulatorForTest({ scenario });
    const home = await folder();
    const env = { HEROWATCH_HOME: home, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['sync'])).code).toBe(0);
    expect((await herowatch(env, ['apps', 'add', 'default', 'edge-api'])).code).toBe(0);
    expect((await herowatch(env, ['vulns', 'db', 'update', '--from', osv])).code).toBe(0);

    const test = await herowatch(env, ['vulns', 'test']);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/^edge-api: release v4, 2 packages \(slug downloaded and read\); 3 open vulnerabilities \(3 new, 0 resolved\)$/m);
    const again = await herowatch(env, ['vulns', 'test', 'edge-api']);
    expect(again.stdout).toContain('slug read before, not downloaded again');

    const summary = await herowatch(env, ['vulns']);
    expect(summary.stdout).toMatch(/^default\s+edge-api\s+0\s+2\s+1\s+0\s+\S+ \S+\s+v4\s+2 packages from 1 file \(lockfile\)$/m);
    const show = await herowatch(env, ['vulns', 'show', 'edge-api']);
    expect(show.stdout).toContain('fix: upgrade lodash from 4.17.15 to 4.17.21 or later');
    expect(show.stdout).toContain('found in: app/package-lock.json');

    const sbom = JSON.parse((await herowatch(env, ['sbom', 'edge-api', '--format', 'spdx'])).stdout) as { spdxVersion: string; packages: { name: string }[] };
    expect(sbom.spdxVersion).toBe('SPDX-2.3');
    expect(sbom.packages.map((p) => p.name).sort()).toEqual(['edge-api', 'jest', 'lodash']);
    const written = await herowatch(env, ['sbom', 'edge-api', '--out', join(home, 'sbom.json'), '--json']);
    expect(JSON.parse(written.stdout)).toMatchObject({ app: 'edge-api', format: 'cyclonedx', packages: 2, file: join(home, 'sbom.json') });
    expect(JSON.parse(await readFile(join(home, 'sbom.json'), 'utf8'))).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    const ocsf = (await herowatch(env, ['vulns', '--ocsf'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { class_uid: number });
    expect(ocsf).toHaveLength(3);
    expect(ocsf.every((e) => e.class_uid === 2002)).toBe(true);

    const unknownApp = await herowatch(env, ['vulns', 'show', 'nope']);
    expect(unknownApp.code).toBe(2);
    expect(unknownApp.stderr).toContain('"nope" is not a monitored app');
  }, 120_000);
});

describe('importing an SBOM and VEX statements from the command line', () => {
  it('judges a Fir app by the SBOM of its build, read from a file or standard input, and refuses what it cannot read with the reason', async () => {
    const scenario = edgeScenario();
    const worker = scenario.apps!.find((a) => a.name === 'edge-worker')!;
    Object.assign(worker, { generation: 'fir', releases: [{ version: 1, created_at: '2026-10-01T00:00:00Z', oci_image: {} }] });
    const emulator = await startEmulatorForTest({ scenario });
    const home = await folder();
    const env = { HEROWATCH_HOME: home, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['sync'])).code).toBe(0);
    expect((await herowatch(env, ['apps', 'add', 'default', 'edge-worker'])).code).toBe(0);
    expect((await herowatch(env, ['vulns', 'db', 'update', '--from', osv])).code).toBe(0);
    const before = await herowatch(env, ['vulns', 'test', 'edge-worker']);
    expect(before.stdout).toContain(
      'edge-worker: not read: a Fir-generation app: it deploys an OCI image, not a slug, and Heroku offers no download of images (fix: herowatch sbom import --connection default --app edge-worker FILE)',
    );

    const sbom = join(fixtures, 'sbom/npm-project/cyclonedx-npm-1.6.json');
    const imported = await herowatch(env, ['sbom', 'import', sbom, '--app', 'edge-worker']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(
      /^Imported the CycloneDX 1\.6 SBOM of edge-worker \(no named commit\): 66 packages from 66 components; the SBOM names no commit/m,
    );
    expect(imported.stdout).toMatch(/^ {2}\d+ open vulnerabilities \(herowatch vulns show edge-worker\)$/m);
    const show = await herowatch(env, ['vulns', 'show', 'edge-worker']);
    expect(show.stdout).toMatch(/^edge-worker \(connection "default"\): release v1, 66 packages from an SBOM of release v1, tested /m);
    expect(show.stdout).toContain('lodash 4.17.20');
    expect(show.stdout).not.toContain('jsonwebtoken');
    // From standard input, with the commit the build was made from; --json says what was imported.
    const commit = JSON.parse((await herowatch(env, ['sql', 'SELECT "commit" FROM oci_images', '--json'])).stdout).rows[0].commit as string;
    const piped = await herowatch(
      env,
      ['sbom', 'import', '-', '--app', 'edge-worker', '--commit', commit, '--json'],
      await readFile(join(fixtures, 'sbom/npm-project/npm-spdx-2.3.json'), 'utf8'),
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ format: 'SPDX 2.3', commit, release: 1, used: true, test: { outcome: 'sbom' } });
    expect((await herowatch(env, ['vulns'])).stdout).toMatch(/edge-worker .* 66 packages from an SBOM of commit [0-9a-f]{12}/);

    // Refused, with the reason and nothing changed: no file, a folder, not an SBOM, too large, a commit that is none, an app not monitored.
    const dir = await folder();
    const huge = join(dir, 'huge.json');
    await writeFile(huge, '');
    await truncate(huge, 65 * 1024 * 1024);
    await writeFile(join(dir, 'old.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.2', components: [] }));
    for (const [args, message] of [
      [['sbom', 'import', join(dir, 'missing.json'), '--app', 'edge-worker'], /cannot read .*missing\.json: no such file/],
      [['sbom', 'import', dir, '--app', 'edge-worker'], /is a folder: give the file/],
      [['sbom', 'import', join(dir, 'old.json'), '--app', 'edge-worker'], /CycloneDX 1\.2 is not read: give CycloneDX 1\.4, 1\.5, 1\.6/],
      [['sbom', 'import', huge, '--app', 'edge-worker'], /larger than 64 MiB/],
      [['sbom', 'import', sbom, '--app', 'edge-worker', '--commit', 'main'], /"main" is not a commit id/],
      [['sbom', 'import', sbom, '--app', 'edge-api'], /App "edge-api" is not monitored on connection "default"/],
    ] as const) {
      const refused = await herowatch(env, [...args]);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr, args.join(' ')).toMatch(message);
    }
    expect(JSON.parse((await herowatch(env, ['sql', 'SELECT count(*) AS n FROM sboms', '--json'])).stdout).rows[0].n).toBe(2);

    // A VEX statement: lodash's command injection is not reachable in this app.
    await writeFile(
      join(dir, 'vex.json'),
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://edge.example/vex/1',
        author: 'security@edge.example',
        timestamp: '2026-11-20T09:00:00Z',
        statements: [
          {
            vulnerability: { name: 'CVE-2021-23337' },
            products: [{ '@id': 'pkg:npm/lodash@4.17.20' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
            impact_statement: 'template() never sees user input',
          },
        ],
      }),
    );
    const vex = await herowatch(env, ['vex', 'import', join(dir, 'vex.json'), '--app', 'edge-worker']);
    expect(vex.code, vex.stderr).toBe(0);
    expect(vex.stdout).toContain(
      'Imported 1 statement of OpenVEX 0.2 document https://edge.example/vex/1 by security@edge.example (connection default, app edge-worker): 1 finding now carries one, 1 not affected.',
    );
    expect((await herowatch(env, ['vulns', 'show', 'edge-worker'])).stdout).toContain(
      '  VEX: not affected (vulnerable code not in execute path): template() never sees user input; not counted',
    );
    const listed = await herowatch(env, ['vex', 'list']);
    expect(listed.stdout).toMatch(/^1\s+CVE-2021-23337\s+not_affected\s+vulnerable_code_not_in_execute_path\s+lodash@4\.17\.20\s+default, app edge-worker/m);
    expect((await herowatch(env, ['vex', 'remove', '1'])).stdout).toBe('Removed VEX statement 1.\n');
    expect((await herowatch(env, ['vulns', 'show', 'edge-worker'])).stdout).not.toContain('VEX:');
    const unknown = await herowatch(env, ['vex', 'remove', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no VEX statement 1.');
  }, 120_000);
});

describe('what herowatch does not know', () => {
  it('is never a pass: no advisories make the test and the check unknown with the fix; an import judges at once; unread input fails the gate', async () => {
    const scenario = edgeScenario();
    const api = scenario.apps!.find((a) => a.name === 'edge-api')!;
    api.releases!.push({
      version: 4,
      created_at: '2026-11-15T09:00:00Z',
      slug: {
        commit: 'c0ffee',
        files: {
          'package.json': { name: 'edge-api' },
          'package-lock.json': { lockfileVersion: 3, packages: { '': { name: 'edge-api' }, 'node_modules/lodash': { version: '4.17.15' } } },
        },
      },
    });
    const emulator = await startEmulatorForTest({ scenario });
    const home = await folder();
    const env = { HEROWATCH_HOME: home, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['sync'])).code).toBe(0);
    expect((await herowatch(env, ['apps', 'add', 'default', 'edge-api'])).code).toBe(0);
    const check = async () => {
      const findings = JSON.parse((await herowatch(env, ['findings', '--check', 'production_app_severe_vulnerabilities_absent', '--json'])).stdout) as {
        status: string;
        resource_name: string;
        message: string;
      }[];
      return findings.find((f) => f.resource_name === 'edge-api');
    };

    // The advisory database is empty: lodash 4.17.15 is not "free of vulnerabilities", it is not judged.
    const test = await herowatch(env, ['vulns', 'test']);
    expect(test.code).toBe(1);
    expect(test.stdout).toMatch(/^edge-api: release v4, 1 packages \(slug downloaded and read\); not judged$/m);
    expect(test.stderr).toContain(
      '1 of 1 app cannot be judged: herowatch holds no advisories for npm, so its packages were matched against nothing. Fix: herowatch vulns db update.',
    );
    expect(await check()).toMatchObject({ status: 'unknown', message: expect.stringContaining('herowatch holds no advisories for npm') });
    const summary = JSON.parse((await herowatch(env, ['vulns', '--json'])).stdout) as { app: string; unjudged: { reason: string; fix: string } | null }[];
    expect(summary.find((a) => a.app === 'edge-api')!.unjudged).toMatchObject({ fix: 'herowatch vulns db update' });

    // An import that opens vulnerabilities fails the check now, not at the next sync.
    expect((await herowatch(env, ['vulns', 'db', 'update', '--from', osv])).code).toBe(0);
    expect(await check()).toMatchObject({
      status: 'open',
      message: expect.stringMatching(/edge-api is in production and runs \d+ known critical or high vulnerabilit/),
    });

    // A gate that could not read its input fails, naming the file and why.
    const bad = join(home, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'package-lock.json'), '{ not json');
    const scan = await herowatch(env, ['vulns', 'scan', join(bad, 'package-lock.json'), '--fail-on', 'low']);
    expect(scan.code).toBe(1);
    expect(scan.stderr).toMatch(/not read: package-lock\.json: package-lock.* could not be read: not valid JSON/);
    await writeFile(join(bad, 'advisory.json'), '{"id": 5}');
    const update = await herowatch(env, ['vulns', 'db', 'update', '--from', join(bad, 'advisory.json')]);
    expect(update.code).toBe(1);
    expect(update.stderr).toContain(
      `1 file of ${join(bad, 'advisory.json')} could not be read as OSV advisories (first: ${join(bad, 'advisory.json')}: not an OSV record`,
    );
    const empty = join(home, 'empty');
    await mkdir(empty);
    expect((await herowatch(env, ['vulns', 'db', 'update', '--from', empty])).stderr).toContain(`${empty} holds no OSV advisory`);
  }, 120_000);
});
