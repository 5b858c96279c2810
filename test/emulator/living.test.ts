import { describe, expect, it } from 'vitest';
import { CHANGE_KINDS, ScenarioError, startEmulator, validateScenario, type AppliedChange } from '../../src/emulator/index.js';
import { api, startEmulatorForTest } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const HOUR = 3_600_000;

/** The edge world with scripted changes an hour, two and three after its `now`. */
function scriptedScenario() {
  const scenario = edgeScenario();
  scenario.changes = {
    time_scale: 0,
    scripted: [
      { at: '2026-11-20T13:00:00Z', kind: 'deploy', app: 'edge-api', actor: 'member@edge.example' },
      { at: '2026-11-20T14:00:00Z', kind: 'domain_add', app: 'edge-worker' },
      { at: '2026-11-20T15:00:00Z', kind: 'drain_add', app: 'admin-personal' },
    ],
  };
  return scenario;
}

describe('a living world', () => {
  it('applies scripted changes as its clock reaches them, each with its audit trail event, and serves them as Heroku would', async () => {
    const emulator = await startEmulatorForTest({ scenario: scriptedScenario() });
    const before = await api<{ released_at: string; updated_at: string }>(emulator, '/apps/edge-api', T.admin);
    const releasesBefore = await api<{ version: number }[]>(emulator, '/apps/edge-api/releases', T.admin);
    expect((await api(emulator, '/__emulator/clock', null)).body).toMatchObject({ now: '2026-11-20T12:00:00Z', time_scale: 0 });

    // Nothing happens until the clock moves.
    expect((await api<{ changes: unknown[] }>(emulator, '/__emulator/changes', null)).body.changes).toEqual([]);
    const moved = await api(emulator, '/__emulator/clock', null, { method: 'POST', body: { advance: '90m' } });
    expect(moved.body).toEqual({ now: '2026-11-20T13:30:00Z' });
    const { changes } = (await api<{ changes: AppliedChange[] }>(emulator, '/__emulator/changes', null)).body;
    expect(changes).toMatchObject([{ seq: 1, kind: 'deploy', app: { name: 'edge-api' }, audited: true }]);

    // The deploy made a release: the next version, current, with a new slug; the app's released_at moved; the ETag too.
    const after = await api<{ released_at: string; updated_at: string }>(emulator, '/apps/edge-api', T.admin, {
      headers: { 'If-None-Match': before.headers.get('etag')! },
    });
    expect(after.status).toBe(200);
    expect(after.body.released_at).toBe('2026-11-20T13:00:00Z');
    expect(after.body.updated_at).toBe('2026-11-20T13:00:00Z');
    const releases = await api<{ version: number; current: boolean; slug: { id: string } | null; user: { email: string } }[]>(
      emulator,
      '/apps/edge-api/releases',
      T.admin,
    );
    const newest = releases.body.at(-1)!;
    expect(newest).toMatchObject({
      version: Math.max(...releasesBefore.body.map((r) => r.version)) + 1,
      current: true,
      user: { email: 'member@edge.example' },
    });
    expect(releases.body.filter((r) => r.current)).toHaveLength(1);
    expect((await api(emulator, `/apps/edge-api/slugs/${newest.slug!.id}`, T.admin)).status).toBe(200);
    // The enterprise's audit trail has the event, on its day.
    const enterprise = (await api<{ id: string }[]>(emulator, '/enterprise-accounts', T.admin)).body[0]!;
    const events = await api<{ type: string; action: string; app: { name: string } | null; actor: { email: string } }[]>(
      emulator,
      `/enterprise-accounts/${enterprise.id}/events?day=2026-11-20`,
      T.admin,
    );
    expect(events.body.filter((e) => e.type === 'release')).toEqual([
      expect.objectContaining({
        action: 'create',
        app: expect.objectContaining({ name: 'edge-api' }),
        actor: expect.objectContaining({ email: 'member@edge.example' }),
      }),
    ]);

    // The rest, in order; the drain on a personal app is in no enterprise's trail.
    await api(emulator, '/__emulator/clock', null, { method: 'POST', body: { to: '2026-11-20T16:00:00Z' } });
    const all = (await api<{ changes: AppliedChange[] }>(emulator, '/__emulator/changes', null)).body.changes;
    expect(all.map((c) => [c.kind, c.audited])).toEqual([
      ['deploy', true],
      ['domain_add', true],
      ['drain_add', false],
    ]);
    const domains = await api<{ hostname: string; kind: string }[]>(emulator, '/apps/edge-worker/domains', T.admin);
    expect(domains.body.map((d) => d.hostname)).toContain('www2.edge-worker.example.com');
    expect((await api<unknown[]>(emulator, '/apps/admin-personal/log-drains', T.admin)).body).toHaveLength(1);
  });

  it('refuses a bad clock move, an unknown change, one that cannot apply, and control of a world that does not live', async () => {
    const emulator = await startEmulatorForTest({ scenario: scriptedScenario() });
    expect((await api(emulator, '/__emulator/clock', null, { method: 'POST', body: { advance: 'soon' } })).status).toBe(400);
    expect((await api(emulator, '/__emulator/clock', null, { method: 'POST', body: {} })).status).toBe(400);
    expect((await api(emulator, '/__emulator/changes', null, { method: 'POST', body: { kind: 'explode', app: 'edge-api' } })).body).toMatchObject({
      id: 'bad_request',
      message: expect.stringContaining(CHANGE_KINDS.join(', ')),
    });
    const skipped = await api(emulator, '/__emulator/changes', null, { method: 'POST', body: { kind: 'drain_remove', app: 'edge-worker' } });
    expect(skipped).toMatchObject({ status: 422, body: { id: 'change_skipped', message: 'edge-worker has no log drain' } });
    const applied = await api(emulator, '/__emulator/changes', null, { method: 'POST', body: { kind: 'scale', app: 'edge-api' } });
    expect(applied.body).toMatchObject({ kind: 'scale', app: { name: 'edge-api' }, at: '2026-11-20T12:00:00Z' });
    const still = await startEmulatorForTest({ scenario: edgeScenario() });
    expect((await api(still, '/__emulator/clock', null, { method: 'POST', body: { advance: '1h' } })).body).toMatchObject({ id: 'not_living' });
  });

  it('validates the changes section of a scenario, naming what is wrong', () => {
    const bad = edgeScenario() as unknown as Record<string, unknown>;
    bad.changes = { scripted: [{ at: 'tomorrow', kind: 'explode' }], clients: [{ name: 'team', account: 'not-an-email', requests_per_hour: 10 }] };
    expect(() => validateScenario(bad)).toThrow(ScenarioError);
    try {
      validateScenario(bad);
    } catch (error) {
      expect((error as Error).message).toMatch(/changes\.scripted\[0\]\.at: "tomorrow" is not a valid date-time/);
      expect((error as Error).message).toMatch(/changes\.scripted\[0\]\.kind: must be one of "deploy", .* not "explode"/);
      expect((error as Error).message).toMatch(/changes\.clients\[0\]\.account: "not-an-email" is not a valid email/);
    }
  });

  it('refuses changes to apps, teams and accounts the scenario does not have, naming each', async () => {
    const bad = edgeScenario();
    bad.changes = {
      scripted: [
        { at: '2026-11-20T13:00:00Z', kind: 'deploy', app: 'edge-apj' },
        { at: '2026-11-20T13:00:00Z', kind: 'member_add', team: 'nowhere' },
        { at: '2026-11-20T13:00:00Z', kind: 'scale' },
      ],
      clients: [{ name: 'team', account: 'ghost@edge.example', requests_per_hour: 10 }],
    };
    const failure = await startEmulator({ scenario: bad }).then(
      async (emulator) => (await emulator.close(), null),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ScenarioError);
    const message = (failure as Error).message;
    expect(message).toMatch(/changes\.scripted\[0\]\.app: no app named edge-apj/);
    expect(message).toMatch(/changes\.scripted\[1\]\.team: no team named nowhere/);
    expect(message).toMatch(/changes\.scripted\[2\]: a scale change needs the app it happens to/);
    expect(message).toMatch(/changes\.clients\[0\]\.account: no account ghost@edge\.example/);
  });

  it('draws the same changes from the same seed, and counts the 429s of other clients spending the pool', async () => {
    const run = async () => {
      const emulator = await startEmulator({
        scenario: edgeScenario(),
        rateLimit: { poolSize: 100, refillPerMinute: 1 },
        living: {
          timeScale: 0,
          rates: { appsPerDay: 2, seed: 5 },
          clients: [{ name: 'deploys', account: 'admin@edge.example', requestsPerHour: 600, burstEveryMs: 10 * 60_000 }],
        },
      });
      try {
        emulator.living!.clock.advance({ ms: 6 * HOUR });
        const body = (await api<{ changes: AppliedChange[]; clients: { requests: number; refused: number }[] }>(emulator, '/__emulator/changes', null)).body;
        // The account's own requests see what the team left of the pool.
        const remaining = Number((await api(emulator, '/account', T.admin)).headers.get('ratelimit-remaining'));
        return { changes: body.changes.map((c) => `${c.at} ${c.kind} ${c.app?.name ?? c.team}`), client: body.clients[0]!, remaining };
      } finally {
        await emulator.close();
      }
    };
    const [first, second] = [await run(), await run()];
    expect(first.changes.length).toBeGreaterThan(0);
    expect(second.changes).toEqual(first.changes);
    // 3,600 requests in six hours against a pool of 100 refilling one a minute: most are refused, and counted.
    expect(first.client.requests).toBeGreaterThan(3000);
    expect(first.client.refused).toBeGreaterThan(first.client.requests - 100 - 6 * 60 - 10);
    expect(first.remaining).toBeLessThan(10);
  });

  it('renews ACM certificates every 60 days as its clock moves, each valid for 90', async () => {
    const emulator = await startEmulatorForTest({ scenario: { ...edgeScenario(), changes: { time_scale: 0, scripted: [] } } });
    const acmCert = async () =>
      (await api<{ ssl_cert: { acm?: boolean; starts_at: string; expires_at: string } }[]>(emulator, '/apps/edge-api/sni-endpoints', T.admin)).body.find(
        (e) => e.ssl_cert.acm,
      )!.ssl_cert;
    const before = await acmCert();
    await api(emulator, '/__emulator/clock', null, { method: 'POST', body: { advance: `${200 * 24}h` } });
    const after = await acmCert();
    const now = Date.parse((await api<{ now: string }>(emulator, '/__emulator/clock', null)).body.now);
    expect(Date.parse(after.starts_at) - Date.parse(before.starts_at)).toBeGreaterThanOrEqual(180 * 24 * HOUR);
    expect((Date.parse(after.starts_at) - Date.parse(before.starts_at)) % (60 * 24 * HOUR)).toBe(0);
    expect(Date.parse(after.starts_at)).toBeLessThanOrEqual(now);
    expect(Date.parse(after.expires_at) - now).toBeGreaterThan(30 * 24 * HOUR);
  });
});
