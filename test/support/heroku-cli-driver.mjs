// Runs a list of `heroku` commands in one process, as the CLI's own entry
// point runs one: the installed CLI's oclif configuration is loaded once, then
// each command runs through it with its output captured. Loading the CLI
// costs about 1.5 s of CPU a process; a hundred commands in one process cost
// about as much as ten would apart.
//
// Usage: node heroku-cli-driver.mjs <cli root> <commands.json> <results.json>
// where commands.json is an array of argv arrays. Writes one result per
// command: {argv, code, stdout, stderr, error}.
import { readFileSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { setTimeout, clearTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';

const [cliRoot, commandsFile, resultsFile] = process.argv.slice(2);
const require = createRequire(`${cliRoot}/package.json`);
const oclif = await import(pathToFileURL(require.resolve('@oclif/core')).href);
const config = await oclif.Config.load({ root: cliRoot });
const commands = JSON.parse(readFileSync(commandsFile, 'utf8'));
const COMMAND_TIMEOUT_MS = 30_000;

let current = null;
const capture = (stream) => (chunk, ...rest) => {
  if (current) current[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const callback = rest.find((r) => typeof r === 'function');
  if (callback) callback();
  return true;
};
process.stdout.write = capture('stdout');
process.stderr.write = capture('stderr');

const results = [];
for (const argv of commands) {
  current = { argv, code: 0, stdout: '', stderr: '', error: null };
  results.push(current);
  let timer;
  try {
    await Promise.race([
      oclif.run(argv, config),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${COMMAND_TIMEOUT_MS} ms`), { oclif: { exit: 124 } })), COMMAND_TIMEOUT_MS);
      }),
    ]);
    current.code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    current.code = error?.oclif?.exit ?? 1;
    current.error = String(error?.message ?? error);
  } finally {
    clearTimeout(timer);
    process.exitCode = undefined;
  }
  // Spinners finish their line on the next tick: let them, so it lands with its command.
  await new Promise((resolve) => setTimeout(resolve, 10));
}
current = null;
writeFileSync(resultsFile, JSON.stringify(results));
process.exit(0);
