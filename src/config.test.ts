import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('keeps data in HEROWATCH_HOME, and in ~/.herowatch when it is unset or blank (never in the current folder)', () => {
    expect(loadConfig({ HEROWATCH_HOME: '/srv/herowatch' }).sqlitePath).toBe('/srv/herowatch/herowatch.db');
    for (const env of [{}, { HEROWATCH_HOME: '' }, { HEROWATCH_HOME: '  ' }]) {
      expect(loadConfig(env, { apiUrl: 'http://127.0.0.1:1' }).home).toBe(join(homedir(), '.herowatch'));
    }
  });

  it('reads HEROKU_HOST as the Heroku CLI does, and refuses a DATABASE_URL that is not PostgreSQL', () => {
    const env = { HEROWATCH_HOME: '/srv/herowatch' };
    expect(loadConfig(env).apiUrl).toBe('https://api.heroku.com');
    expect(loadConfig({ ...env, HEROKU_HOST: 'http://127.0.0.1:5055' }).apiUrl).toBe('http://127.0.0.1:5055');
    expect(() => loadConfig({ ...env, DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, DATABASE_URL: 'mysql://x' })).toThrow(/PostgreSQL URL/);
  });
});
