import { strToU8, zipSync } from 'fflate';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/emulator/index.js';
import type { Herowatch } from '../../src/service/herowatch.js';
import { RESOURCES } from '../../src/datasets/registry.js';
import { changesBetween } from '../../src/service/history.js';
import { syncConnection } from '../../src/service/sync.js';
import type { SyncEstimate } from '../../src/inventory/estimate.js';
import type { SyncProgress } from '../../src/inventory/sync.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { expectedInventory } from '../support/expected.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const days = (n: number) => Array.from({ length: n }, (_, i) => new Date(NOW.getTime() - i * 86_400_000).toISOString().slice(0, 10));
/** The days a first backfill of `n` days collects with the manage permission: past months whole, from their archives. */
const daysWithArchives = (n: number) => {
  const first = `${days(n).at(-1)!.slice(0, 7)}-01`;
  return days(Math.round((NOW.getTime() - Date.parse(`${first}T00:00:00Z`)) / 86_400_000) + 1);
};

async function rows(hw: Herowatch, query: string): Promise<Record<string, unknown>[]> {
  return (await sql.raw<Record<string, unknown>>(query).execute(hw.store.db)).rows;
}

/** The synced datasets in the same `a:b:c` form as expectedInventory. */
async function inventory(hw: Herowatch) {
  const bool = (v: unknown) => (v === null || v === undefined ? 'null' : String(v === true || v === 1));
  const list = async (query: string, row: (r: Record<string, unknown>) => string) => (await rows(hw, query)).map(row).sort();
  return {
    apps: await list('SELECT * FROM apps', (r) => `${r.name}:${r.team_name ?? ''}:${r.region}:${r.stack}:${bool(r.acm)}:${bool(r.locked)}`),
    config_vars: await list('SELECT * FROM config_vars', (r) => `${r.app_name}:${r.name}`),
    domains: await list('SELECT * FROM domains', (r) => `${r.app_name}:${r.hostname}:${r.kind}`),
    sni_endpoints: await list('SELECT * FROM sni_endpoints', (r) => `${r.app_name}:${r.name}:${r.expires_at}:${r.acm ? 'acm' : 'uploaded'}`),
    collaborators: await list('SELECT * FROM collaborators', (r) => {
      const permissions = typeof r.permissions === 'string' ? JSON.parse(r.permissions) : r.permissions;
      return `${r.app_name}:${r.email}:${r.role}:${((permissions ?? []) as { name: string }[]).map((p) => p.name).join('+')}`;
    }),
    formations: await list('SELECT * FROM formations', (r) => `${r.app_name}:${r.type}:${r.quantity}:${r.size}`),
    log_drains: await list('SELECT * FROM log_drains', (r) => `${r.app_name}:${r.url}`),
    current_releases: await list('SELECT * FROM releases WHERE "current" = true', (r) => `${r.app_name}:${r.version}`),
    slugs: await list('SELECT * FROM slugs', (r) => `${r.app_name}:${r.commit}`),
    addons: await list('SELECT * FROM addons', (r) => `${r.name}:${r.plan}:${r.app_name}`),
    addon_attachments: await list('SELECT * FROM addon_attachments', (r) => `${r.addon_name}:${r.app_name}:${r.name}`),
    teams: await list('SELECT * FROM teams', (r) => `${r.name}:${r.role}`),
    team_members: await list('SELECT * FROM team_members', (r) => `${r.team_name}:${r.email}:${r.role}:${bool(r.two_factor_authentication)}`),
    team_apps: await list('SELECT * FROM team_apps', (r) => `${r.team_name}:${r.name}:${bool(r.locked)}`),
    enterprise_accounts: await list('SELECT * FROM enterprise_accounts', (r) => String(r.name)),
    enterprise_members: await list('SELECT * FROM enterprise_members', (r) => {
      const permissions = typeof r.permissions === 'string' ? JSON.parse(r.permissions) : r.permissions;
      return `${r.enterprise_account_name}:${r.email}:${(permissions as unknown[]).length}`;
    }),
    pipelines: await list('SELECT * FROM pipelines', (r) => String(r.name)),
    pipeline_couplings: await list(
      'SELECT p.name AS pipeline, c.app_name, c.stage FROM pipeline_couplings c JOIN pipelines p ON p.id = c.pipeline_id',
      (r) => `${r.pipeline}:${r.app_name}:${r.stage}`,
    ),
    oauth_authorizations: await list('SELECT * FROM oauth_authorizations', (r) => String(r.description)),
    audit_events: await list('SELECT * FROM audit_events', (r) => String(r.id)),
  };
}

const fast = { client: { retry: { baseDelayMs: 5, maxDelayMs: 50 } }, sync: { now: () => NOW, auditBackfillDays: 30 } };

describe.each(DIALECTS)('sync on %s', (dialect) => {
  it('collects exactly what the account can see, every dataset, edge cases included', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const result = await syncConnection(hw, { connection: 'default', token: T.admin, apiUrl: emulator.url, ...fast });
    expect(result).toMatchObject({
      status: 'complete',
      error: null,
      account: { email: 'admin@edge.example' },
      coverage: { forbidden: 0, failed: 0, missing: 0 },
    });
    expect(await inventory(hw)).toEqual(expectedInventory(emulator.world(), 'admin@edge.example', daysWithArchives(30)));
    // October came from its archive (one request and a download), November day by day.
    const paths = emulator.requests().map((r) => r.path);
    expect(paths.filter((p) => p.includes('/archives/'))).toEqual([
      expect.stringMatching(/^\/enterprise-accounts\/[^/]+\/archives\/2026\/10$/),
      expect.stringMatching(/^\/__emulator\/blobs\/archives\/.*\/2026\/10\.zip$/),
    ]);
    expect(paths.filter((p) => p.includes('day=2026-10-'))).toEqual([]);
    expect(paths.filter((p) => p.includes('day=2026-11-'))).toHaveLength(20);
    // What the declarations promise is never null (`always`, which rows are typed by) is filled in every row, edge cases included.
    for (const resource of RESOURCES) {
      for (const column of resource.columns.filter((c) => c.always)) {
        const n = (await rows(hw, `SELECT count(*) AS n FROM ${resource.name} WHERE "${column.name}" IS NULL`))[0]?.n;
        expect(Number(n), `${resource.name}.${column.name} is null in ${n} rows`).toBe(0);
      }
    }
  });

  it('reads a month day by day when its archive cannot be trusted, says so in the coverage, and never keeps the signed URL', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    // What comes back from the signed URL is a zip, but not the one Heroku's checksum describes.
    const substitute = async (): Promise<Uint8Array> => zipSync({ 'events.json': strToU8('{"entries": []}') });
    const result = await syncConnection(hw, {
      connection: 'default',
      token: T.admin,
      apiUrl: emulator.url,
      ...fast,
      client: { ...fast.client, download: substitute },
    });
    expect(result.status).toBe('complete');
    // Everything but the part of October before the 30-day window, which only the archive would have given.
    const { audit_events: collected, ...rest } = await inventory(hw);
    const { audit_events: archived, ...expected } = expectedInventory(emulator.world(), 'admin@edge.example', daysWithArchives(30));
    expect(rest).toEqual(expected);
    expect(collected.length).toBeGreaterThan(0);
    expect(archived).toEqual(expect.arrayContaining(collected));
    const paths = emulator.requests().map((r) => r.path);
    expect(paths.filter((p) => p.includes('day=2026-10-'))).not.toEqual([]);
    const [row] = await rows(hw, "SELECT status, reason FROM coverage WHERE resource = 'audit_events' AND parent_key <> ''");
    expect(row).toMatchObject({
      status: 'ok',
      reason: expect.stringMatching(/the archive of 2026-10 could not be used \(.+\), so its days were read one by one/),
    });
    const cached = await hw.store.db.selectFrom('hw_http_cache').select(['key', 'body']).execute();
    expect(cached.filter((c) => c.key.includes('/archives/') || c.body.includes('/__emulator/blobs/'))).toEqual([]);
  });

  it('records what a token may not read as coverage gaps with the fix, and reads the rest', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const result = await syncConnection(hw, { connection: 'default', token: T.adminRead, apiUrl: emulator.url, ...fast });
    expect(result.status).toBe('complete');
    const gaps = await rows(hw, "SELECT resource, parent_key, status, reason, fix, parents FROM coverage WHERE status <> 'ok'");
    const configGaps = gaps.filter((g) => g.resource === 'config_vars' && g.parent_key !== '');
    expect(configGaps).toHaveLength(6);
    expect(gaps.find((g) => g.resource === 'config_vars' && g.parent_key === '')).toMatchObject({
      status: 'forbidden',
      parents: 6,
      reason: '6 of 6 apps could not be read in full; see the rows for each',
    });
    expect(configGaps[0]).toMatchObject({
      status: 'forbidden',
      fix: expect.stringContaining('heroku authorizations:create --scope identity,read-protected --description herowatch'),
    });
    expect(gaps.find((g) => g.resource === 'oauth_authorizations')).toMatchObject({ status: 'forbidden', reason: expect.stringContaining('global') });
    // The config vars were never asked for: the token's scope ruled them out.
    expect(emulator.requests().filter((r) => r.path.endsWith('/config-vars'))).toEqual([]);
    const { config_vars, oauth_authorizations, ...rest } = await inventory(hw);
    const { config_vars: _c, oauth_authorizations: _o, ...expected } = expectedInventory(emulator.world(), 'admin@edge.example', daysWithArchives(30));
    expect([config_vars, oauth_authorizations]).toEqual([[], []]);
    expect(rest).toEqual(expected);
  });

  it('sees only what a plain member sees, and explains the enterprise gaps', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const result = await syncConnection(hw, { connection: 'member', token: T.member, apiUrl: emulator.url, ...fast });
    expect(result.status).toBe('complete');
    expect(await inventory(hw)).toEqual(expectedInventory(emulator.world(), 'member@edge.example', []));
    const gaps = await rows(hw, "SELECT resource, reason, fix FROM coverage WHERE status = 'forbidden' AND parent_key <> '' ORDER BY resource");
    expect(gaps.map((g) => g.resource)).toEqual(['audit_events', 'enterprise_members']);
    expect(gaps[1]).toMatchObject({
      reason: expect.stringContaining('lacks the view permission on enterprise account edge'),
      fix: expect.stringContaining('give member@edge.example the view permission'),
    });
  });

  it('collects a generated world exactly, hidden teams excepted', async () => {
    const generated = generateScenario({ apps: 120, teams: 4, members: 20, days: 5, hiddenTeams: 1, seed: 12 });
    const emulator = await startEmulatorForTest({ scenario: generated.scenario });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const events: SyncProgress[] = [];
    // Full syncs: the estimate of a sync that reads everything is what this checks.
    const sync = () =>
      syncConnection(hw, {
        connection: 'default',
        token: generated.tokens.global,
        apiUrl: emulator.url,
        full: true,
        client: fast.client,
        sync: { now: () => NOW, auditBackfillDays: 5, onProgress: (e) => events.push(e) },
      });
    const result = await sync();
    expect(result.status).toBe('complete');
    const expected = expectedInventory(emulator.world(), generated.planted.auditor, days(5));
    expect(await inventory(hw)).toEqual(expected);
    expect(expected.apps.length).toBeLessThan(120);
    expect(expected.apps.length).toBeGreaterThan(60);

    // Said up front once the lists are read: the requests the rest will take, close to what it took, for the apps listed.
    const estimates = () => events.filter((e): e is SyncEstimate => e.type === 'estimate');
    expect(estimates().map((e) => e.basis)).toEqual(['account']); // no earlier run to go by
    const [fromAccount] = estimates();
    expect(fromAccount!.apps).toBe(expected.apps.length);
    const listing = emulator.requests().findIndex((r) => r.path.startsWith('/apps/'));
    const afterLists = result.requests - listing;
    expect(fromAccount!.requests).toBeGreaterThan(afterLists * 0.8);
    expect(fromAccount!.requests).toBeLessThan(afterLists * 1.2);
    expect(fromAccount!).toMatchObject({ waitsForRateLimit: false, available: expect.any(Number), reserve: expect.any(Number) });
    // Every phase is named as it starts, the slow ones after the requests included.
    const phases = [...new Set(events.flatMap((e) => (e.type === 'progress' ? [e.phase] : [])))];
    expect(phases).toEqual(
      expect.arrayContaining([expect.stringMatching(/^audit trail of /), 'saving the inventory', 'testing the connection', 'evaluating the compliance checks']),
    );
    expect(phases.slice(-3)).toEqual(['saving the inventory', 'testing the connection', 'evaluating the compliance checks']); // no app monitored: no vulnerability tests

    // The next sync is estimated before its first request, from the last run's count.
    events.length = 0;
    await sync();
    expect(estimates()[0]).toMatchObject({ basis: 'last-run', requests: result.requests });
    expect(events[0]?.type === 'start' && events[1]?.type).toBe('estimate');
  });

  it('re-syncs cheaply with 304s, tracks changes, and keeps history', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    // Full syncs: the world changes below leave no signal (no release, no audit event); incremental.test.ts covers signals.
    const sync = () => syncConnection(hw, { connection: 'default', token: T.admin, apiUrl: emulator.url, full: true, ...fast });
    const first = await sync();
    const second = await sync();
    expect(second.status).toBe('complete');
    // Every list and object came back 304 but the free rate-limit read and the (never cached) current day of events.
    expect(second.notModified).toBeGreaterThanOrEqual(second.requests - 3);
    expect(second.versions).toBe(1); // the rate-limit pool, which changes on every sync
    expect((await changesBetween(hw.store, 1, first.runId)).changes).toEqual([]);

    const changed = edgeScenario();
    changed.apps![1]!.acm = true;
    changed.apps![0]!.domains = changed.apps![0]!.domains!.filter((d) => d.hostname !== 'api.edge.example');
    changed.apps!.push({ name: 'edge-new', team: 'edge-core', created_at: '2026-11-01T00:00:00Z' });
    (changed.teams![0]!.members![1] as { role: string }).role = 'viewer';
    await emulator.setScenario(changed);
    const third = await sync();
    const { changes } = await changesBetween(hw.store, 1, second.runId);
    const summary = changes.map((c) => `${c.resource} ${c.kind} ${c.label}${c.fields ? ` [${c.fields.join(',')}]` : ''}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        'apps added edge-new',
        'apps changed edge-worker [acm]',
        'domains removed edge-api: api.edge.example',
        'team_apps added edge-new',
        'team_members changed member@edge.example [role]',
      ]),
    );
    // The domain goes, and with it the certificate ACM issued for it.
    expect(summary.filter((s) => s.includes(' removed '))).toEqual([
      'domains removed edge-api: api.edge.example',
      expect.stringMatching(/^sni_endpoints removed edge-api: [a-z]+-\d{5}$/),
    ]);
    // Each change says what it was before and after, and every label is a name people know, not an id.
    expect(changes.find((c) => c.resource === 'apps' && c.label === 'edge-worker')!.values).toEqual([{ field: 'acm', before: 'false', after: 'true' }]);
    expect(changes.find((c) => c.resource === 'team_members' && c.kind === 'changed')!.values).toEqual([{ field: 'role', before: 'member', after: 'viewer' }]);
    expect(changes.filter((c) => /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(c.label)).map((c) => `${c.resource} ${c.label}`)).toEqual([]);
    // History: the inventory as of the second run can still be read back.
    expect(third.status).toBe('complete');
    const hostnamesAt = async (run: number) =>
      (await rows(hw, `SELECT data FROM hw_records WHERE resource = 'domains' AND valid_from <= ${run} AND (valid_to IS NULL OR valid_to > ${run})`))
        .map((r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data).hostname as string)
        .sort();
    const then = await hostnamesAt(second.runId);
    const now = (await rows(hw, 'SELECT hostname FROM domains')).map((r) => String(r.hostname)).sort();
    expect(await hostnamesAt(third.runId)).toEqual(now);
    expect(then).toContain('api.edge.example');
    expect(now).not.toContain('api.edge.example');
    expect(now.filter((h) => !then.includes(h))).toEqual([expect.stringMatching(/^edge-new-[0-9a-f]{12}\.herokuapp\.com$/)]);
  });

  it('keeps the last known records behind a coverage gap', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    await syncConnection(hw, { connection: 'default', token: T.admin, apiUrl: emulator.url, ...fast });
    const before = (await inventory(hw)).config_vars;
    expect(before.length).toBeGreaterThan(0);
    // Same account, but a token that may not read config vars.
    const second = await syncConnection(hw, { connection: 'default', token: T.adminRead, apiUrl: emulator.url, ...fast });
    expect(second.status).toBe('complete');
    expect((await inventory(hw)).config_vars).toEqual(before);
  });

  it('refuses a token of another account on the same connection, leaving the inventory alone', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    await syncConnection(hw, { connection: 'default', token: T.admin, apiUrl: emulator.url, ...fast });
    const result = await syncConnection(hw, { connection: 'default', token: T.member, apiUrl: emulator.url, ...fast });
    expect(result).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('The token belongs to member@edge.example, but connection "default" holds the inventory of admin@edge.example'),
    });
    expect((await inventory(hw)).apps).toHaveLength(6);
  });

  it('fails cleanly on a rejected token', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const result = await syncConnection(hw, { connection: 'default', token: T.adminRevoked, apiUrl: emulator.url, ...fast });
    expect(result).toMatchObject({ status: 'failed', error: expect.stringContaining('Heroku rejected the token') });
    expect(result.error).not.toContain(T.adminRevoked);
    expect(await rows(hw, 'SELECT status FROM sync_runs')).toEqual([{ status: 'failed' }]);
  });
});
