import { Command, CommanderError } from 'commander';
import { ScenarioError, type Emulator } from '../emulator/index.js';
import { HerowatchError } from '../errors.js';
import { registerCompliance } from './commands/compliance.js';
import { registerConnections } from './commands/connections.js';
import { registerDatasets } from './commands/datasets.js';
import { registerDemo } from './commands/demo.js';
import { registerEmulator } from './commands/emulator.js';
import { registerEvents } from './commands/events.js';
import { registerEvidence } from './commands/evidence.js';
import { registerRun } from './commands/run.js';
import { registerSync } from './commands/sync.js';
import { registerSbom, registerVulns } from './commands/vulns.js';
import { EXIT, exitCodeFor, processOutput, type Output } from './output.js';
import { VERSION } from '../version.js';

/** Serves until SIGINT or SIGTERM, then closes the emulator cleanly. */
function untilStopped(emulator: Emulator): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void emulator.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function buildProgram(output: Output, setExitCode: (code: number) => void = () => {}, writeErr: (text: string) => void = (text) => output.err(text.trimEnd())): Command {
  const program = new Command()
    .name('herowatch')
    .description('Inventory, compliance and security monitoring for Heroku accounts')
    .version(VERSION)
    // A command's options go before its subcommand's: `findings suppress 42 --json` is the subcommand's --json.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text.trimEnd()), writeErr });
  registerConnections(program, output, setExitCode);
  registerSync(program, output, setExitCode);
  registerDatasets(program, output);
  registerCompliance(program, output, setExitCode);
  registerEvents(program, output);
  registerEvidence(program, output, setExitCode);
  registerVulns(program, output, setExitCode);
  registerSbom(program, output);
  registerRun(program, output, setExitCode);
  registerEmulator(program, output, untilStopped);
  registerDemo(program, output, untilStopped);
  return program;
}

/**
 * Runs the CLI; resolves to the process exit code. With `--json`, an error
 * is one JSON object on standard output, `{"error": {"kind", "message"}}`,
 * instead of a line on standard error: a program reading the output gets
 * the failure in the same form as the result.
 */
export async function run(argv: string[], output: Output = processOutput()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const json = argv.includes('--json');
  let usage = '';
  const program = buildProgram(output, (code) => (exitCode = code), json ? (text) => (usage += text) : undefined);
  const fail = (kind: string, message: string, code: number): number => {
    if (json) output.json({ error: { kind, message } });
    else output.err(`herowatch: ${message}`);
    return code;
  };
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok;
      if (json) output.json({ error: { kind: 'input', message: usage.trim().replace(/^error: /, '') || error.message } });
      return EXIT.usage;
    }
    if (error instanceof ScenarioError) return fail('input', error.message, EXIT.usage);
    if (error instanceof HerowatchError) return fail(error.kind, error.message, exitCodeFor(error.kind));
    return fail('internal', (error as Error).message ?? String(error), EXIT.failed);
  }
}
