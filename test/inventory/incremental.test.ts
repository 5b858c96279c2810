import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { checkCatalog } from '../../src/compliance/catalog.js';
import { changesBetween } from '../../src/service/history.js';
import { listFindings } from '../../src/service/compliance.js';
import { syncConnection } from '../../src/service/sync.js';
import type { Herowatch } from '../../src/service/herowatch.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { expectedInventory } from '../support/expected.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function column(hw: Herowatch, query: string): Promise<string[]> {
  return (await sql.raw<{ v: unknown }>(query).execute(hw.store.db)).rows.map((r) => String(r.v)).sort();
}

describe.each(DIALECTS)('incremental sync on %s', (dialect) => {
  it('reads what changed by its signals, sweeps the rest within the maximum staleness, and agrees with a full sync', async () => {
    // A living world on a clock that moves only when told.
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), living: { timeScale: 0 } });
    const living = emulator.living!;
    const hw = await openTestHerowatch(dialect, emulator.url);
    const now = () => emulator.world().now();
    const sync = (full = false) =>
      syncConnection(hw, {
        connection: 'edge',
        token: T.admin,
        apiUrl: emulator.url,
        full,
        now: now(),
        client: { retry: { baseDelayMs: 5, maxDelayMs: 50 } },
        sync: { now, auditBackfillDays: 30 },
      });

    const first = await sync();
    expect(first).toMatchObject({ status: 'complete', mode: 'full', plan: null });
    // Every per-app list the token reads is verified as of the first run.
    const perApp = ['config_vars', 'domains', 'sni_endpoints', 'collaborators', 'formations', 'log_drains', 'releases'];
    const verified = await column(
      hw,
      `SELECT resource || ':' || parent_key AS v FROM hw_verified WHERE resource IN (${perApp.map((r) => `'${r}'`).join(',')})`,
    );
    const visibleApps = await column(hw, 'SELECT id AS v FROM apps');
    expect(verified).toHaveLength(perApp.length * visibleApps.length);

    // An hour later: a deploy and scaling of a team app, a domain added and one removed (each in the enterprise's audit trail),
    // and a log drain on a personal app, which no enterprise audits and which makes no release.
    emulator.clearRequests();
    living.clock.advance({ ms: HOUR });
    await fetch(`${emulator.url}/__emulator/clock`); // the world catches up with its clock
    const deploy = living.applyNow({ kind: 'deploy', app: 'edge-api' });
    living.applyNow({ kind: 'scale', app: 'edge-api' });
    const added = living.applyNow({ kind: 'domain_add', app: 'edge-worker' });
    living.applyNow({ kind: 'domain_remove', app: 'edge-api' });
    const drain = living.applyNow({ kind: 'drain_add', app: 'admin-personal' });
    expect([deploy.audited, added.audited, drain.audited]).toEqual([true, true, false]);
    living.clock.advance({ ms: 10 * 60_000 });

    const second = await sync();
    expect(second).toMatchObject({ status: 'complete', mode: 'incremental', plan: { deferred: 0 } });
    expect(second.plan!.reasons).toMatchObject({ new: 0, release: 3, overdue: 0 });
    expect(second.plan!.reasons.event).toBeGreaterThanOrEqual(3); // edge-worker's domains and certificates, edge-api's domains
    expect(second.requests).toBeLessThan(first.requests * 0.7);
    // The connection was tested after the first sync, 70 minutes ago: a sync that went well does not spend a dozen requests on it again.
    expect(first.connectionStatus).not.toBeNull();
    expect(second.connectionStatus).toBeNull();
    expect(emulator.requests().filter((r) => r.path === '/oauth/authorizations/~')).toEqual([]);
    const edgeApi = (await column(hw, "SELECT id AS v FROM apps WHERE name = 'edge-api'"))[0]!;
    // Only the lists the signals named were read per app.
    const paths = emulator
      .requests()
      .filter((r) => r.path.startsWith('/apps/') || r.path.startsWith('/teams/apps/'))
      .map((r) => r.path);
    expect(paths.filter((p) => p.includes('/log-drains'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('/formation'))).toEqual([`/apps/${edgeApi}/formation`]);

    // What the signals named is in the inventory; the drain no signal named is not, yet.
    expect(await column(hw, "SELECT app_name || ':' || version AS v FROM releases WHERE \"current\" = true AND app_name = 'edge-api'")).toEqual([
      `edge-api:${emulator.world().apps.find('edge-api')!.currentRelease!.version}`,
    ]);
    const hostnames = await column(hw, 'SELECT hostname AS v FROM domains');
    expect(hostnames).toContain(`www${added.seq}.edge-worker.example.com`);
    expect(hostnames).not.toContain('api.edge.example');
    expect(await column(hw, "SELECT url AS v FROM log_drains WHERE app_name = 'admin-personal'")).toEqual([]);
    // The history stays exact: the change report names each change.
    const { changes } = await changesBetween(hw.store, 1, first.runId, second.runId);
    const summary = changes.map((c) => `${c.resource} ${c.kind} ${c.label}`);
    expect(summary).toEqual(
      expect.arrayContaining(['domains removed edge-api: api.edge.example', `domains added edge-worker: www${added.seq}.edge-worker.example.com`]),
    );
    expect(summary.filter((s) => s.startsWith('log_drains'))).toEqual([]);

    // A week after the first run, every list it read is due: the planner reads them before they pass the maximum staleness.
    living.clock.advance({ ms: 7 * DAY - 2 * HOUR });
    const third = await sync();
    expect(third.connectionStatus).not.toBeNull(); // its last test is older than six hours
    expect(third.plan!.reasons.overdue).toBeGreaterThan(0);
    expect(await column(hw, "SELECT url AS v FROM log_drains WHERE app_name = 'admin-personal'")).toEqual([
      expect.stringMatching(/^syslog\+tls:\/\/logs\d\.example-logs\.com:\d+/),
    ]);
    const ages = (await hw.store.db.selectFrom('hw_verified').select('verified_at').execute()).map((r) => now().getTime() - Date.parse(r.verified_at));
    expect(Math.max(...ages)).toBeLessThan(7 * DAY);
    // Each finding says when the data behind it was read: the least recently verified of the lists its check reads, its app's own where there is one per app.
    const findings = await listFindings(hw, { connection: 'edge', status: ['open', 'pass', 'resolved', 'unknown'], now: now() });
    const oldest = async (where: string) => (await column(hw, `SELECT MIN(verified_at) AS v FROM hw_verified WHERE ${where}`))[0] ?? null;
    const inList = (names: string[]) => `(${names.map((n) => `'${n}'`).join(',') || "''"})`;
    const expectedAsOf = async (checkId: string, app: string | null) => {
      const reads = checkCatalog().find((c) => c.id === checkId)!.reads;
      const own = app === null ? [] : reads.filter((r) => perApp.includes(r));
      const times = [
        await oldest(`parent_key = '${app}' AND resource IN ${inList(own)}`),
        await oldest(`resource IN ${inList(reads.filter((r) => !own.includes(r)))}`),
      ];
      return times.filter((t) => t !== null).sort()[0] ?? null;
    };
    const appFindings = findings.filter((f) => f.resource_key.startsWith('app/edge-api'));
    expect(appFindings.length).toBeGreaterThan(0);
    for (const f of appFindings) expect(f.data_as_of, f.check_id).toBe(await expectedAsOf(f.check_id, edgeApi));
    const accountFinding = findings.find((f) => f.resource_key.startsWith('team/'))!;
    expect(accountFinding.data_as_of).toBe(await expectedAsOf(accountFinding.check_id, null));
    expect(appFindings[0]!.data_as_of).not.toBeNull();

    // A full sync now finds nothing the incremental inventory lacks, and the inventory is the world's.
    const fourth = await sync(true);
    expect(fourth.mode).toBe('full');
    const drift = (await changesBetween(hw.store, 1, third.runId, fourth.runId)).changes.filter((c) => c.resource !== 'rate_limits');
    expect(drift).toEqual([]);
    const expected = expectedInventory(emulator.world(), 'admin@edge.example', []);
    expect(await column(hw, "SELECT app_name || ':' || hostname || ':' || kind AS v FROM domains")).toEqual(expected.domains);
    expect(await column(hw, "SELECT app_name || ':' || url AS v FROM log_drains")).toEqual(expected.log_drains);
  });

  it('carries the last gaps of lists it does not read, and records the scope gaps of a weaker token without a request', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), living: { timeScale: 0 } });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const now = () => emulator.world().now();
    const sync = (token: string) => syncConnection(hw, { connection: 'edge', token, apiUrl: emulator.url, now: now(), sync: { now } });
    await sync(T.admin);
    const configReads = () => emulator.requests().filter((r) => r.path.endsWith('/config-vars')).length;
    const readBefore = configReads();
    const gapsOf = async (run: number) =>
      column(hw, `SELECT resource || ':' || status AS v FROM hw_coverage WHERE run_id = ${run} AND parent_key <> '' AND status <> 'ok'`);
    // A token without read-protected: the config vars of every app are a gap, and none was asked for.
    const weaker = await sync(T.adminRead);
    expect(weaker.mode).toBe('incremental');
    expect((await gapsOf(weaker.runId)).filter((g) => g.startsWith('config_vars:'))).toHaveLength(6);
    expect(configReads()).toBe(readBefore);
    // The next incremental run reads none of the per-app lists, but the gaps still stand.
    emulator.living!.clock.advance({ ms: HOUR });
    const later = await sync(T.adminRead);
    // Nothing to read: the config vars the token cannot read are not taken for lists never read.
    expect(later.plan).toMatchObject({ lists: 0, requests: 0, reasons: { new: 0 } });
    expect((await gapsOf(later.runId)).filter((g) => g.startsWith('config_vars:'))).toHaveLength(6);
  });

  it('does not take lists a token can never read for lists never read', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), living: { timeScale: 0 } });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const now = () => emulator.world().now();
    const sync = () => syncConnection(hw, { connection: 'edge', token: T.adminRead, apiUrl: emulator.url, now: now(), sync: { now } });
    expect((await sync()).mode).toBe('full');
    emulator.living!.clock.advance({ ms: HOUR });
    expect((await sync()).plan).toMatchObject({ lists: 0, requests: 0, reasons: { new: 0 } });
  });
});
