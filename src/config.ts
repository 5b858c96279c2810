import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { OSV_EXPORT_URL } from './osv/export.js';
import { EPSS_URL, KEV_URL } from './osv/feeds.js';
import { InputError, type ErrorOptions } from './errors.js';
import { apiUrlFromHost, apiUrlProblem } from './heroku/api-url.js';
import { loadSettings, type Settings } from './settings.js';

/**
 * herowatch's settings, read once at the edge from the environment (with the
 * names the Heroku ecosystem uses) and command-line overrides.
 */
export interface HerowatchConfig {
  /** Where herowatch keeps its data: HEROWATCH_HOME, default ~/.herowatch. */
  home: string;
  /** PostgreSQL from DATABASE_URL; otherwise SQLite in `home`. */
  databaseUrl: string | undefined;
  /** The PostgreSQL schema of the job queue (HEROWATCH_QUEUE_SCHEMA, default herowatch_queue). */
  queueSchema: string;
  /** Where `serve` listens when no --port is given: PORT, as platforms set it (Heroku's web dynos). */
  port: number | undefined;
  /** Host names clients use, for `serve` beyond loopback (HEROWATCH_ALLOWED_HOSTS, comma-separated), as --allowed-host. */
  allowedHosts: string[] | undefined;
  /** The proxies in front of `serve` whose X-Forwarded-For is believed (HEROWATCH_TRUSTED_PROXIES: addresses or CIDR ranges, comma-separated; or loopback). None by default. */
  trustedProxies: string[] | undefined;
  /** The bearer token /metrics asks for (HEROWATCH_METRICS_TOKEN); without one, metrics are served to loopback only. */
  metricsToken: string | undefined;
  sqlitePath: string;
  /** HEROKU_API_KEY, as the Heroku CLI reads it, with the API it was given for (HEROKU_HOST's): it is sent nowhere else. */
  herokuApiKey: { token: string; apiUrl: string } | undefined;
  /** From HEROKU_HOST, as the Heroku CLI reads it, or --api-url. */
  apiUrl: string;
  /** Origins besides Heroku's and loopback that tokens may be sent to (HEROWATCH_ALLOW_API_ORIGIN, comma-separated). */
  allowedApiOrigins: string[];
  /** Keys given in the environment (each has a file in `home` as its alternative): the credentials' master key, the evidence signing key. */
  keys: KeyEnvironment;
  /** HEROWATCH_RUN_LEASE_SECONDS: how long a sync run holds its lease between heartbeats (default 60); a run that stops renewing it is taken for dead after this. */
  runLeaseMs: number;
  /** HEROWATCH_JOB_LIMITS, e.g. `all=8,inventory=6,audit=4`: jobs running at once across every worker, in all and per kind (none by default: each worker's --concurrency and one job per rate-limit pool bound them). */
  jobLimits: JobLimits;
  /** HEROWATCH_LOG_LEVEL: how much the logger writes (default error: what commands print says the rest). */
  logLevel: string;
  /** HEROWATCH_OSV_URL: the OSV export advisories are downloaded from (default: OSV's public bucket); a mirror, or a loopback server in tests. */
  osvUrl: string;
  /** HEROWATCH_KEV_URL, HEROWATCH_EPSS_URL: where CISA's KEV catalog and FIRST's EPSS scores are downloaded from (default: their publishers); a mirror, or a loopback server in tests. */
  kevUrl: string;
  epssUrl: string;
  /** From the settings file (settings.ts): check thresholds, schedule, notifications. */
  settings: Settings;
}

/** Jobs running at once across every worker, in all and per kind of job. */
export interface JobLimits {
  all?: number;
  inventory?: number;
  audit?: number;
}

/** The keys herowatch takes from the environment, under their variables' names. */
export interface KeyEnvironment {
  HEROWATCH_MASTER_KEY?: string;
  HEROWATCH_EVIDENCE_KEY?: string;
}

/** A setting (environment variable or flag) that cannot be used. */
export class ConfigError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_CONFIG_INVALID', message, options);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { apiUrl?: string; home?: string } = {}): HerowatchConfig {
  const home = resolve(overrides.home ?? (env.HEROWATCH_HOME?.trim() || undefined) ?? join(homedir(), '.herowatch'));
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database); unset it to use the embedded SQLite database.');
  }
  const allowedApiOrigins = (env.HEROWATCH_ALLOW_API_ORIGIN ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  const envApiUrl = apiUrlFromHost(env.HEROKU_HOST);
  const apiUrl = overrides.apiUrl?.replace(/\/+$/, '') ?? envApiUrl;
  const problem = apiUrlProblem(apiUrl, allowedApiOrigins);
  if (problem) throw new ConfigError(`The Heroku API URL from ${overrides.apiUrl ? '--api-url' : 'HEROKU_HOST'}: ${problem}.`);
  const herokuApiKey = env.HEROKU_API_KEY?.trim() || undefined;
  const queueSchema = env.HEROWATCH_QUEUE_SCHEMA?.trim() || 'herowatch_queue';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(queueSchema))
    throw new ConfigError(
      `HEROWATCH_QUEUE_SCHEMA must be a PostgreSQL schema name of lower-case letters, digits and underscores (not "${queueSchema.slice(0, 80)}").`,
    );
  const metricsToken = env.HEROWATCH_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16)
    throw new ConfigError('HEROWATCH_METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24).');
  const port = env.PORT?.trim() ? Number(env.PORT.trim()) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535))
    throw new ConfigError(`PORT must be a port number (0 to 65535), not "${env.PORT!.trim().slice(0, 40)}".`);
  const allowedHosts = env.HEROWATCH_ALLOWED_HOSTS?.split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const trustedProxies = env.HEROWATCH_TRUSTED_PROXIES?.split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const notAProxy = trustedProxies?.find((p) => !/^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(p));
  if (notAProxy !== undefined)
    throw new ConfigError(`HEROWATCH_TRUSTED_PROXIES takes IP addresses or CIDR ranges (10.0.0.0/8), or loopback; "${notAProxy.slice(0, 60)}" is not one.`);
  return {
    home,
    databaseUrl,
    queueSchema,
    port,
    allowedHosts: allowedHosts && allowedHosts.length > 0 ? allowedHosts : undefined,
    trustedProxies: trustedProxies && trustedProxies.length > 0 ? trustedProxies : undefined,
    metricsToken,
    sqlitePath: join(home, 'herowatch.db'),
    herokuApiKey: herokuApiKey ? { token: herokuApiKey, apiUrl: envApiUrl } : undefined,
    apiUrl,
    allowedApiOrigins,
    keys: { HEROWATCH_MASTER_KEY: env.HEROWATCH_MASTER_KEY, HEROWATCH_EVIDENCE_KEY: env.HEROWATCH_EVIDENCE_KEY },
    runLeaseMs: leaseSeconds(env.HEROWATCH_RUN_LEASE_SECONDS) * 1000,
    jobLimits: jobLimits(env.HEROWATCH_JOB_LIMITS),
    logLevel: env.HEROWATCH_LOG_LEVEL?.trim() || 'error',
    osvUrl: feedUrl('HEROWATCH_OSV_URL', 'an OSV export', OSV_EXPORT_URL, env.HEROWATCH_OSV_URL),
    kevUrl: feedUrl('HEROWATCH_KEV_URL', "CISA's KEV catalog", KEV_URL, env.HEROWATCH_KEV_URL),
    epssUrl: feedUrl('HEROWATCH_EPSS_URL', 'the EPSS scores', EPSS_URL, env.HEROWATCH_EPSS_URL),
    settings: loadSettings(home, env),
  };
}

/** The URL a feed is downloaded from: https, or http on loopback only (what it says decides what is reported). */
function feedUrl(variable: string, what: string, fallback: string, value: string | undefined): string {
  const given = value?.trim();
  if (!given) return fallback;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ConfigError(`${variable} must be the URL of ${what} (such as ${fallback}), not ${JSON.stringify(given)}.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname))) {
    throw new ConfigError(
      `${variable} must be https (or http on loopback): it decides what is reported vulnerable, so it is not read over an unencrypted network. Got ${url.origin}.`,
    );
  }
  return given.replace(/\/+$/, '');
}

function leaseSeconds(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 60;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600)
    throw new ConfigError(`HEROWATCH_RUN_LEASE_SECONDS must be a whole number of seconds from 1 to 3600, not ${JSON.stringify(value)}.`);
  return seconds;
}

function jobLimits(value: string | undefined): JobLimits {
  const limits: JobLimits = {};
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, count] = part.split('=').map((p) => p.trim());
    const n = Number(count);
    if ((key !== 'all' && key !== 'inventory' && key !== 'audit') || !Number.isInteger(n) || n < 1) {
      throw new ConfigError(`HEROWATCH_JOB_LIMITS takes limits such as all=8,inventory=6,audit=4 (whole numbers from 1); "${part.slice(0, 60)}" is not one.`);
    }
    limits[key] = n;
  }
  return limits;
}
