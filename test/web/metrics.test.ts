import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { connect } from '../../src/service/connect.js';
import { openHerowatch } from '../../src/service/herowatch.js';
import { metricsRefusal } from '../../src/service/metrics.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { silentLogger } from '../../src/log.js';
import { buildServer } from '../../src/web/server.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('health and metrics', () => {
  it('says the server is healthy, and gives Prometheus the jobs, the inventory age and the rate limit per connection', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    await connect(hw, { name: 'edge', token: T.admin, apiUrl: emulator.url, enterprise: 'edge' });
    // One scheduled inventory job, as herowatch run would run it.
    const controller = new AbortController();
    await new Scheduler({ hw, schedule: DEFAULT_SETTINGS.schedule, log: silentLogger, onEvent: (e) => e.type === 'job-done' && controller.abort() }).run(
      controller.signal,
    );

    const { app } = await buildServer(hw);
    onTestFinished(() => app.close());
    const healthz = await app.inject({ method: 'GET', url: '/healthz' });
    expect(healthz.statusCode).toBe(200);
    expect(healthz.json()).toEqual({ ok: true, database: 'reachable' });

    const metrics = await app.inject({ method: 'GET', url: '/metrics' }); // from loopback, no token configured
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const sample = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} ([0-9.e+-]+)$`, 'm').exec(metrics.body)?.[1] ?? NaN);
    expect(sample('herowatch_jobs_total{kind="inventory",status="complete"}')).toBe(1);
    expect(sample('herowatch_job_duration_seconds_total{kind="inventory",status="complete"}')).toBeGreaterThan(0);
    expect(sample('herowatch_inventory_age_seconds{connection="edge"}')).toBeGreaterThanOrEqual(0);
    expect(sample('herowatch_inventory_age_seconds{connection="edge"}')).toBeLessThan(120);
    expect(sample('herowatch_sync_rate_limit_low{connection="edge"}')).toBeGreaterThan(4000);
    expect(sample('herowatch_rate_limit_remaining{connection="edge"}')).toBeGreaterThan(4000);
    expect(metrics.body).not.toContain(T.admin);

    // With a token configured, a scrape must carry it.
    const guarded = await openHerowatch(loadConfig({ ...hw.env, HEROWATCH_METRICS_TOKEN: TOKEN }, { apiUrl: emulator.url }));
    onTestFinished(() => guarded.close());
    const { app: guardedApp } = await buildServer(guarded);
    onTestFinished(() => guardedApp.close());
    expect((await guardedApp.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await guardedApp.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
    expect((await guardedApp.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
  });

  it('serves metrics beyond loopback only with a token', () => {
    expect(metricsRefusal(undefined, '127.0.0.1', undefined)).toBeNull();
    expect(metricsRefusal(undefined, '::1', undefined)).toBeNull();
    expect(metricsRefusal(undefined, '10.1.2.3', undefined)).toMatchObject({ status: 403, message: expect.stringContaining('HEROWATCH_METRICS_TOKEN') });
    expect(metricsRefusal(TOKEN, '10.1.2.3', `Bearer ${TOKEN}`)).toBeNull();
    expect(metricsRefusal(TOKEN, '127.0.0.1', undefined)).toMatchObject({ status: 401 });
    expect(() => loadConfig({ HEROWATCH_HOME: '/tmp/x', HEROWATCH_METRICS_TOKEN: 'short' })).toThrow(/at least 16 characters/);
  });
});
