import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Heroku's own CLI, run against an emulator. The CLI is large (about 400 MB),
 * so it is installed once, from the npm registry, into a cache folder outside
 * the project (`HEROWATCH_CONFORMANCE_CACHE`, or `~/.cache/herowatch-conformance`).
 */
export const HEROKU_CLI_VERSION = '11.10.0';
const cacheRoot = process.env.HEROWATCH_CONFORMANCE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'herowatch-conformance');
const cliDir = join(cacheRoot, `heroku-${HEROKU_CLI_VERSION}`);
const cliRoot = join(cliDir, 'node_modules', 'heroku');
const cliBin = join(cliRoot, 'bin', 'run.js');
const driver = fileURLToPath(new URL('./heroku-cli-driver.mjs', import.meta.url));
const exec = promisify(execFile);

/** Installs the CLI into the cache unless it is there; ten minutes at most. */
export async function installHerokuCli(): Promise<void> {
  if (existsSync(cliBin)) return;
  await mkdir(cliDir, { recursive: true });
  await writeFile(join(cliDir, 'package.json'), '{"private": true}\n');
  await exec('npm', ['install', '--no-audit', '--no-fund', '--no-save', `heroku@${HEROKU_CLI_VERSION}`], {
    cwd: cliDir,
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * The environment of a user pointing the CLI at the emulator with an API key,
 * in a home of its own: no netrc, no plugins, no update checks, no telemetry.
 * The side services the CLI calls (Particleboard) are pointed at the emulator
 * too, so nothing leaves the machine.
 */
async function cliEnv(url: string, token: string): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(join(tmpdir(), 'herowatch-heroku-home-'));
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    HEROKU_HOST: url,
    HEROKU_PARTICLEBOARD_URL: url,
    HEROKU_API_KEY: token,
    HEROKU_DISABLE_AUTOUPDATE: 'true',
    HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
    DISABLE_TELEMETRY: 'true',
    NO_COLOR: '1',
    TZ: 'UTC',
  };
}

/** Runs `heroku <args>` in a process of its own, as a user would; resolves with what it printed. */
export async function heroku(url: string, token: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec(process.execPath, [cliBin, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: await cliEnv(url, token) });
  return stdout;
}

export interface CliResult {
  argv: string[];
  /** The exit code the CLI would have ended with. */
  code: number;
  stdout: string;
  stderr: string;
  /** The message of the error the command ended with, if any. */
  error: string | null;
}

/**
 * Runs many commands through one CLI process (see heroku-cli-driver.mjs):
 * the same commands, hooks and HTTP client as `heroku <args>`, without
 * loading the CLI again for each.
 */
export async function herokuBatch(url: string, token: string, commands: string[][]): Promise<CliResult[]> {
  const env = await cliEnv(url, token);
  const commandsFile = join(env.HOME!, 'commands.json');
  const resultsFile = join(env.HOME!, 'results.json');
  await writeFile(commandsFile, JSON.stringify(commands));
  await exec(process.execPath, [driver, cliRoot, commandsFile, resultsFile], { timeout: 300_000, maxBuffer: 64 * 1024 * 1024, env });
  return JSON.parse(await readFile(resultsFile, 'utf8')) as CliResult[];
}
