import { describe, expect, it } from 'vitest';
import { appDetail, listApps } from '../../src/service/apps.js';
import { runReadOnlySql } from '../../src/service/datasets.js';
import { EVERYTHING } from '../../src/service/scope.js';
import { syncConnection } from '../../src/service/sync.js';
import { addMonitoredApps } from '../../src/service/monitored-apps.js';
import { readDataset } from '../../src/store/datasets.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { CANARY, edgeScenario, T } from '../support/scenarios.js';

describe.each(DIALECTS)('what a scoped client sees on %s', (dialect) => {
  it('lists apps with their pipeline stage and monitoring, pages them, and shows one in depth; nothing outside the scope, SQL included', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    for (const [connection, token] of [
      ['edge', T.admin],
      ['collab', T.collab],
    ] as const) {
      expect((await syncConnection(hw, { connection, token, apiUrl: emulator.url, test: false, evaluate: false })).status).toBe('complete');
    }
    await addMonitoredApps(hw, 'edge', ['edge-api']);
    const stored = (await readDataset(hw.store, 'apps', { connection: 'edge' })).rows;
    const couplings = (await readDataset(hw.store, 'pipeline_couplings', { connection: 'edge' })).rows;
    const collabApps = (await readDataset(hw.store, 'apps', { connection: 'collab' })).rows.map((r) => r.name).sort();
    expect(collabApps.length).toBeGreaterThan(0);
    expect(collabApps.length).toBeLessThan(stored.length);

    // Everything: both connections, every app once per connection, as stored.
    const all = await listApps(hw, EVERYTHING, {}, { limit: 100 });
    expect(all.total).toBe(stored.length + collabApps.length);
    const api = all.items.find((a) => a.connection === 'edge' && a.name === 'edge-api')!;
    const record = stored.find((r) => r.name === 'edge-api')!;
    expect(api).toMatchObject({ region: record.region, stack: record.stack, team: record.team_name, monitored: true, updated_at: record.updated_at });
    const coupling = couplings.find((c) => c.app_name === 'edge-api');
    expect(api.stage).toBe(coupling?.stage ?? null);
    expect(all.asOf.map((f) => f.connection).sort()).toEqual(['collab', 'edge']);
    expect(all.asOf.every((f) => f.run !== null && f.synced_at !== null)).toBe(true);

    // Pages: opaque cursors, the same total, no app twice.
    const first = await listApps(hw, EVERYTHING, {}, { limit: 2 });
    const second = await listApps(hw, EVERYTHING, {}, { limit: 2, cursor: first.nextCursor! });
    expect(second.total).toBe(all.total);
    expect([...first.items, ...second.items].map((a) => `${a.connection}/${a.name}`)).toEqual(all.items.slice(0, 4).map((a) => `${a.connection}/${a.name}`));
    expect((await listApps(hw, EVERYTHING, { search: 'API', monitored: true }, { limit: 10 })).items.map((a) => a.name)).toEqual(['edge-api']);

    // Scoped to the collaborator's connection: the other is not there, by any name.
    const scope = { connections: ['collab'], apps: null };
    const scoped = await listApps(hw, scope, {}, { limit: 100 });
    expect(scoped.items.map((a) => a.name).sort()).toEqual(collabApps);
    expect(scoped.items.every((a) => a.connection === 'collab')).toBe(true);
    await expect(listApps(hw, scope, { connection: 'edge' }, { limit: 10 })).rejects.toThrow(/no connection "edge" that this client may see/);
    const hiddenApp = stored.map((r) => r.name as string).find((name) => !collabApps.includes(name))!;
    await expect(appDetail(hw, scope, hiddenApp)).rejects.toThrow(/no app/);

    // One app in depth: config var names, never values.
    const detail = await appDetail(hw, EVERYTHING, 'edge-api', { connection: 'edge' });
    expect(detail.config_var_names.length).toBeGreaterThan(0);
    expect(JSON.stringify(detail)).not.toContain(CANARY);
    expect(detail.releases.map((r) => r.version)).toEqual([3, 2]);
    expect(detail.releases.find((r) => r.current)?.version).toBe(2);
    expect(detail.slug).toMatchObject({ release_version: 2 });
    expect(detail.domains.length).toBeGreaterThan(0);
    await expect(appDetail(hw, EVERYTHING, 'edge-api')).rejects.toThrow(/Several connections have an app "edge-api"|no app/);

    // SQL confined to the scope's connections, and no way around it.
    const everywhere = await runReadOnlySql(hw, 'SELECT DISTINCT connection FROM apps ORDER BY connection');
    expect(everywhere.rows.map((r) => r.connection)).toEqual(['collab', 'edge']);
    const confined = await runReadOnlySql(hw, 'SELECT DISTINCT connection FROM apps', undefined, scope);
    expect(confined.rows.map((r) => r.connection)).toEqual(['collab']);
    const joined = await runReadOnlySql(hw, 'SELECT count(*) AS n FROM findings f JOIN apps a ON a.connection = f.connection', undefined, scope);
    expect(Number(joined.rows[0]!.n)).toBeGreaterThanOrEqual(0);
    expect((await runReadOnlySql(hw, "SELECT count(*) AS n FROM domains WHERE connection = 'edge'", undefined, scope)).rows[0]).toEqual({ n: 0 });
    // Naming a schema reaches nothing more: the query's database holds the scope's rows only (test/security/ tries harder).
    const bypass = dialect === 'sqlite' ? 'SELECT DISTINCT connection FROM main.apps' : 'SELECT DISTINCT connection FROM pg_temp.apps';
    expect(
      await runReadOnlySql(hw, bypass, undefined, scope).then(
        (r) => r.rows,
        (e: Error) => e.message,
      ),
    ).toSatisfy((answer) => typeof answer === 'string' || JSON.stringify(answer) === '[{"connection":"collab"}]');
    await expect(runReadOnlySql(hw, 'SELECT 1', undefined, { connections: ['collab'], apps: ['edge-api'] })).rejects.toThrow(
      /not offered to a client bound to some apps/,
    );
    // Afterwards, the unconfined console sees everything again (nothing of the scope stays behind).
    expect((await runReadOnlySql(hw, 'SELECT DISTINCT connection FROM apps ORDER BY connection')).rows).toHaveLength(2);
    await hw.close();
  }, 60_000);
});
