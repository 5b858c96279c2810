import { DAY_MS } from '../../time.js';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  generateScenario,
  parseGenerateSpec,
  readScenarioFile,
  startEmulator,
  type Emulator,
  type FaultOptions,
  type RateLimitOptions,
  type Scenario,
} from '../../emulator/index.js';
import { UsageError, type Output } from '../output.js';

interface EmulatorFlags {
  scenario?: string;
  generate?: string;
  seed?: string;
  writeScenario?: string;
  serve: boolean;
  port: string;
  host: string;
  now?: string;
  shiftToNow?: boolean;
  rateLimit?: string;
  faults?: string;
  validate?: boolean;
  json?: boolean;
}

export function registerEmulator(program: Command, output: Output, running: (emulator: Emulator) => Promise<void>): void {
  program
    .command('emulator')
    .description('Serve the Heroku Platform API from a scenario, for demos, tests and benchmarks')
    .option('--scenario <file>', 'scenario file (JSON or YAML) describing the Heroku world; default: the bundled demo')
    .option('--generate <spec>', 'generate a world instead, e.g. apps=2000,teams=12,members=150,days=365')
    .option('--seed <n>', 'seed for --generate (same seed, same world)')
    .option('--write-scenario <file>', 'write the scenario being served to this file')
    .option('--no-serve', 'check (and write) the scenario, then exit without serving')
    .option('--port <n>', 'port to listen on; 0 picks a free one', '5055')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--now <time>', "fix the world's clock (ISO 8601), overriding the scenario's")
    .option('--shift-to-now', "move every timestamp so the scenario's `now` is today")
    .option('--rate-limit <spec>', 'rate limit settings, e.g. pool=4500,refill=75,scale=1,retry-after=true,count-304=false')
    .option('--faults <json|file>', 'fault injection rules (JSON, inline or in a file); see docs/emulator.md')
    .option('--validate', 'check every response against the official schema and report violations')
    .option('--json', 'print the start-up line as JSON')
    .action(async (flags: EmulatorFlags) => {
      // Every flag is checked before the (slower) scenario is loaded.
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0-65535), not ${flags.port}`);
      const now = flags.now === undefined ? undefined : new Date(flags.now);
      if (now && Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO 8601 time such as 2026-11-20T12:00:00Z, not ${flags.now}`);
      const rateLimit = flags.rateLimit ? parseRateLimit(flags.rateLimit) : undefined;
      const faults = flags.faults ? await parseFaults(flags.faults) : undefined;
      const scenario = await scenarioFrom(flags);
      if (flags.writeScenario) {
        await writeFile(flags.writeScenario, `${JSON.stringify(scenario, null, 1)}\n`);
        output.err(`Wrote the scenario to ${flags.writeScenario}`);
      }
      if (!flags.serve) {
        // Loading builds the world: the same checks as serving, without a port.
        const { loadWorld } = await import('../../emulator/index.js');
        const world = await loadWorld(scenario, { now, shiftToNow: flags.shiftToNow });
        output.out(`Scenario is valid: ${describeStats(world.stats)}`);
        return;
      }
      const emulator = await startEmulator({
        scenario,
        port,
        host: flags.host,
        now,
        shiftToNow: flags.shiftToNow,
        rateLimit,
        faults,
        validateResponses: flags.validate ?? false,
      });
      const world = emulator.world();
      const stats = world.stats;
      // The world's clock and its tokens: a fixed clock weeks behind, or a token to guess, would otherwise surprise.
      const clock = world.now();
      const behind = Math.floor((Date.now() - clock.getTime()) / DAY_MS);
      const tokens = [...world.tokens.values()].filter(
        (t) => !t.revoked && (t.expiresIn === null || Date.parse(t.createdAt) + t.expiresIn * 1000 > clock.getTime()),
      );
      if (flags.json) {
        output.json({
          url: emulator.url,
          stats,
          now: clock.toISOString(),
          tokens: tokens.map((t) => ({ token: t.token, user: t.user.email, scope: t.scope, description: t.description })),
        });
      } else {
        output.out(`Heroku Platform API emulator listening on ${emulator.url}`);
        output.out(`  serving ${describeStats(stats)}`);
        output.out(
          `  the world's clock: ${clock.toISOString()}${behind >= 1 ? ` (${behind} day${behind === 1 ? '' : 's'} ago; --shift-to-now moves the world to today)` : ''}`,
        );
        for (const token of tokens.slice(0, 5))
          output.out(`  token of ${token.user.email} (${token.scope.join(', ')}${token.description ? `, ${token.description}` : ''}): ${token.token}`);
        if (tokens.length > 5) output.out(`  ... and ${tokens.length - 5} more tokens (--json lists them)`);
        output.out(`  point Heroku clients at it: HEROKU_HOST=${emulator.url} HEROKU_API_KEY=<a token above>`);
        output.out('  stop with Ctrl-C');
      }
      await running(emulator);
      if (flags.validate) {
        for (const violation of emulator.schemaViolations()) {
          output.err(`schema violation: ${violation.method} ${violation.path} (${violation.status}): ${violation.problems.join('; ')}`);
        }
      }
    });
}

async function scenarioFrom(flags: EmulatorFlags): Promise<Scenario> {
  if (flags.scenario && flags.generate) throw new UsageError('Give either --scenario or --generate, not both.');
  if (flags.seed !== undefined && !flags.generate) throw new UsageError('--seed only applies to --generate.');
  if (flags.generate) {
    const seed = flags.seed === undefined ? undefined : Number(flags.seed);
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, not ${flags.seed}`);
    let spec;
    try {
      spec = parseGenerateSpec(flags.generate);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return generateScenario({ ...spec, ...(seed === undefined ? {} : { seed }) }).scenario;
  }
  const { demoScenarioPath } = await import('../../emulator/index.js');
  return readScenarioFile(flags.scenario ?? demoScenarioPath);
}

function describeStats(stats: Record<string, number>): string {
  return Object.entries(stats)
    .map(([key, value]) => `${value} ${key.replace(/_/g, ' ')}`)
    .join(', ');
}

const RATE_LIMIT_KEYS: Record<string, keyof RateLimitOptions> = {
  pool: 'poolSize',
  refill: 'refillPerMinute',
  scale: 'timeScale',
  'retry-after': 'retryAfter',
  'count-304': 'count304',
};

export function parseRateLimit(spec: string): Partial<RateLimitOptions> {
  const options: Partial<RateLimitOptions> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const field = RATE_LIMIT_KEYS[key ?? ''];
    if (!field || value === undefined) {
      throw new UsageError(
        `--rate-limit: "${part}" is not a setting; use ${Object.keys(RATE_LIMIT_KEYS)
          .map((k) => `${k}=...`)
          .join(', ')}`,
      );
    }
    if (field === 'retryAfter' || field === 'count304') {
      if (value !== 'true' && value !== 'false') throw new UsageError(`--rate-limit: ${key} is true or false, not ${value}`);
      options[field] = value === 'true';
    } else {
      const n = Number(value);
      if (!(n > 0)) throw new UsageError(`--rate-limit: ${key} must be a positive number, not ${value}`);
      options[field] = n;
    }
  }
  return options;
}

export async function parseFaults(value: string): Promise<FaultOptions> {
  let text = value;
  if (!value.trim().startsWith('{')) {
    try {
      text = await readFile(value, 'utf8');
    } catch {
      throw new UsageError(`--faults: ${value} is neither inline JSON nor a readable file`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--faults: not valid JSON (${(error as Error).message})`);
  }
  const result = faultOptionsSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
    throw new UsageError(`--faults: expected {"seed": N, "rules": [{"path": "/apps/**", "error": 0.1}, ...]} (${problems})`);
  }
  return result.data;
}

const probability = z.number().min(0).max(1);

/** The shape of --faults, checked at the edge so a typo never silently disables a fault. */
const faultOptionsSchema: z.ZodType<FaultOptions> = z.strictObject({
  seed: z.number().int().optional(),
  rules: z.array(
    z.strictObject({
      path: z.string().startsWith('/').optional(),
      method: z.string().optional(),
      error: probability.optional(),
      errorStatuses: z.array(z.number().int().min(500).max(599)).nonempty().optional(),
      reset: probability.optional(),
      truncate: probability.optional(),
      malformed: probability.optional(),
      latencyMs: z.union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])]).optional(),
      rateLimitBurst: z.strictObject({ probability, length: z.number().int().min(1) }).optional(),
    }),
  ),
});
