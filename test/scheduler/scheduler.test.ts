import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createHmac } from 'node:crypto';
import { sendWebhook, webhookBody, webhookSecret, webhookSignature } from '../../src/notify/webhook.js';
import { Scheduler, type SchedulerEvent } from '../../src/scheduler/scheduler.js';
import { connect, disconnect } from '../../src/service/connect.js';
import { schedulerJobs } from '../../src/service/jobs.js';
import { herowatch } from '../support/cli.js';
import { syncConnection } from '../../src/service/sync.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5, retries: 1 } };

/** A scheduler on a fake clock: waiting moves the clock, so days pass in milliseconds. */
function fakeScheduler(
  hw: TestHerowatch,
  options: {
    start: number;
    random?: () => number;
    jitter?: number;
    stopAfterJobs: number;
    webhook?: { url: string; format: 'json' | 'slack' };
    webhookSecret?: string;
  },
) {
  let clock = options.start;
  const events: SchedulerEvent[] = [];
  const controller = new AbortController();
  const scheduler = new Scheduler({
    hw,
    // A daily inventory, so that the six-hourly audit-only runs fall between.
    schedule: { ...DEFAULT_SETTINGS.schedule, inventory_every: 24 * HOUR, jitter: options.jitter ?? 0 },
    webhook: options.webhook ? { ...options.webhook, events: ['opened', 'reopened', 'resolved'], retries: 3 } : undefined,
    webhookSecret: options.webhookSecret,
    log: silentLogger,
    now: () => new Date(clock),
    sleep: async (ms) => void (clock += ms),
    random: options.random,
    client: fast,
    webhookDelayMs: 1,
    onEvent: (event) => {
      events.push(event);
      if (events.filter((e) => e.type === 'job-done').length >= options.stopAfterJobs) controller.abort();
    },
  });
  const jobs = () =>
    events
      .filter((e): e is Extract<SchedulerEvent, { type: 'job-done' }> => e.type === 'job-done')
      .map((e) => `${e.kind}@${(Date.parse(e.at) - options.start) / HOUR}h:${e.status}`);
  return { scheduler, events, controller, jobs, advance: (ms: number) => (clock += ms) };
}

async function connected(dialect: 'sqlite' | 'postgres') {
  const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
  const hw = await openTestHerowatch(dialect, emulator.url);
  await connect(hw, { name: 'edge', token: T.admin, apiUrl: emulator.url, enterprise: 'edge' });
  return { emulator, hw };
}

describe.each(DIALECTS)('the scheduler on %s', (dialect) => {
  it('catches up after downtime, then keeps the inventory daily and the audit trail six-hourly, one job at a time', async () => {
    const { hw } = await connected(dialect);
    // The last sync was 30 hours before the scheduler starts.
    const last = NOW - 30 * HOUR;
    expect((await syncConnection(hw, { connection: 'edge', client: fast, now: new Date(last), sync: { now: () => new Date(last) } })).status).toBe('complete');
    const { scheduler, controller, jobs, events } = fakeScheduler(hw, { start: NOW, stopAfterJobs: 6 });
    await scheduler.run(controller.signal);
    expect(jobs()).toEqual([
      'inventory@0h:complete',
      'audit@6h:complete',
      'audit@12h:complete',
      'audit@18h:complete',
      'inventory@24h:complete',
      'audit@30h:complete',
    ]);
    // Never two at once: each job ends before the next starts.
    const sequence = events.filter((e) => e.type === 'job-start' || e.type === 'job-done').map((e) => e.type);
    expect(sequence).toEqual(Array.from({ length: 6 }, () => ['job-start', 'job-done']).flat());
    const runs = await hw.store.db.selectFrom('hw_sync_runs').select(['kind', 'status']).orderBy('id').execute();
    expect(runs.map((r) => `${r.kind}:${r.status}`)).toEqual([
      'inventory:complete',
      'inventory:complete',
      'audit:complete',
      'audit:complete',
      'audit:complete',
      'inventory:complete',
      'audit:complete',
    ]);
    const logged = (await schedulerJobs(hw, 100)).reverse();
    expect(logged.map((j) => `${j.kind}:${j.status}`)).toEqual(jobs().map((j) => j.replace(/@\d+h/, '')));
    expect(new Set(logged.map((j) => j.connection))).toEqual(new Set(['edge']));
    const cli = await herowatch(hw.env, ['jobs', '--json', '--limit', '2']);
    expect(JSON.parse(cli.stdout)).toEqual(logged.slice(-2).reverse());
    expect((await herowatch(hw.env, ['jobs', '--limit', '0'])).stderr).toContain('Use a whole number from 1 to 10000');
  }, 120_000);

  it('moves each wait by the jitter, within its bounds, and retries a failed run after a quarter of the interval', async () => {
    const { emulator, hw } = await connected(dialect);
    const high = fakeScheduler(hw, { start: NOW, jitter: 0.1, random: () => 1, stopAfterJobs: 1 });
    await high.scheduler.run(high.controller.signal);
    const plan = await high.scheduler.plan();
    expect(plan.map((p) => `${p.kind}:${(p.due - NOW) / HOUR}`)).toEqual(['inventory:26.4', 'audit:6.6']);
    const low = fakeScheduler(hw, { start: NOW, jitter: 0.1, random: () => 0, stopAfterJobs: 1 });
    expect((await low.scheduler.plan()).map((p) => `${p.kind}:${((p.due - NOW) / HOUR).toFixed(1)}`)).toEqual(['inventory:21.6', 'audit:5.4']);
    // Without a drawing function, the jitter is drawn from the connection, the kind and the last run: every process (each
    // `run --once` from cron) sees the same due times, within the bounds.
    const dues = async () => (await fakeScheduler(hw, { start: NOW, jitter: 0.1, stopAfterJobs: 1 }).scheduler.plan()).map((p) => p.due - NOW);
    const first = await dues();
    expect(await dues()).toEqual(first);
    expect(first[0]).toBeGreaterThanOrEqual(21.6 * HOUR);
    expect(first[0]).toBeLessThanOrEqual(26.4 * HOUR);
    expect(first[0]).not.toBe(24 * HOUR);

    // The token stops working: the run fails, and is tried again six hours later rather than a day.
    const broken = edgeScenario();
    broken.accounts![0]!.tokens = broken.accounts![0]!.tokens!.filter((t) => t.token !== T.admin);
    await emulator.setScenario(broken);
    const retry = fakeScheduler(hw, { start: NOW + 25 * HOUR, stopAfterJobs: 1 });
    expect(await retry.scheduler.run(retry.controller.signal)).toMatchObject({ jobs: 1, failed: 1 });
    expect(retry.jobs()).toEqual(['inventory@0h:failed']);
    expect((await retry.scheduler.plan()).find((p) => p.kind === 'inventory')!.due - (NOW + 25 * HOUR)).toBe(6 * HOUR);
  }, 120_000);

  it('schedules nothing for a disconnected connection', async () => {
    const { hw } = await connected(dialect);
    await disconnect(hw, 'edge');
    const { scheduler, controller, jobs } = fakeScheduler(hw, { start: NOW, stopAfterJobs: 1 });
    expect(await scheduler.plan()).toEqual([]);
    expect(await scheduler.run(controller.signal, { once: true })).toEqual({ jobs: 0, failed: 0, next: null });
    expect(jobs()).toEqual([]);
  });

  it('sends new and resolved findings to the webhook, signed, retrying through failures', async () => {
    const bodies: unknown[] = [];
    const signatures: boolean[] = [];
    let calls = 0;
    const server = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        calls++;
        // What a receiver does: recompute the HMAC of "timestamp.body" with the shared secret.
        const expected = `v1=${createHmac('sha256', 'shared-secret')
          .update(`${String(request.headers['herowatch-timestamp'])}.${text}`)
          .digest('hex')}`;
        signatures.push(request.headers['herowatch-signature'] === expected);
        if (calls <= 2) return void response.writeHead(503).end('try later');
        bodies.push(JSON.parse(text));
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { hw } = await connected(dialect);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret-path`;
    const { scheduler, controller, events } = fakeScheduler(hw, {
      start: NOW,
      stopAfterJobs: 1,
      webhook: { url, format: 'json' },
      webhookSecret: 'shared-secret',
    });
    await scheduler.run(controller.signal);
    expect(events.find((e) => e.type === 'notified')).toMatchObject({ delivered: true, attempts: 3, error: null });
    expect(signatures).toEqual([true, true, true]);
    const [body] = bodies as { type: string; connection: string; changes: { event: string; check_id: string; resource_key: string }[] }[];
    expect(body).toMatchObject({ type: 'herowatch.findings.changed', connection: 'edge' });
    expect(body!.changes.map((c) => `${c.event} ${c.check_id} ${c.resource_key}`)).toContain(
      'opened team_member_2fa_enabled team/edge-core/member@edge.example',
    );
  }, 60_000);

  it('delivers what a job that died before notifying left pending, once, with a delivery id', async () => {
    const received: { delivery: string | undefined; changes: { event: string; check_id: string }[] }[] = [];
    const server = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push({
          delivery: request.headers['herowatch-delivery'] as string | undefined,
          changes: (JSON.parse(text) as { changes: { event: string; check_id: string }[] }).changes,
        });
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { hw } = await connected(dialect);
    // A scheduled job synced and evaluated, then its process died before the webhook: its changes wait in the outbox.
    const died = await syncConnection(hw, {
      connection: 'edge',
      client: fast,
      now: new Date(NOW - 2 * HOUR),
      notify: true,
      sync: { now: () => new Date(NOW - 2 * HOUR) },
    });
    expect(died.compliance!.changes.length).toBeGreaterThan(0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    // The next job (on any process) delivers them, then its own (it has none: nothing changed since).
    const first = fakeScheduler(hw, { start: NOW, stopAfterJobs: 1, webhook: { url, format: 'json' } });
    await first.scheduler.run(first.controller.signal);
    expect(received).toHaveLength(1);
    expect(received[0]!.delivery).toBe(`evaluation-${died.compliance!.evaluationId}`);
    expect(received[0]!.changes.map((c) => `${c.event} ${c.check_id}`).sort()).toEqual(died.compliance!.changes.map((c) => `${c.event} ${c.checkId}`).sort());
    // And never again.
    const second = fakeScheduler(hw, { start: NOW + 2 * HOUR, stopAfterJobs: 1, webhook: { url, format: 'json' } });
    await second.scheduler.run(second.controller.signal);
    expect(received).toHaveLength(1);
    const outbox = await hw.store.db.selectFrom('hw_evaluations').select(['notify']).orderBy('id').execute();
    expect(outbox.map((e) => e.notify)).toEqual(['sent', 'sent', 'sent']);
  }, 60_000);

  it('stops cleanly when told to: the run in progress is interrupted and the last inventory stays', async () => {
    const { emulator, hw } = await connected(dialect);
    expect(
      (await syncConnection(hw, { connection: 'edge', client: fast, now: new Date(NOW - 30 * HOUR), sync: { now: () => new Date(NOW - 30 * HOUR) } })).status,
    ).toBe('complete');
    const before = (await sql<{ n: number | string }>`SELECT count(*) AS n FROM apps`.execute(hw.store.db)).rows[0]!.n;
    emulator.setFaults({ rules: [{ latencyMs: 50 }] });
    const controller = new AbortController();
    const events: SchedulerEvent[] = [];
    const scheduler = new Scheduler({
      hw,
      schedule: DEFAULT_SETTINGS.schedule,
      log: silentLogger,
      client: fast,
      now: () => new Date(NOW),
      onEvent: (e) => events.push(e),
    });
    const running = scheduler.run(controller.signal);
    while (!events.some((e) => e.type === 'job-start') || emulator.requests().length < 10) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await running;
    emulator.setFaults(undefined);
    expect(events.find((e) => e.type === 'job-done')).toMatchObject({ kind: 'inventory', status: 'interrupted' });
    const runs = await hw.store.db.selectFrom('hw_sync_runs').select('status').orderBy('id').execute();
    expect(runs.map((r) => r.status)).toEqual(['complete', 'interrupted']);
    expect((await sql<{ n: number | string }>`SELECT count(*) AS n FROM apps`.execute(hw.store.db)).rows[0]!.n).toEqual(before);
  }, 60_000);
});

describe('webhook bodies', () => {
  it('come as herowatch JSON or as a Slack message', () => {
    const notice = {
      connection: 'acme',
      evaluatedAt: '2026-11-20T12:00:00.000Z',
      changes: [
        {
          event: 'opened' as const,
          findingId: 1,
          checkId: 'team_member_2fa_enabled',
          severity: 'high',
          resourceKey: 'team/web/a@x',
          resourceName: 'a@x in web',
          message: 'a@x has 2FA off',
        },
        {
          event: 'resolved' as const,
          findingId: 2,
          checkId: 'app_stack_supported',
          severity: 'high',
          resourceKey: 'app/old',
          resourceName: 'old',
          message: 'old runs on heroku-24',
        },
      ],
    };
    expect(webhookBody('json', notice)).toMatchObject({
      type: 'herowatch.findings.changed',
      connection: 'acme',
      changes: [
        { event: 'opened', finding_id: 1 },
        { event: 'resolved', finding_id: 2 },
      ],
    });
    const slack = webhookBody('slack', notice) as { text: string; blocks: { text: { text: string } }[] };
    expect(slack.text).toBe('herowatch: acme: 1 new or reopened finding, 1 resolved');
    expect(slack.blocks.map((b) => b.text.text)).toEqual([
      slack.text,
      '*New* (high) `team_member_2fa_enabled` a@x in web: a@x has 2FA off',
      '*Resolved* (high) `app_stack_supported` old: old runs on heroku-24',
    ]);
    // Vulnerabilities of monitored apps go with the findings of the same job.
    const vulnerabilities = [
      {
        event: 'opened' as const,
        app: 'shop',
        id: 'CVE-2022-24999',
        ecosystem: 'npm' as const,
        package: 'qs',
        version: '6.5.2',
        severity: 'high' as const,
        fixed: '6.5.3',
      },
    ];
    expect(webhookBody('json', { ...notice, vulnerabilities })).toMatchObject({
      vulnerability_changes: [{ event: 'opened', app: 'shop', id: 'CVE-2022-24999', fixed: '6.5.3' }],
    });
    const both = webhookBody('slack', { ...notice, vulnerabilities }) as { text: string; blocks: { text: { text: string } }[] };
    expect(both.text).toBe('herowatch: acme: 1 new or reopened finding, 1 resolved; 1 new or reopened vulnerability, 0 resolved');
    expect(both.blocks.at(-1)!.text.text).toBe('*New* (high) `CVE-2022-24999` qs 6.5.2 in shop: fixed in 6.5.3');
  });

  it('are signed with the secret the settings name, which must be set', () => {
    const settings = { url: 'https://hooks.example/x', format: 'json' as const, events: ['opened' as const], retries: 1, secret_env: 'HOOK_SECRET' };
    expect(webhookSecret(settings, { HOOK_SECRET: 's3' })).toBe('s3');
    expect(webhookSecret({ ...settings, secret_env: undefined }, {})).toBeNull();
    expect(() => webhookSecret(settings, {})).toThrow('notifications.webhook.secret_env names HOOK_SECRET, which is not set');
    expect(webhookSignature('s3', 1700000000, '{"a":1}')).toBe(`v1=${createHmac('sha256', 's3').update('1700000000.{"a":1}').digest('hex')}`);
    expect(webhookSignature('s3', 1700000000, '{"a":2}')).not.toBe(webhookSignature('s3', 1700000000, '{"a":1}'));
  });

  it('are not sent on where a redirect points', async () => {
    const hits: string[] = [];
    const target = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const redirector = createServer((_, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/stolen` });
      response.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void (target.close(), redirector.close()));
    const settings = {
      url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`,
      format: 'json' as const,
      events: ['opened' as const],
      retries: 2,
    };
    const delivery = await sendWebhook(
      settings,
      { connection: 'acme', evaluatedAt: '2026-11-20T00:00:00Z', changes: [] },
      { secret: 's3', sleep: async () => {} },
    );
    expect(delivery).toMatchObject({ delivered: false, attempts: 1, status: 307 });
    expect(hits).toEqual([]);
  });
});
