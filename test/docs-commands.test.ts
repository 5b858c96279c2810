import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import type { Output } from '../src/cli/output.js';
import { remedyText } from '../src/cli/remedy.js';
import type { Listing, Remedy } from '../src/errors.js';
import { herowatch } from './support/cli.js';
import { DEMO_TOKEN } from './support/dashboard.js';
import { startEmulatorForTest } from './support/emulator.js';

/**
 * The docs' command examples cannot drift from the product: every
 * `herowatch` line in a shell block of the README or docs/ is a command the
 * CLI accepts (its subcommands, options, option values and arguments), and
 * the README's walkthroughs run, in order, against the demo world.
 */

interface Example {
  file: string;
  /** The line as written, for messages. */
  line: string;
  /** The words after `herowatch`, with the shell's quoting removed. */
  args: string[];
  /** The block it is in, counted from 0 within its file. */
  block: number;
}

const ROOT = new URL('../', import.meta.url);
const PREFIX = /^(?:\|\s*)?(?:\.\/bin\/herowatch|npx herowatch|herowatch)\s+/;

/** A shell line's words: quotes removed, a comment (` #`) dropped. Enough for the docs' examples (no expansions). */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"' || c === "'") {
      const end = line.indexOf(c, i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === ' ' || c === '\t') {
      if (word !== null) out.push(word);
      word = null;
    } else if (c === '#' && word === null) {
      break;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) out.push(word);
  return out;
}

async function examples(): Promise<Example[]> {
  const files = ['README.md', ...(await readdir(new URL('docs/', ROOT))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const found: Example[] = [];
  for (const file of files) {
    const text = await readFile(new URL(file, ROOT), 'utf8');
    [...text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].forEach((block, index) => {
      for (const raw of block[1]!.split('\n')) {
        const line = raw.trim();
        if (!PREFIX.test(line)) continue;
        // A synopsis (`[--scope read|write]`, `...]`) shows a command's shape, not one to run.
        if (/\s\[--|\]\.\.\./.test(line)) continue;
        found.push({ file, line, args: words(line.replace(PREFIX, '')), block: index });
      }
    });
  }
  return found;
}

const quiet: Output = { out: () => {}, err: () => {}, json: () => {}, raw: () => {} } as unknown as Output;

/** The program with every command's action replaced by nothing: parsing alone checks names, options, values and arguments. */
async function parsingProgram(): Promise<Command> {
  const program = await buildProgram(
    quiet,
    () => {},
    () => {},
  );
  const silence = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    command.action(() => {});
    for (const sub of command.commands) silence(sub);
  };
  silence(program);
  return program;
}

describe('the command examples in the README and docs/', () => {
  it('are commands the CLI accepts, with their options, values and arguments', async () => {
    const all = await examples();
    // The README alone has a few dozen: a parser that finds none would pass everything.
    expect(all.filter((e) => e.file === 'README.md').length).toBeGreaterThan(25);
    expect(new Set(all.map((e) => e.file)).size).toBeGreaterThan(4);
    const refused: string[] = [];
    for (const example of all) {
      const program = await parsingProgram();
      try {
        await program.parseAsync(example.args, { from: 'user' });
      } catch (error) {
        refused.push(`${example.file}: ${example.line}\n    ${(error as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
  }, 60_000);

  it('refuse what the CLI refuses (the check is not blind)', async () => {
    for (const args of [['findings', '--sevrity', 'high'], ['nosuch'], ['sql'], ['findings', '--severity', 'urgent'], ['sync', '--connection']]) {
      const program = await parsingProgram();
      await expect(program.parseAsync(args, { from: 'user' }), args.join(' ')).rejects.toThrow();
    }
  });
});

const LISTINGS: Record<Listing, true> = {
  connections: true,
  datasets: true,
  findings: true,
  checks: true,
  users: true,
  'access-tokens': true,
  runs: true,
  apps: true,
  'monitored-apps': true,
  vulnerabilities: true,
  vex: true,
};

/** One remedy or more of every kind, with and without their optional fields. */
const REMEDIES: { [D in Remedy['do']]: Extract<Remedy, { do: D }>[] } = {
  connect: [{ do: 'connect' }, { do: 'connect', connection: 'acme' }],
  reconnect: [{ do: 'reconnect', connection: 'acme' }],
  'test-connection': [{ do: 'test-connection', connection: 'acme' }],
  sync: [{ do: 'sync' }, { do: 'sync', connection: 'acme' }],
  'choose-connection': [{ do: 'choose-connection', choices: ['a', 'b'], all: true }],
  list: (Object.keys(LISTINGS) as Listing[]).flatMap((what) => [
    { do: 'list' as const, what },
    { do: 'list' as const, what, connection: 'acme' },
  ]),
  monitor: [
    { do: 'monitor', app: 'api' },
    { do: 'monitor', connection: 'acme', app: 'api' },
  ],
  'test-app': [{ do: 'test-app' }, { do: 'test-app', app: 'api' }, { do: 'test-app', app: 'api', connection: 'acme' }],
  'update-advisories': [{ do: 'update-advisories' }],
  purge: [{ do: 'purge', connection: 'acme' }],
  'start-worker': [{ do: 'start-worker' }],
  'create-access-token': [{ do: 'create-access-token', scope: 'write' }],
  give: [
    { do: 'give', input: 'reason' },
    { do: 'give', input: 'new-master-key' },
  ],
  'end-period': [{ do: 'end-period', day: '2026-01-31' }],
};

describe('the fixes the CLI prints with an error', () => {
  it('are commands it accepts, whatever the remedy', async () => {
    const commands = Object.values(REMEDIES)
      .flat()
      .flatMap((remedy) =>
        [...remedyText(remedy).matchAll(/herowatch ((?:[\w.-]+|--[\w-]+|[A-Z]+|"[^"]*")(?: (?:[\w.-]+|--[\w-]+|[A-Z]+))*)/g)].map((m) => m[1]!),
      );
    // Most remedies are a command to run: a pattern that found none would pass everything.
    expect(commands.length).toBeGreaterThan(25);
    const refused: string[] = [];
    for (const command of commands) {
      const program = await parsingProgram();
      try {
        await program.parseAsync(words(command), { from: 'user' });
      } catch (error) {
        refused.push(`herowatch ${command}: ${(error as Error).message}`);
      }
    }
    expect(refused).toEqual([]);
  });
});

/**
 * The README's walkthroughs (connecting and syncing, then compliance) run
 * as written against the demo world, in order, each exiting 0. Only what a
 * reader must fill in is filled in: the token the `heroku` command would
 * pipe, a finding's id (42), a run's (12) and the signing key's fingerprint.
 * Commands that serve until stopped (`run`) are left to their own tests.
 */
describe('the README walkthroughs, run against the demo world', () => {
  it('work as written, in order', async () => {
    const emulator = await startEmulatorForTest({ shiftToNow: true });
    const dir = await mkdtemp(join(tmpdir(), 'herowatch-readme-'));
    const env = { HEROWATCH_HOME: join(dir, 'home'), HEROKU_HOST: emulator.url, TZ: 'UTC' };
    const readme = (await examples()).filter((e) => e.file === 'README.md');
    const blocks = [...new Set(readme.filter((e) => e.args[0] === 'connect' || e.args[0] === 'findings').map((e) => e.block))];
    expect(blocks).toHaveLength(2);
    const steps = readme.filter((e) => blocks.includes(e.block) && !(e.args[0] === 'run' && !e.args.includes('--once')));
    expect(steps.length).toBeGreaterThan(15);
    const cwd = await mkdtemp(join(tmpdir(), 'herowatch-readme-cwd-'));
    const fill = async (args: string[]): Promise<string[]> => {
      const filled: string[] = [];
      for (const [i, arg] of args.entries()) {
        if (arg === '42') filled.push(String(JSON.parse((await herowatch(env, ['findings', '--json'])).stdout)[0].id));
        else if (arg === '12' && args[i - 1] === '--since') filled.push(String(JSON.parse((await herowatch(env, ['runs', '--json'])).stdout).at(-1).id));
        else if (arg === 'SHA256:...') filled.push(/SHA256:[A-Za-z0-9+/=]+/.exec((await herowatch(env, ['evidence', 'signing-key'])).stdout)![0]);
        else if (arg.endsWith('.zip') || arg.endsWith('.csv')) filled.push(join(cwd, arg));
        else filled.push(arg);
      }
      return filled;
    };
    for (const step of steps) {
      const args = await fill(step.args);
      const run = await herowatch(env, args, step.args[0] === 'connect' ? DEMO_TOKEN : undefined);
      expect(run.code, `${step.line}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    }
  }, 600_000);
});
