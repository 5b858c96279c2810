import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connect } from '../../src/service/connect.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';
import { eventually, freePort } from '../support/wait.js';

const POSTGRES = Boolean(process.env.HEROWATCH_TEST_DATABASE_URL);
const root = fileURLToPath(new URL('../../', import.meta.url));

describe.skipIf(!POSTGRES)('the Procfile', () => {
  it('starts the web, worker and planner processes from the environment alone, which keep a connection fresh and stop cleanly', async () => {
    const processes = Object.fromEntries(
      readFileSync(new URL('Procfile', `file://${root}`), 'utf8')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
    );
    expect(Object.keys(processes).sort()).toEqual(['planner', 'web', 'worker']);

    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('postgres', emulator.url);
    await connect(hw, { name: 'edge', token: T.admin, apiUrl: emulator.url, enterprise: 'edge' });
    const port = await freePort();
    // What a platform gives each process: the environment (PORT for the web process), nothing else.
    const env = { PATH: process.env.PATH!, ...hw.env, PORT: String(port), HEROWATCH_ALLOWED_HOSTS: 'herowatch.example.com', HEROKU_HOST: emulator.url };
    const started = Object.entries(processes).map(([name, command]) => {
      const child = spawn('sh', ['-c', `exec ${command}`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const output = { text: '' };
      child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      return { name, child, output, exited };
    });
    onTestFinished(() => started.forEach((p) => p.child.kill('SIGKILL')));
    const byName = (name: string) => started.find((p) => p.name === name)!;

    // The web process answers on PORT; the planner leads and queues the sync; the worker runs it.
    const health = await eventually('the web process', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return response.ok && ((await response.json()) as { ok: boolean });
    });
    expect(health).toEqual({ ok: true, database: 'reachable' });
    await eventually('the planner to lead', async () => byName('planner').output.text.includes('planning (this planner holds the lead)'));
    const job = await eventually(
      'the worker to sync the connection',
      async () => (await hw.store.db.selectFrom('hw_jobs').select(['kind', 'status']).where('status', '=', 'complete').executeTakeFirst()) ?? false,
      90_000,
    );
    expect(job).toEqual({ kind: 'inventory', status: 'complete' });
    expect(byName('worker').output.text).toMatch(/edge: inventory complete/);

    // SIGTERM, as a platform stops processes: each stops cleanly.
    for (const p of started) p.child.kill('SIGTERM');
    const codes = await Promise.all(started.map((p) => p.exited));
    expect(codes).toEqual([0, 0, 0]);
    expect(byName('worker').output.text).toContain('Stopped.');
    expect(byName('planner').output.text).toContain('Stopped.');
  }, 150_000);
});
