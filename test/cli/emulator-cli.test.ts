import { createServer, type AddressInfo } from 'node:net';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateScenario } from '../../src/emulator/index.js';
import { announced, startHerowatch } from '../support/cli.js';
import { V3 } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const bin = fileURLToPath(new URL('../../bin/herowatch', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function scratch(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herowatch-cli-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('herowatch emulator', () => {
  it('names its URL on the first line, serves the scenario, and stops cleanly on SIGTERM', async () => {
    const file = await scratch('edge.json', JSON.stringify(edgeScenario()));
    const child = spawn(process.execPath, [bin, 'emulator', '--scenario', file, '--port', '0', '--validate'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(firstLine)?.[0];
    expect(url, firstLine).toBeDefined();
    const response = await fetch(`${url}/apps/edge-api`, { headers: { Accept: V3, Authorization: `Bearer ${T.admin}` } });
    expect(((await response.json()) as { name: string }).name).toBe('edge-api');
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).not.toContain('schema violation');
  });

  it('prints a JSON start-up line with --json', async () => {
    const child = spawn(process.execPath, [bin, 'emulator', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const exit = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exit;
    expect(JSON.parse(firstLine)).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), stats: { apps: 27 } });
  });

  it('reports scenario errors with their JSON path and exits 2 without serving', async () => {
    const broken = edgeScenario() as unknown as Record<string, unknown>;
    (broken.apps as Record<string, unknown>[])[2]!.team = 'no-such-team';
    const file = await scratch('broken.json', JSON.stringify(broken));
    const result = await run(['emulator', '--scenario', file, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('$.apps[2].team: no team named no-such-team');
    expect(result.stdout).not.toContain('listening');
  });

  it('checks a scenario with --no-serve', async () => {
    const file = await scratch('edge.json', JSON.stringify(edgeScenario()));
    const result = await run(['emulator', '--scenario', file, '--no-serve']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Scenario is valid: \d+ accounts, .*6 apps/);
  });

  it('writes a generated world that reads back as the same scenario', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'herowatch-cli-')), 'world.json');
    const result = await run(['emulator', '--generate', 'apps=40,teams=2,members=12,days=3', '--seed', '8', '--write-scenario', out, '--no-serve']);
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(generateScenario({ apps: 40, teams: 2, members: 12, days: 3, seed: 8 }).scenario);
    expect(result.stdout).toContain('40 apps');
  });

  it.each([
    [['emulator', '--port', 'abc', '--no-serve'], '--port must be a port number'],
    [['emulator', '--generate', 'colour=blue'], 'unknown setting "colour"'],
    [['emulator', '--scenario', 'a.json', '--generate', 'apps=1'], 'Give either --scenario or --generate'],
    [['emulator', '--seed', '3'], '--seed only applies to --generate'],
    [['emulator', '--rate-limit', 'speed=9', '--port', '0'], '--rate-limit: "speed=9" is not a setting'],
    [['emulator', '--faults', '{"rules": 3}', '--port', '0'], '--faults: expected'],
    [['emulator', '--faults', '{"rules": [{"eror": 0.1}]}', '--port', '0'], 'Unrecognized key: "eror"'],
    [['emulator', '--scenario', '/nonexistent.json'], 'cannot read the scenario file: no such file'],
    [['emulator', '--no-such-flag'], "unknown option '--no-such-flag'"],
  ])('rejects %j with a clear message and exit code 2', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('herowatch demo', () => {
  it('syncs the demo world into its own database and summarises it; a second run is mostly 304s', async () => {
    const home = await mkdtemp(join(tmpdir(), 'herowatch-demo-'));
    const env = { ...process.env, HEROWATCH_HOME: home };
    const first = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [bin, 'demo'], { env, timeout: 60_000 }, (error, stdout) => resolve({ code: error ? 1 : 0, stdout })),
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/serving the demo world \(Acme\) at http:\/\/127\.0\.0\.1:\d+/);
    expect(first.stdout).toContain('acme: degraded (herowatch@acme.example)');
    expect(first.stdout).toContain('fix: heroku members:add herowatch@acme.example --team acme-labs --role member');
    expect(first.stdout).toMatch(/Sync run 1: complete in [\d.]+s, \d+ requests \(0 answered 304/);
    expect(first.stdout).toMatch(/apps\s+22 apps, 31 domains, 7 sni endpoints, 72 config vars/);
    expect(first.stdout).toContain("oauth_authorizations: The token's scope (identity, read-protected) does not allow reading oauth authorizations");
    expect(first.stdout).toContain(`HEROWATCH_HOME=${join(home, 'demo')} ./bin/herowatch datasets`);
    // Vulnerabilities of what three apps deployed, from the real advisories that ship with the demo; the check reads them.
    expect(first.stdout).toMatch(
      /^ {2}pay-api {6}3 packages, 4 open: lodash 4\.17\.15 \(3, worst high; upgrade to 4\.17\.21\), jsonwebtoken 8\.5\.1 \(1, worst medium; upgrade to 9\.0\.0\)$/m,
    );
    expect(first.stdout).toMatch(/^ {2}acme-api {5}3 packages, 0 open$/m);
    expect(first.stdout).toMatch(/high {5}production_app_severe_vulnerabilities_absent \(2\): acme-auth, pay-api/);
    // One line each to the dashboard, MCP and the evidence bundle.
    expect(first.stdout).toContain('npm run demo -- --serve');
    expect(first.stdout).toContain('./bin/herowatch mcp --connection acme');
    expect(first.stdout).toContain('./bin/herowatch evidence --out acme-evidence.zip');
    const second = await new Promise<string>((resolve) => execFile(process.execPath, [bin, 'demo'], { env, timeout: 60_000 }, (_e, stdout) => resolve(stdout)));
    const [, requests, unchanged] = /Sync run 2: complete in [\d.]+s, (\d+) requests \((\d+) answered 304/.exec(second)!;
    expect(Number(unchanged)).toBeGreaterThan(Number(requests) * 0.8);
    // With --json: one object, the same facts.
    const asJson = await new Promise<string>((resolve) =>
      execFile(process.execPath, [bin, 'demo', '--json'], { env, timeout: 60_000 }, (_e, stdout) => resolve(stdout)),
    );
    const summary = JSON.parse(asJson) as {
      sync: { runId: number; status: string };
      datasets: Record<string, number>;
      connection: { state: string };
      findings: unknown[];
    };
    expect(summary).toMatchObject({ sync: { runId: 3, status: 'complete' }, datasets: { apps: 22, domains: 31 }, connection: { state: 'degraded' } });
    expect(summary.findings.length).toBeGreaterThan(0);

    // A dashboard port in use is said before the sync, with the flag that picks another.
    const holder = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => holder.once('listening', resolve));
    const busyPort = (holder.address() as AddressInfo).port;
    const busy = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, 'demo', '--serve', '--web-port', String(busyPort)], { env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: (error as { code?: number } | null)?.code ?? 0, stdout, stderr }),
      ),
    );
    holder.close();
    expect(busy).toMatchObject({ code: 2, stdout: '' });
    expect(busy.stderr).toContain(`Port ${busyPort} on 127.0.0.1 is in use: stop what holds it, or pick another port with --web-port`);

    // With --serve: the dashboard on the synced demo, and a one-time link that signs the demo admin in.
    const served = startHerowatch({ HEROWATCH_HOME: home }, ['demo', '--serve', '--web-port', '0']);
    onTestFinished(() => void served.child.kill('SIGTERM'));
    const link = await announced(served.child, /^\s+(http:\/\/127\.0\.0\.1:\d+\/login\/link\?token=[\w-]{43})$/m, 60_000, 'stdout');
    const signedIn = await fetch(link, { redirect: 'manual' });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('herowatch_session='))!
      .split(';')[0]!;
    const overview = await (await fetch(new URL('/', link), { headers: { cookie } })).text();
    expect(overview).toContain('admin@demo.herowatch.local');
    expect(overview).toMatch(/Failing findings/);
    served.child.kill('SIGTERM');
    expect((await served.done).code).toBe(0);
  }, 180_000);
});
