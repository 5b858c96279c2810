import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { QueuePlanner } from '../../src/scheduler/planner.js';
import type { SchedulerEvent } from '../../src/scheduler/scheduler.js';
import { connect } from '../../src/service/connect.js';
import { openHerowatch } from '../../src/service/herowatch.js';
import { liveWorkerCount, queueView } from '../../src/service/jobs.js';
import { DEFAULT_SETTINGS } from '../../src/settings.js';
import { openJobQueue, queueSchema, workerAlive } from '../../src/store/job-queue.js';
import { Leadership } from '../../src/store/leader.js';
import { runWorker } from '../../src/worker/worker.js';
import { addUser } from '../../src/service/users.js';
import { buildServer } from '../../src/web/server.js';
import { herowatch, startHerowatch } from '../support/cli.js';
import { ADMIN, as, sessionFor, VIEWER } from '../support/dashboard.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const POSTGRES = Boolean(process.env.HEROWATCH_TEST_DATABASE_URL);
const HOUR = 3_600_000;
const schedule = { ...DEFAULT_SETTINGS.schedule, jitter: 0 };

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Two connections of the same Heroku account (one rate-limit pool) and one of another. */
async function connectedTwice(hw: TestHerowatch, apiUrl: string): Promise<void> {
  await connect(hw, { name: 'edge', token: T.admin, apiUrl, enterprise: 'edge' });
  await connect(hw, { name: 'edge-read', token: T.adminRead, apiUrl });
  await connect(hw, { name: 'outside', token: T.outsider, apiUrl });
}

const jobRows = (hw: TestHerowatch) =>
  hw.store.db
    .selectFrom('hw_jobs')
    .innerJoin('hw_connections', 'hw_connections.id', 'hw_jobs.connection_id')
    .select(['hw_connections.name as connection', 'hw_connections.account_id as account', 'kind', 'status', 'started_at', 'finished_at'])
    .orderBy('hw_jobs.id')
    .execute();

describe('worker mode on SQLite', () => {
  it('is refused with what to do instead', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('sqlite', emulator.url);
    const controller = new AbortController();
    await expect(runWorker({ hw, concurrency: 1, log: silentLogger }, controller.signal)).rejects.toThrow(
      /herowatch worker needs PostgreSQL: set DATABASE_URL .* one process does everything/,
    );
    await expect(new QueuePlanner({ hw, schedule, log: silentLogger }).run(controller.signal)).rejects.toThrow(/needs PostgreSQL/);
    const cli = await herowatch(hw.env, ['worker']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/herowatch worker needs PostgreSQL: set DATABASE_URL/);
    expect((await herowatch(hw.env, ['run', '--queue'])).stderr).toMatch(/needs PostgreSQL/);
  });
});

describe.skipIf(!POSTGRES)('the job queue on PostgreSQL', () => {
  it('plans each due job once however many planners run, and one planner leads at a time', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('postgres', emulator.url);
    await connectedTwice(hw, emulator.url);
    const queues = await Promise.all([openJobQueue(hw.store), openJobQueue(hw.store)]);
    onTestFinished(() => Promise.all(queues.map((q) => q.close())).then(() => undefined));
    const planners = [0, 1].map(() => new QueuePlanner({ hw, schedule, log: silentLogger }));
    const planned = await Promise.all([planners[0]!.plan(queues[0]!), planners[1]!.plan(queues[1]!), planners[0]!.plan(queues[0]!)]);
    expect(planned).toEqual([3, 3, 3]); // each saw three connections due...
    const { jobs } = await queueView(hw, 50);
    // ...and the queue holds each once, the two connections of one account in one queue.
    expect(jobs.map((j) => `${j.task} ${j.connection}`).sort()).toEqual(['inventory edge', 'inventory edge-read', 'inventory outside']);
    const pools = new Map(jobs.map((j) => [j.connection, j.queue]));
    expect(pools.get('edge')).toBe(pools.get('edge-read'));
    expect(pools.get('edge')).not.toBe(pools.get('outside'));

    const [first, second] = [Leadership.forStore(hw.store), Leadership.forStore(hw.store)];
    expect(await first.hold()).toBe(true);
    expect(await second.hold()).toBe(false);
    expect(await first.hold()).toBe(true);
    await first.release(); // a planner that stops (or dies: its session ends) hands the lead on
    expect(await second.hold()).toBe(true);
    await second.release();
  });

  it('runs the jobs of one account one at a time, others beside them, and never does the same work twice', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), faults: { rules: [{ latencyMs: 5 }] } });
    const hw = await openTestHerowatch('postgres', emulator.url);
    await connectedTwice(hw, emulator.url);
    const queue = await openJobQueue(hw.store);
    onTestFinished(() => queue.close());
    const planner = new QueuePlanner({ hw, schedule, log: silentLogger });
    expect(await planner.plan(queue)).toBe(3);

    const controller = new AbortController();
    const events: SchedulerEvent[] = [];
    let metricsUrl = '';
    const worker = runWorker(
      {
        hw,
        concurrency: 3,
        log: silentLogger,
        pollMs: 100,
        onEvent: (e) => events.push(e),
        metrics: { host: '127.0.0.1', port: 0, onListening: (url) => (metricsUrl = url) },
      },
      controller.signal,
    );
    onTestFinished(async () => {
      controller.abort();
      await worker;
    });
    const done = await waitFor('three jobs', async () => {
      const rows = await jobRows(hw);
      return rows.length === 3 && rows.every((r) => r.finished_at !== null) && rows;
    });
    expect(done.map((r) => `${r.connection} ${r.status}`).sort()).toEqual(['edge complete', 'edge-read complete', 'outside complete']);
    // One pool, one job at a time: the two runs on the edge account do not overlap.
    const [a, b] = done
      .filter((r) => r.account === done.find((d) => d.connection === 'edge')!.account)
      .sort((x, y) => x.started_at.localeCompare(y.started_at));
    expect(b!.started_at >= a!.finished_at!).toBe(true);
    expect((await queueView(hw, 50)).jobs).toEqual([]);
    expect((await queueView(hw, 50)).workers).toHaveLength(1);
    // The worker answers Prometheus and health checks.
    const scraped = await (await fetch(`${metricsUrl}/metrics`)).text();
    expect(scraped).toMatch(/^herowatch_workers_alive 1$/m);
    expect(scraped).toMatch(/^herowatch_jobs_total\{kind="inventory",status="complete"\} 3$/m);
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(200);
    // The dashboard's runs page shows the jobs and the queue's workers.
    await addUser(hw, { ...VIEWER, role: 'viewer' });
    const { app } = await buildServer(hw);
    onTestFinished(() => app.close());
    await app.ready();
    const runsPage = await app.inject(as(await sessionFor({ hw, app }, VIEWER), { method: 'GET', url: '/runs' }));
    expect(runsPage.statusCode).toBe(200);
    expect(runsPage.body).toContain('<h2>Queue</h2>');
    expect(runsPage.body).toMatch(/1 worker process alive: [^<]+ pid \d+/);

    // The same work queued again (a planner that had not seen the runs) is done already: nothing runs twice.
    const runsBefore = await hw.store.db
      .selectFrom('hw_sync_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const connectionId of [1, 2, 3]) await queue.enqueue({ kind: 'inventory', connectionId, after: null, pool: `again-${connectionId}` });
    await waitFor('the queue to drain', async () => (await queueView(hw, 50)).jobs.length === 0);
    const runsAfter = await hw.store.db
      .selectFrom('hw_sync_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(runsAfter.n)).toBe(Number(runsBefore.n));
    expect(events.filter((e) => e.type === 'job-done')).toHaveLength(3);
  }, 60_000);

  it('sends "sync now" from the dashboard to a worker through the queue, full when asked, within the job limits', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), faults: { rules: [{ latencyMs: 5 }] } });
    const base = await openTestHerowatch('postgres', emulator.url);
    await connectedTwice(base, emulator.url);
    // One inventory job at a time across every worker, though the worker could run three.
    const hw = await openHerowatch(loadConfig({ ...base.env, HEROWATCH_JOB_LIMITS: 'inventory=1' }, { apiUrl: emulator.url }));
    onTestFinished(() => hw.close());
    const queue = await openJobQueue(hw.store);
    onTestFinished(() => queue.close());
    expect(await new QueuePlanner({ hw, schedule, log: silentLogger }).plan(queue)).toBe(3);
    const controller = new AbortController();
    const worker = runWorker({ hw, concurrency: 3, log: silentLogger, pollMs: 100 }, controller.signal);
    onTestFinished(async () => {
      controller.abort();
      await worker;
    });
    const first = await waitFor('three jobs', async () => {
      const rows = await jobRows(base);
      return rows.length === 3 && rows.every((r) => r.finished_at !== null) && rows;
    });
    // Three pools' worth of work, one at a time: no two jobs overlap.
    const spans = first.map((r) => [r.started_at, r.finished_at!] as const).sort((a, b) => a[0].localeCompare(b[0]));
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0] >= spans[i - 1]![1]).toBe(true);
    expect(await liveWorkerCount(hw)).toBe(1);

    await addUser(hw, { ...ADMIN, role: 'admin' });
    const { app } = await buildServer(hw);
    onTestFinished(() => app.close());
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const admin = await sessionFor({ hw: base, app }, ADMIN);
    const syncNow = (connection: string, full: boolean) =>
      app.inject(
        as(admin, {
          method: 'POST',
          url: '/runs/sync',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `_csrf=${encodeURIComponent(admin.csrf)}&connection=${connection}${full ? '&full=on' : ''}`,
        }),
      );
    const asked = await syncNow('edge', true);
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/runs/live?connection=edge');
    // The live view follows the queued job to its run's end, through the database.
    const live = await fetch(`${url}/runs/events?connection=edge`, { headers: { cookie: admin.cookie } });
    const text = await live.text();
    expect(text).toMatch(/The sync is queued|Sync run \d+ was started by another herowatch process/);
    expect(text).toMatch(/event: done\ndata: .*Sync run \d+ ended: complete/);
    expect((await syncNow('outside', false)).statusCode).toBe(303);
    const runs = await waitFor('the two syncs asked for', async () => {
      const rows = await hw.store.db
        .selectFrom('hw_sync_runs')
        .innerJoin('hw_connections', 'hw_connections.id', 'hw_sync_runs.connection_id')
        .select(['hw_connections.name as connection', 'mode', 'status'])
        .orderBy('hw_sync_runs.id')
        .execute();
      return rows.length === 5 && rows.every((r) => r.status === 'complete') && rows;
    });
    // The worker ran them (the server ran nothing): full where asked, incremental otherwise.
    expect(runs.slice(3).map((r) => `${r.connection} ${r.mode}`)).toEqual(['edge full', 'outside incremental']);
    // Each was a worker's job (recorded once its checks and notices are done, just after the run).
    await waitFor('the five jobs recorded done', async () => (await jobRows(base)).filter((r) => r.status === 'complete').length === 5);
  }, 90_000);

  it('says so, with the reason, when a sync queued from the dashboard fails for good before a run of its own', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch('postgres', emulator.url);
    await connect(hw, { name: 'edge', token: T.admin, apiUrl: emulator.url });
    // A worker says it is alive but takes nothing: the job waits in the queue.
    await workerAlive(hw.store, 'idle-worker', new Date(), []);
    await addUser(hw, { ...ADMIN, role: 'admin' });
    const { app } = await buildServer(hw);
    onTestFinished(() => app.close());
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const admin = await sessionFor({ hw, app }, ADMIN);
    const asked = await app.inject(
      as(admin, {
        method: 'POST',
        url: '/runs/sync',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(admin.csrf)}&connection=edge`,
      }),
    );
    expect(asked.statusCode).toBe(303);
    const reader = (await fetch(`${url}/runs/events?connection=edge`, { headers: { cookie: admin.cookie } }))
      .body!.pipeThrough(new TextDecoderStream())
      .getReader();
    let text = '';
    await waitFor('the view to follow the queued job', async () => {
      text += (await reader.read()).value ?? '';
      return text.includes('The sync is queued');
    });
    // Every attempt fails (as a worker records it when the database fails under a job).
    await sql`UPDATE ${sql.table(`${queueSchema(hw.store)}._private_jobs`)} SET attempts = max_attempts, last_error = 'Could not reach the database (ECONNREFUSED)'`.execute(
      hw.store.db,
    );
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += chunk.value;
    expect(text).toMatch(
      /event: done\ndata: \{"type":"done","ok":false,"text":"The queued sync failed after \d+ attempts: Could not reach the database \(ECONNREFUSED\)\./,
    );
    // Opened again later, the view still says what became of it.
    const again = await (await fetch(`${url}/runs/events?connection=edge`, { headers: { cookie: admin.cookie } })).text();
    expect(again).toMatch(/"ok":false,"text":"The queued sync failed after \d+ attempts: Could not reach the database/);
  }, 60_000);

  it('hands the job of a worker killed mid-sync to another, which ends with the inventory of a clean run', async () => {
    // Slow answers, so the sync is surely in progress when the worker dies.
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), faults: { rules: [{ latencyMs: 200 }] } });
    const hw = await openTestHerowatch('postgres', emulator.url);
    await connect(hw, { name: 'edge', token: T.admin, apiUrl: emulator.url, enterprise: 'edge' });
    // Findings go to a webhook: each delivery is counted.
    const deliveries: { id: string | undefined; changes: { event: string; check_id: string; resource_key: string }[] }[] = [];
    const hook = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        deliveries.push({
          id: request.headers['herowatch-delivery'] as string | undefined,
          changes: (JSON.parse(text) as { changes: { event: string; check_id: string; resource_key: string }[] }).changes,
        });
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => hook.close(() => resolve())));
    await writeFile(
      join(hw.home, 'settings.yaml'),
      `notifications:\n  webhook:\n    url: http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook\n    retries: 1\n`,
    );
    const env = { ...hw.env, HEROWATCH_RUN_LEASE_SECONDS: '3' };
    const short = await openHerowatch(loadConfig(env, { apiUrl: emulator.url }));
    onTestFinished(() => short.close());
    const queue = await openJobQueue(short.store);
    onTestFinished(() => queue.close());
    const planner = new QueuePlanner({ hw: short, schedule, log: silentLogger });
    expect(await planner.plan(queue)).toBe(1);

    const doomed = startHerowatch(env, ['worker', '--concurrency', '1']);
    await waitFor(
      'the sync to start',
      async () => (await short.store.db.selectFrom('hw_sync_runs').select('id').where('status', '=', 'running').executeTakeFirst()) !== undefined,
      30_000,
    );
    doomed.child.kill('SIGKILL');
    await doomed.done;

    // The planner sees the worker stop answering once the lease has passed, and hands its job back.
    const lost = await waitFor(
      'the dead worker to be noticed',
      async () => {
        const events: string[] = [];
        const look = new QueuePlanner({
          hw: short,
          schedule: { ...schedule, inventory_every: 24 * HOUR },
          log: silentLogger,
          onEvent: (e) => events.push(e.type),
        });
        await look.plan(queue);
        return events.includes('workers-lost') && events;
      },
      30_000,
    );
    expect(lost).toContain('workers-lost');
    const controller = new AbortController();
    const worker = runWorker(
      { hw: short, concurrency: 1, log: silentLogger, pollMs: 100, webhook: short.config.settings.notifications.webhook },
      controller.signal,
    );
    onTestFinished(async () => {
      controller.abort();
      await worker;
    });
    const runs = await waitFor(
      'the job to be done by the other worker',
      async () => {
        const rows = await short.store.db.selectFrom('hw_sync_runs').select(['id', 'status']).orderBy('id').execute();
        return rows.some((r) => r.status === 'complete') && rows;
      },
      60_000,
    );
    // The killed run was marked interrupted (what it wrote was discarded); the other worker's run completed.
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'complete']);
    await waitFor('the job to leave the queue', async () => (await queueView(short, 50)).jobs.length === 0);
    // The webhook got the findings once: one delivery, naming every finding the run opened.
    const opened = (
      await sql<{ v: string }>`SELECT check_id || ' ' || resource_key AS v FROM hw_findings WHERE status = 'open' ORDER BY 1`.execute(short.store.db)
    ).rows.map((r) => r.v);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.id).toMatch(/^evaluation-\d+$/);
    expect(deliveries[0]!.changes.map((c) => `${c.check_id} ${c.resource_key}`).sort()).toEqual(opened);

    // Nothing lost, nothing twice: the same as one clean sync of the same world.
    const clean = await openTestHerowatch('postgres', emulator.url);
    await connect(clean, { name: 'edge', token: T.admin, apiUrl: emulator.url, enterprise: 'edge' });
    const cleanQueue = await openJobQueue(clean.store);
    onTestFinished(() => cleanQueue.close());
    await new QueuePlanner({ hw: clean, schedule, log: silentLogger }).plan(cleanQueue);
    const cleanController = new AbortController();
    const cleanWorker = runWorker({ hw: clean, concurrency: 1, log: silentLogger, pollMs: 100 }, cleanController.signal);
    await waitFor(
      'the clean run',
      async () => (await clean.store.db.selectFrom('hw_sync_runs').select('id').where('status', '=', 'complete').executeTakeFirst()) !== undefined,
      60_000,
    );
    cleanController.abort();
    await cleanWorker;
    const snapshot = async (h: TestHerowatch | typeof short) => ({
      records: (
        await sql<{
          v: string;
        }>`SELECT resource || ' ' || key || ' ' || hash AS v FROM hw_records WHERE valid_to IS NULL AND resource <> 'rate_limits' ORDER BY 1`.execute(
          h.store.db,
        )
      ).rows.map((r) => r.v),
      findings: (
        await sql<{ v: string }>`SELECT check_id || ' ' || resource_key || ' ' || status AS v FROM hw_findings ORDER BY 1`.execute(h.store.db)
      ).rows.map((r) => r.v),
    });
    const [afterKill, afterClean] = [await snapshot(short), await snapshot(clean)];
    expect(afterKill.records.length).toBeGreaterThan(20);
    expect(afterKill).toEqual(afterClean);
  }, 150_000);
});
