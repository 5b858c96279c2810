import { describe, expect, it } from 'vitest';
import { herowatch, startHerowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

describe('herowatch run', () => {
  it('runs what is due with --once; otherwise waits, and stops cleanly on SIGTERM', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['run', '--once'])).stdout).toContain('No connection to keep fresh: connect one first');
    expect((await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.admin)).code).toBe(0);

    const once = await herowatch(env, ['run', '--once', '--json']);
    expect(once.code, once.stderr).toBe(0);
    const events = once.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; kind?: string; status?: string });
    expect(events.filter((e) => e.type === 'job-done')).toMatchObject([{ kind: 'inventory', status: 'complete' }]);
    const again = await herowatch(env, ['run', '--once', '--json']);
    expect(again.stdout.trim()).toBe('');
    expect((await herowatch(env, ['run', '--once'])).stdout).toMatch(/Nothing is due; next: inventory of edge at \d{4}-\d{2}-\d{2}T/);

    const daemon = startHerowatch(env, ['run']);
    let seen = '';
    daemon.child.stdout!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    while (!seen.includes('waiting until')) await new Promise((resolve) => setTimeout(resolve, 20));
    daemon.child.kill('SIGTERM');
    const stopped = await daemon.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(
      /^herowatch run: inventory every 1h \(incremental, within 20% of each account's rate limit\), audit trail with each \(jitter 10%\)\./,
    );
    expect(stopped.stdout.trim().endsWith('Stopped.')).toBe(true);
  }, 60_000);

  it('exits 1 from --once when a job failed, so cron sees it', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['connect', '--name', 'edge', '--token-stdin'], T.admin)).code).toBe(0);
    const revoked = edgeScenario();
    revoked.accounts![0]!.tokens = revoked.accounts![0]!.tokens!.filter((t) => t.token !== T.admin);
    await emulator.setScenario(revoked);
    const once = await herowatch(env, ['run', '--once']);
    expect(once.code).toBe(1);
    expect(once.stdout).toMatch(/edge: inventory failed/);
    expect(once.stderr).toContain('herowatch: 1 of 1 job failed or could not notify; herowatch jobs shows why.');
  }, 60_000);
});
