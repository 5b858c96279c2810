import { Command, CommanderError } from 'commander';
import type { Emulator } from '../emulator/index.js';
import { ScenarioError } from '../emulator/scenario/scenario-error.js';
import { HerowatchError, TRANSPORT, type ErrorCode, type ErrorKind, type Remedy } from '../errors.js';
import { EXIT, processOutput, type Output } from './output.js';
import { remedyText } from './remedy.js';
import { noticesTo } from './context.js';
import { untilStopped } from './serving.js';
import { VERSION } from '../version.js';

/** Serves until SIGINT or SIGTERM, then closes the emulator cleanly. */
async function untilEmulatorStopped(emulator: Emulator): Promise<void> {
  await untilStopped();
  await emulator.close();
}

interface Doors {
  output: Output;
  setExitCode: (code: number) => void;
}

type Register = (program: Command, doors: Doors) => void;

/**
 * The command modules, with the top-level commands each registers. A run
 * loads only the module of the command it names (a module pulls in the
 * database, the Heroku client or the emulator; loading all of them would
 * cost every command a second of start-up); help, a mistyped command and
 * anything else load them all. `test/cli/main.test.ts` holds the names to
 * what each module registers.
 */
export const COMMAND_MODULES: { commands: string[]; load: () => Promise<Register> }[] = [
  {
    commands: ['connect', 'disconnect', 'status', 'tokens', 'vault', 'apps'],
    load: async () => {
      const m = await import('./commands/connections.js');
      return (p, d) => m.registerConnections(p, d.output, d.setExitCode);
    },
  },
  {
    commands: ['sync'],
    load: async () => {
      const m = await import('./commands/sync.js');
      return (p, d) => m.registerSync(p, d.output, d.setExitCode);
    },
  },
  {
    commands: ['datasets', 'export', 'sql', 'changes', 'runs', 'freshness'],
    load: async () => {
      const m = await import('./commands/datasets.js');
      return (p, d) => m.registerDatasets(p, d.output, d.setExitCode);
    },
  },
  {
    commands: ['checks', 'evaluate', 'findings', 'report'],
    load: async () => {
      const m = await import('./commands/compliance.js');
      return (p, d) => m.registerCompliance(p, d.output, d.setExitCode);
    },
  },
  {
    commands: ['events'],
    load: async () => {
      const m = await import('./commands/events.js');
      return (p, d) => m.registerEvents(p, d.output);
    },
  },
  {
    commands: ['evidence'],
    load: async () => {
      const m = await import('./commands/evidence.js');
      return (p, d) => m.registerEvidence(p, d.output, d.setExitCode);
    },
  },
  {
    commands: ['vulns'],
    load: async () => {
      const m = await import('./commands/vulns.js');
      return (p, d) => m.registerVulns(p, d.output, d.setExitCode);
    },
  },
  {
    commands: ['vex'],
    load: async () => {
      const m = await import('./commands/vex.js');
      return (p, d) => m.registerVex(p, d.output);
    },
  },
  {
    commands: ['sbom'],
    load: async () => {
      const m = await import('./commands/sbom.js');
      return (p, d) => m.registerSbom(p, d.output);
    },
  },
  {
    commands: ['mcp', 'access-tokens', 'agent-calls'],
    load: async () => {
      const m = await import('./commands/mcp.js');
      return (p, d) => m.registerMcp(p, d.output);
    },
  },
  {
    commands: ['users'],
    load: async () => {
      const m = await import('./commands/users.js');
      return (p, d) => m.registerUsers(p, d.output);
    },
  },
  {
    commands: ['serve'],
    load: async () => {
      const m = await import('./commands/serve.js');
      return (p, d) => m.registerServe(p, d.output);
    },
  },
  {
    commands: ['jobs', 'run', 'worker'],
    load: async () => {
      const m = await import('./commands/run.js');
      return (p, d) => m.registerRun(p, d.output, d.setExitCode);
    },
  },
  {
    commands: ['emulator'],
    load: async () => {
      const m = await import('./commands/emulator.js');
      return (p, d) => m.registerEmulator(p, d.output, untilEmulatorStopped);
    },
  },
  {
    commands: ['demo'],
    load: async () => {
      const m = await import('./commands/demo.js');
      return (p, d) => m.registerDemo(p, d.output, untilEmulatorStopped);
    },
  },
];

/**
 * The program with the commands `argv` may need: the named command's module
 * when argv names one, every module otherwise (pass no argv for all).
 */
export async function buildProgram(
  output: Output,
  setExitCode: (code: number) => void = () => {},
  writeErr: (text: string) => void = (text) => output.err(text.trimEnd()),
  argv?: string[],
): Promise<Command> {
  const program = new Command()
    .name('herowatch')
    .description('Inventory, compliance and security monitoring for Heroku accounts')
    .version(VERSION)
    // A command's options go before its subcommand's: `findings suppress 42 --json` is the subcommand's --json.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text.trimEnd()), writeErr });
  const named = argv?.slice(2).find((arg) => !arg.startsWith('-'));
  const only = named === undefined ? undefined : COMMAND_MODULES.find((m) => m.commands.includes(named));
  const wanted =
    argv !== undefined && only
      ? [only]
      : argv !== undefined && named === undefined && argv.slice(2).some((a) => a === '-V' || a === '--version')
        ? []
        : COMMAND_MODULES;
  const registers = await Promise.all(wanted.map((m) => m.load()));
  for (const register of registers) register(program, { output, setExitCode });
  return program;
}

/**
 * Runs the CLI; resolves to the process exit code. An error is a line on
 * standard error, and what fixes it on the next (`fix: ...`); with
 * `--json`, it is one JSON object on standard output instead,
 * `{"error": {"code", "kind", "message", "remedy", "fix"}}`: a program
 * reading the output gets the failure in the same form as the result.
 */
export async function run(argv: string[], output: Output = processOutput()): Promise<number> {
  noticesTo((line) => output.err(line));
  let exitCode: number = EXIT.ok;
  const json = argv.includes('--json');
  let usage = '';
  const program = await buildProgram(output, (code) => (exitCode = code), json ? (text) => (usage += text) : undefined, argv);
  const fail = (error: { code: ErrorCode; kind: ErrorKind; message: string; remedy: Remedy | null }): number => {
    const fix = error.remedy ? remedyText(error.remedy) : null;
    if (json) output.json({ error: { code: error.code, kind: error.kind, message: error.message, remedy: error.remedy, fix } });
    else output.err(`herowatch: ${error.message}${fix ? `\n  fix: ${fix}` : ''}`);
    return TRANSPORT[error.kind].exit;
  };
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok;
      if (json)
        output.json({ error: { code: 'HW_USAGE', kind: 'input', message: usage.trim().replace(/^error: /, '') || error.message, remedy: null, fix: null } });
      return EXIT.usage;
    }
    if (error instanceof ScenarioError) return fail({ code: 'HW_INVALID_INPUT', kind: 'input', message: error.message, remedy: null });
    if (error instanceof HerowatchError) return fail(error);
    return fail({ code: 'HW_INTERNAL', kind: 'internal', message: (error as Error).message ?? String(error), remedy: null });
  }
}
