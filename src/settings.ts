import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError, type ErrorOptions } from './errors.js';

/**
 * What people tune: check thresholds and scopes, the schedule, and where
 * notifications go. Read from `settings.yaml` (or `.json`) in herowatch's
 * home, or the file HEROWATCH_SETTINGS names; every key has a default, and
 * an unknown key is an error naming it. docs/settings.md lists them.
 */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'a duration such as 30s, 15m, 6h or 1d')
  .transform(parseDuration);

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new InputError('HW_SETTINGS_INVALID', `"${text}" is not a duration such as 30s, 15m, 6h or 1d.`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(match[1]) * unit);
}

/** Heroku stacks and the day each reached (or reaches) end of life. */
export const STACK_END_OF_LIFE: Record<string, string> = {
  'cedar-14': '2019-11-02',
  'heroku-16': '2021-05-01',
  'heroku-18': '2023-04-30',
  'heroku-20': '2025-04-30',
  'heroku-22': '2027-04-30',
  'heroku-24': '2029-04-30',
};

/** Add-on services that hold data: Postgres, Redis, Kafka and the common database and broker add-ons. */
export const DATA_STORE_SERVICES = [
  'heroku-postgresql',
  'heroku-redis',
  'heroku-kafka',
  'heroku-key-value-store',
  'jawsdb',
  'jawsdb-maria',
  'cleardb',
  'mongolab',
  'ormongo',
  'objectrocket-for-mongodb',
  'rediscloud',
  'redisgreen',
  'memcachier',
  'cloudamqp',
  'cloudkarafka',
  'bonsai',
  'searchbox',
  'foundelasticsearch',
  'graphenedb',
  'heroku-connect',
];

const complianceSchema = z
  .object({
    /** Email domains counted as the company's; default: those of team admins and enterprise members holding manage. */
    allowed_email_domains: z.array(z.string().min(1).toLowerCase()).optional(),
    /** Regions apps may run in; app_region_allowed runs only when this is set. */
    allowed_regions: z.array(z.string().min(1)).optional(),
    data_store_services: z.array(z.string().min(1)).default(DATA_STORE_SERVICES),
    stack_end_of_life: z.record(z.string(), day).default(STACK_END_OF_LIFE),
    team_max_admins: z.number().int().min(0).default(3),
    enterprise_max_managers: z.number().int().min(0).default(3),
    certificate_expiry_warning_days: z.number().int().min(0).default(30),
    stack_warning_days: z.number().int().min(0).default(180),
    token_max_age_days: z.number().int().min(1).default(90),
    audit_trail_days: z.number().int().min(1).default(7),
    /** Checks not to run at all. */
    disabled_checks: z.array(z.string()).default([]),
  })
  .strict()
  .prefault({});

const scheduleSchema = z
  .object({
    /** An inventory cycle: incremental (see `sync`) once the first full sync is done. */
    inventory_every: duration.prefault('1h'),
    audit_every: duration.prefault('6h'),
    /** Each wait is moved by up to this share either way, so many installations do not call Heroku at the same instant. */
    jitter: z.number().min(0).max(0.5).default(0.1),
  })
  .strict()
  .prefault({});

const syncSchema = z
  .object({
    /** Share of the account's hourly rate-limit refill an incremental sync spends on average. */
    budget: z.number().gt(0).max(1).default(0.2),
    /** No list is older than this: a rolling sweep re-reads the least recently verified. */
    max_staleness: duration.prefault('7d'),
    /** false: every sync reads everything, as `sync --full` does. */
    incremental: z.boolean().default(true),
    /** Heroku giving no answer (or only server errors) this long stops the run, failed, with one message. */
    unreachable_after: duration.prefault('2m'),
  })
  .strict()
  .prefault({});

const vulnerabilitiesSchema = z
  .object({
    /** A slug or lockfile scan is stopped after this long (it runs in a thread of its own; the rest of herowatch goes on). */
    scan_time_limit: duration.prefault('10m'),
    /** The heap a scan's thread may use, in megabytes: a scan that needs more is stopped, not the process. */
    scan_memory_mb: z.number().int().min(64).max(16_384).default(1024),
    /** Advisories last updated longer ago than this make a test's result unknown, not a pass. */
    advisory_max_age: duration.prefault('7d'),
  })
  .strict()
  .prefault({});

const webhookSchema = z
  .object({
    url: z.url().refine((u) => /^https?:/.test(u), 'an http(s) URL'),
    format: z.enum(['json', 'slack']).default('json'),
    /** Which changes are sent. */
    events: z.array(z.enum(['opened', 'reopened', 'resolved'])).default(['opened', 'reopened', 'resolved']),
    retries: z.number().int().min(0).max(10).default(5),
    /** The environment variable holding the secret that signs each request (Herowatch-Signature); the secret itself never sits in this file. */
    secret_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional(),
  })
  .strict();

export const settingsSchema = z
  .object({
    compliance: complianceSchema,
    schedule: scheduleSchema,
    sync: syncSchema,
    vulnerabilities: vulnerabilitiesSchema,
    notifications: z.object({ webhook: webhookSchema.optional() }).strict().prefault({}),
  })
  .strict();

export type Settings = z.output<typeof settingsSchema>;
export type ComplianceSettings = Settings['compliance'];

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** A settings file that cannot be used: the message names the file, the key and what is expected. */
export class SettingsError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_SETTINGS_INVALID', message, options);
  }
}

export function parseSettings(value: unknown, where: string): Settings {
  const parsed = settingsSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.') || '(top level)';
    const unknown = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message;
    return `${path}: ${unknown}`;
  });
  throw new SettingsError(`${where} is not valid:\n  ${problems.join('\n  ')}\nSee docs/settings.md for every key and its default.`);
}

/** The settings file in use: HEROWATCH_SETTINGS, else settings.yaml / settings.json in the home. */
export function settingsPath(home: string, env: NodeJS.ProcessEnv): string | null {
  if (env.HEROWATCH_SETTINGS?.trim()) return env.HEROWATCH_SETTINGS.trim();
  for (const name of ['settings.yaml', 'settings.yml', 'settings.json']) {
    const path = join(home, name);
    if (existsSync(path)) return path;
  }
  return null;
}

export function loadSettings(home: string, env: NodeJS.ProcessEnv): Settings {
  const path = settingsPath(home, env);
  if (!path) return structuredClone(DEFAULT_SETTINGS);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SettingsError(`Cannot read the settings file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SettingsError(`The settings file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  return parseSettings(value, `The settings file ${path}`);
}
