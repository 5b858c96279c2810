import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { herowatch } from '../support/cli.js';

/** Node's own heap ceiling on this machine, in MB (what a process gets with no flag). */
const defaultLimitMb =
  Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))'], { env: {} })) / 2 ** 20;

/** Runs herowatch with a preloaded probe that records, at exit, each process's heap ceiling and flags. */
async function probed(args: string[], nodeOptions = ''): Promise<{ code: number; processes: { limitMb: number; execArgv: string[] }[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'herowatch-heap-'));
  const probe = join(dir, 'probe.mjs');
  const out = join(dir, 'out');
  await writeFile(
    probe,
    `import v8 from 'node:v8'; import { appendFileSync } from 'node:fs';
process.on('exit', () => appendFileSync(process.env.HEAP_PROBE, JSON.stringify({ limitMb: v8.getHeapStatistics().heap_size_limit / 2 ** 20, execArgv: process.execArgv }) + '\\n'));`,
  );
  await writeFile(out, '');
  const run = await herowatch({ NODE_OPTIONS: `--import=${pathToFileURL(probe).href} ${nodeOptions}`.trim(), HEAP_PROBE: out, HEROWATCH_HOME: dir }, args);
  const processes = (await readFile(out, 'utf8'))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { limitMb: number; execArgv: string[] });
  return { code: run.code, processes };
}

const ceilinged = (p: { execArgv: string[] }): boolean => p.execArgv.includes('--max-old-space-size=2000');

describe('the herowatch command', () => {
  it('runs under a 2,000 MB heap ceiling where Node would allow more, so that V8 collects garbage before it piles up', async () => {
    const { code, processes } = await probed(['--version']);
    expect(code).toBe(0);
    const ran = processes.filter(ceilinged);
    if (defaultLimitMb > 2256) {
      expect(ran).toHaveLength(1);
      expect(ran[0]!.limitMb).toBeGreaterThanOrEqual(2000);
      expect(ran[0]!.limitMb).toBeLessThan(2256);
    } else expect(ran).toEqual([]); // Node's own ceiling is already lower: nothing to change
  });

  it('leaves the ceiling to NODE_OPTIONS when it sets one, and the emulator (which holds its whole world) to Node', async () => {
    const chosen = await probed(['--version'], '--max-old-space-size=700');
    expect(chosen.code).toBe(0);
    expect(chosen.processes.some(ceilinged)).toBe(false);
    expect(chosen.processes.every((p) => p.limitMb < 900)).toBe(true);
    // V8 takes the flag with underscores too (Heroku's documentation writes it so).
    const underscored = await probed(['--version'], '--max_old_space_size=700');
    expect(underscored.processes.some(ceilinged)).toBe(false);
    expect(underscored.processes.every((p) => p.limitMb < 900)).toBe(true);
    const emulator = await probed(['emulator', '--no-serve']);
    expect(emulator.code).toBe(0);
    expect(emulator.processes).toHaveLength(1);
    expect(emulator.processes.some(ceilinged)).toBe(false);
  });

  it('passes on the exit status of what it ran', async () => {
    const { code } = await probed(['no-such-command']);
    expect(code).not.toBe(0);
    const bad = await herowatch({}, ['sync', '--concurrency', 'lots']);
    expect(bad.code).toBe(2);
  });
});
