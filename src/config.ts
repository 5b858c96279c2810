import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from './errors.js';
import { apiUrlFromHost } from './heroku/api-url.js';
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
  sqlitePath: string;
  /** HEROKU_API_KEY, as the Heroku CLI reads it. */
  herokuApiKey: string | undefined;
  /** From HEROKU_HOST, as the Heroku CLI reads it. */
  apiUrl: string;
  /** From the settings file (settings.ts): check thresholds, schedule, notifications. */
  settings: Settings;
}

/** A setting (environment variable or flag) that cannot be used. */
export class ConfigError extends InputError {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { apiUrl?: string; home?: string } = {}): HerowatchConfig {
  const home = resolve(overrides.home ?? (env.HEROWATCH_HOME?.trim() || undefined) ?? join(homedir(), '.herowatch'));
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database); unset it to use the embedded SQLite database.');
  }
  const apiUrl = overrides.apiUrl ?? apiUrlFromHost(env.HEROKU_HOST);
  if (!/^https?:\/\/[^/]+/.test(apiUrl)) throw new ConfigError(`The Heroku API URL "${apiUrl}" is not an http(s) URL; check --api-url or HEROKU_HOST.`);
  return {
    home,
    databaseUrl,
    sqlitePath: join(home, 'herowatch.db'),
    herokuApiKey: env.HEROKU_API_KEY?.trim() || undefined,
    apiUrl,
    settings: loadSettings(home, env),
  };
}
