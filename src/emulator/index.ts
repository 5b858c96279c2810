/**
 * herowatch's Heroku Platform API emulator: serves a scenario (a described
 * Heroku world) through the Platform API v3 as Heroku would, for demos, tests
 * and benchmarks. This folder imports nothing from the rest of herowatch.
 */
import type { AddressInfo } from 'node:net';
import { demoScenarioPath } from './assets.js';
import { generateScenario, isGenerated, type GenerateOptions } from './generate/generate.js';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions, type RateLimiter } from './http/rate-limit.js';
import { FaultInjector, type FaultOptions } from './http/faults.js';
import type { LoggedRequest } from './http/request-log.js';
import { EmulatorServer } from './http/server.js';
import { readScenarioFile, validateScenario } from './scenario/load.js';
import { shiftScenario } from './scenario/shift.js';
import type { Scenario } from './scenario/types.js';
import type { SchemaViolation } from './schema/response-validator.js';
import { buildWorld } from './world/build.js';
import { EmulatorClock, LivingWorld, type LivingOptions } from './world/living.js';
import { durationMs } from './world/time.js';
import type { ChangeKind } from './world/changes.js';
import type { World } from './world/types.js';

export type { Scenario, ScenarioAccount, ScenarioToken } from './scenario/types.js';
export type { FaultOptions, FaultRule } from './http/faults.js';
export type { RateLimitOptions } from './http/rate-limit.js';
export type { LoggedRequest } from './http/request-log.js';
export type { SchemaViolation } from './schema/response-validator.js';
export type { GenerateOptions, GeneratedScenario } from './generate/generate.js';
export type { World } from './world/types.js';
export type { LivingOptions, SimulatedClient, ClientStats } from './world/living.js';
export type { AppliedChange, ChangeKind, WorldChange } from './world/changes.js';
export { CHANGE_KINDS, CHANGE_TOUCHES, RELEASE_KINDS } from './world/changes.js';
export { ScenarioError } from './scenario/scenario-error.js';
export { generateScenario, parseGenerateSpec } from './generate/generate.js';
export { readScenarioFile, validateScenario } from './scenario/load.js';
export { demoScenarioPath } from './assets.js';

/** Where the world comes from: a scenario object, a scenario file, or the generator. */
export type ScenarioSource = Scenario | { file: string } | { generate: GenerateOptions };

export interface StartEmulatorOptions {
  /** Default: the bundled demo scenario. */
  scenario?: ScenarioSource;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Fixes the world's clock, overriding the scenario's `now`. */
  now?: Date;
  /** Moves every timestamp so the scenario's `now` is today (by whole days). */
  shiftToNow?: boolean;
  rateLimit?: Partial<RateLimitOptions>;
  faults?: FaultOptions;
  /** Check every response against the official schema; see `schemaViolations()`. */
  validateResponses?: boolean;
  requestLogLimit?: number;
  /** Makes the world change as its clock runs (overriding the scenario's `changes`); `timeScale` 0 moves the clock only on request. */
  living?: LivingOptions & { timeScale?: number };
}

export interface Emulator {
  /** `http://127.0.0.1:<port>`: give it to clients as `HEROKU_HOST`. */
  url: string;
  port: number;
  world(): World;
  /** Requests served so far (after sequence number `since`). */
  requests(since?: number): LoggedRequest[];
  requestTotals(): { requests: number; cost: number };
  clearRequests(): void;
  schemaViolations(): SchemaViolation[];
  /** Serves another scenario from the next request on; an invalid one throws and changes nothing. */
  setScenario(source: ScenarioSource): Promise<void>;
  setFaults(faults: FaultOptions | undefined): void;
  rateLimiter: RateLimiter;
  /** The living world, when the world changes over time. */
  living: LivingWorld | null;
  close(): Promise<void>;
}

export async function loadWorld(source: ScenarioSource | undefined, options: Pick<StartEmulatorOptions, 'now' | 'shiftToNow'> = {}): Promise<World> {
  const { scenario, name } = await loadScenario(source, options);
  return buildWorld(scenario, { now: options.now, source: name });
}

async function loadScenario(
  source: ScenarioSource | undefined,
  options: Pick<StartEmulatorOptions, 'shiftToNow'>,
): Promise<{ scenario: Scenario; name: string }> {
  let scenario: Scenario;
  let name = 'scenario';
  if (!source) {
    scenario = await readScenarioFile(demoScenarioPath);
    name = demoScenarioPath;
  } else if ('file' in source) {
    scenario = await readScenarioFile(source.file);
    name = source.file;
  } else if ('generate' in source) {
    scenario = generateScenario(source.generate).scenario;
    name = 'generated scenario';
  } else {
    scenario = isGenerated(source) ? source : validateScenario(source);
  }
  if (options.shiftToNow) scenario = shiftScenario(scenario, new Date());
  return { scenario, name };
}

/** A living world from the scenario's `changes` and the options' (which win): its clock starts at the world's `now`. */
function livingWorld(world: World, scenario: Scenario, options: StartEmulatorOptions['living']): LivingWorld | undefined {
  const changes = scenario.changes;
  if (!changes && !options) return undefined;
  const clock = new EmulatorClock(world.now().getTime(), options?.timeScale ?? changes?.time_scale ?? 1);
  world.now = () => new Date(clock.now());
  const generated = changes?.generated;
  return new LivingWorld(world, clock, {
    scripted: options?.scripted ?? (changes?.scripted ?? []).map((c) => ({ ...c, kind: c.kind as ChangeKind })),
    rates:
      options?.rates ??
      (generated ? { appsPerDay: generated.apps_per_day, seed: generated.seed, weights: generated.weights as Partial<Record<ChangeKind, number>> } : undefined),
    clients:
      options?.clients ??
      (changes?.clients ?? []).map((c) => ({
        name: c.name,
        account: c.account,
        requestsPerHour: c.requests_per_hour,
        burstEveryMs: durationMs(c.burst_every) ?? undefined,
      })),
  });
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const { scenario, name } = await loadScenario(options.scenario, options);
  const world = buildWorld(scenario, { now: options.now, source: name });
  const living = livingWorld(world, scenario, options.living);
  const server = new EmulatorServer(world, {
    living,
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...options.rateLimit },
    faults: options.faults,
    validateResponses: options.validateResponses ?? false,
    requestLogLimit: options.requestLogLimit,
  });
  const host = options.host ?? '127.0.0.1';
  await server.app.listen({ port: options.port ?? 0, host });
  const { port } = server.app.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  server.baseUrl = url;
  return {
    url,
    port,
    world: () => server.currentWorld,
    requests: (since) => server.requestLog.list(since),
    requestTotals: () => ({ ...server.requestLog.totals }),
    clearRequests: () => server.requestLog.clear(),
    schemaViolations: () => [...server.violations],
    setScenario: async (source) => {
      if (living) throw new Error('A living world cannot be replaced: start another emulator.');
      server.setWorld(await loadWorld(source, options));
    },
    living: living ?? null,
    setFaults: (faults) => {
      server.faults = new FaultInjector(faults);
    },
    rateLimiter: server.limiter,
    close: () => server.app.close(),
  };
}
