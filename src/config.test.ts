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

  it('sends tokens to Heroku over HTTPS and to loopback without asking; anything else needs HEROWATCH_ALLOW_API_ORIGIN', () => {
    const env = { HEROWATCH_HOME: '/srv/herowatch' };
    for (const fine of ['https://api.heroku.com', 'http://127.0.0.1:5055', 'http://localhost:5055', 'http://[::1]:5055', 'https://127.0.0.2']) {
      expect(loadConfig({ ...env, HEROKU_HOST: fine }).apiUrl, fine).toBe(fine);
    }
    for (const [host, message] of [
      ['http://api.heroku.com', /is not encrypted \(http\)/],
      ['https://api.heroku.com.evil.example', /is not Heroku's API/],
      ['http://10.0.0.5:5055', /HEROWATCH_ALLOW_API_ORIGIN=http:\/\/10\.0\.0\.5:5055/],
    ] as const) {
      expect(() => loadConfig({ ...env, HEROKU_HOST: host }), host).toThrow(message);
    }
    expect(() => loadConfig(env, { apiUrl: 'api.heroku.com' })).toThrow(/is not a URL; give the whole URL with its scheme/);
    expect(() => loadConfig(env, { apiUrl: 'ftp://api.heroku.com' })).toThrow(/not an http\(s\) URL/);
    expect(loadConfig({ ...env, HEROKU_HOST: 'http://10.0.0.5:5055', HEROWATCH_ALLOW_API_ORIGIN: 'http://10.0.0.5:5055' }).apiUrl).toBe('http://10.0.0.5:5055');
  });

  it('binds HEROKU_API_KEY to the API of HEROKU_HOST, whatever --api-url says', () => {
    const config = loadConfig(
      { HEROWATCH_HOME: '/srv/herowatch', HEROKU_API_KEY: ' HRKU-x ', HEROKU_HOST: 'http://127.0.0.1:5055' },
      { apiUrl: 'http://127.0.0.1:6000' },
    );
    expect(config.herokuApiKey).toEqual({ token: 'HRKU-x', apiUrl: 'http://127.0.0.1:5055' });
    expect(config.apiUrl).toBe('http://127.0.0.1:6000');
  });

  it('reads job limits from HEROWATCH_JOB_LIMITS, and names what is wrong with bad ones', () => {
    expect(loadConfig({ HEROWATCH_HOME: '/tmp/hw' }).jobLimits).toEqual({});
    expect(loadConfig({ HEROWATCH_HOME: '/tmp/hw', HEROWATCH_JOB_LIMITS: ' all=8, inventory=6 ,audit=2' }).jobLimits).toEqual({
      all: 8,
      inventory: 6,
      audit: 2,
    });
    for (const bad of ['inventory=0', 'inventory=1.5', 'scans=2', 'all', 'all=many']) {
      expect(() => loadConfig({ HEROWATCH_HOME: '/tmp/hw', HEROWATCH_JOB_LIMITS: bad })).toThrow(
        /HEROWATCH_JOB_LIMITS takes limits such as all=8,inventory=6,audit=4/,
      );
    }
  });
});
