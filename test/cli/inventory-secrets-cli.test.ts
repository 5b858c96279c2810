import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { databaseText, filesUnder, herowatch as runCli, type Run } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { CANARY, edgeScenario, T } from '../support/scenarios.js';

const herowatch = (env: Record<string, string>, ...args: string[]): Promise<Run> => runCli(env, args);

describe.each(DIALECTS)('what the inventory commands keep secret on %s', (dialect) => {
  it('lets no config var value and no token reach the database, exports, logs or output', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_API_KEY: T.admin, HEROKU_HOST: emulator.url, HEROWATCH_LOG_LEVEL: 'debug' };
    const runs: Run[] = [];
    runs.push(await herowatch(env, 'sync', '--verbose'));
    runs.push(await herowatch(env, 'sync', '--json', '--verbose'));
    runs.push(await herowatch({ ...env, HEROKU_API_KEY: T.adminRevoked }, 'sync'));
    for (const dataset of ['config_vars', 'oauth_authorizations', 'log_drains', 'slugs', 'apps', 'coverage']) {
      for (const format of ['csv', 'json', 'ndjson']) runs.push(await herowatch(env, 'export', dataset, '--format', format));
    }
    runs.push(await herowatch(env, 'sql', 'SELECT * FROM hw_http_cache', '--json'));
    runs.push(await herowatch(env, 'sql', 'SELECT * FROM config_vars', '--json'));
    expect(runs[0]!.code).toBe(0);
    expect(runs[2]!.code).toBe(1);
    expect(runs.at(-2)!.code).toBe(2);
    expect(runs.at(-1)!.stdout).toContain('STRIPE_SECRET_KEY');

    const secrets = [CANARY, ...Object.values(T)];
    const haystacks: [string, string][] = runs.map((r, i) => [`command ${i}`, r.stdout + r.stderr]);
    for (const file of await filesUnder(hw.home)) haystacks.push([file, (await readFile(file)).toString('latin1')]);
    haystacks.push(['database', await databaseText(hw)]);
    for (const [where, text] of haystacks) {
      for (const secret of secrets) expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
    }
  }, 120_000);
});
