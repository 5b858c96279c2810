import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { databaseText, filesUnder, herowatch, startHerowatch, type Run } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { CANARY, edgeScenario, T } from '../support/scenarios.js';

describe.each(DIALECTS)('a stored token on %s', (dialect) => {
  it('appears nowhere: database, files, logs, exports, output, errors, process arguments and environment', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url, HEROWATCH_LOG_LEVEL: 'debug' };
    const runs: Run[] = [];
    runs.push(await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.admin));
    runs.push(await herowatch({ ...env, TOKEN_VAR: T.adminProtected }, ['connect', '--name', 'scoped', '--token-env', 'TOKEN_VAR', '--json']));
    runs.push(await herowatch(env, ['connect', '--name', 'x', '--token-stdin'], T.adminRevoked));
    runs.push(await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.outsider));

    // A sync in flight: its arguments and environment hold no token (slowed so it can be looked at).
    emulator.setFaults({ rules: [{ latencyMs: 40 }] });
    const inFlight = startHerowatch(env, ['sync', '--connection', 'edge', '--verbose']);
    while (emulator.requests().length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    const proc = [await readFile(`/proc/${inFlight.child.pid}/cmdline`, 'latin1'), await readFile(`/proc/${inFlight.child.pid}/environ`, 'latin1')].join('\n');
    emulator.setFaults(undefined);
    runs.push(await inFlight.done);
    runs.push(await herowatch(env, ['sync', '--connection', 'edge', '--json', '--verbose']));
    runs.push(await herowatch(env, ['status', '--json']));
    runs.push(await herowatch(env, ['tokens', 'edge', '--json']));
    for (const dataset of ['oauth_authorizations', 'config_vars', 'coverage']) {
      for (const format of ['csv', 'json', 'ndjson']) runs.push(await herowatch(env, ['export', dataset, '--format', format]));
    }
    runs.push(await herowatch(env, ['sql', 'SELECT * FROM hw_credentials', '--json']));
    runs.push(await herowatch({ ...env, HEROWATCH_MASTER_KEY: randomBytes(32).toString('base64') }, ['sync', '--connection', 'edge']));
    runs.push(await herowatch(env, ['vault', 'rotate']));
    runs.push(await herowatch(env, ['disconnect', 'edge']));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 2, 2, ...Array<number>(13).fill(0), 2, 2, 0, 0]);
    // With --json, the refusal is the JSON error object on standard output.
    expect((JSON.parse(runs[17]!.stdout) as { error: { kind: string; message: string } }).error).toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/(no such table: hw_credentials|relation "hw_credentials" does not exist): the SQL console reads the dataset views only/),
    });

    const secrets = [CANARY, T.admin, T.adminProtected, T.adminRevoked, T.outsider];
    const haystacks: [string, string][] = runs.map((r, i) => [`command ${i}`, r.stdout + r.stderr]);
    haystacks.push(['/proc of a running sync', proc]);
    for (const file of await filesUnder(hw.home)) haystacks.push([file, (await readFile(file)).toString('latin1')]);
    haystacks.push(['database', await databaseText(hw)]);
    for (const [where, text] of haystacks) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
        // Nor in the encodings a careless log line would use.
        expect(text.includes(Buffer.from(secret).toString('base64')), `${secret} (base64) found in ${where}`).toBe(false);
      }
    }
  }, 180_000);
});

describe('a wrong API address or a token that cannot be sent', () => {
  it('fails fast and says which: nothing listening, a server that is not Heroku, a token with a line break', async () => {
    const hw = await openTestHerowatch('sqlite', 'http://127.0.0.1:9');
    // A port where nothing listens: one attempt, not minutes of retries.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const started = Date.now();
    const refused = await herowatch({ ...hw.env, HEROKU_HOST: `http://127.0.0.1:${closed}` }, ['connect', '--name', 'x', '--token-stdin'], T.admin);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).toContain(
      `nothing answers at this address; check the API URL (HEROKU_HOST or --api-url) (http://127.0.0.1:${closed}: ECONNREFUSED)`,
    );

    // A web server that is not Heroku's API: its 404 page is an answer, not a fault to retry.
    let requests = 0;
    const web = createServer((_request, response) => {
      requests++;
      response.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => web.close(() => resolve())));
    const notHeroku = await herowatch(
      { ...hw.env, HEROKU_HOST: `http://127.0.0.1:${(web.address() as AddressInfo).port}` },
      ['connect', '--name', 'x', '--token-stdin'],
      T.admin,
    );
    expect(notHeroku.code).toBe(2);
    expect(notHeroku.stdout + notHeroku.stderr).toContain("HTTP 404, and the answer is not JSON (text/html, 35 bytes): is this Heroku's API?");
    expect(requests).toBeLessThanOrEqual(2);

    // A token that cannot go in a request header: refused before any request.
    requests = 0;
    const broken = await herowatch({ ...hw.env, HEROKU_HOST: `http://127.0.0.1:${(web.address() as AddressInfo).port}`, HEROKU_API_KEY: `${T.admin}\u00e9` }, [
      'sync',
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('The Heroku token holds characters that cannot be sent in a request');
    expect(broken.stderr).not.toContain(T.admin);
    expect(requests).toBe(0);
  }, 60_000);
});
