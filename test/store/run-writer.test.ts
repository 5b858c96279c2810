import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { insertConnection } from '../../src/store/connections.js';
import { purgeRun, recordsAt, RunWriter, type ListRead, type RecordItem } from '../../src/store/records.js';
import { recoverInterruptedRuns, startRun } from '../../src/store/runs.js';
import { DIALECTS, openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';

/**
 * A run's records go to the database a batch at a time, and what the run
 * has seen (records found unchanged, lists read) is staged there too, so a
 * sync's memory does not grow with the account. Completing the run decides
 * in SQL what it closes: these cases are the rules, each planted once.
 */
const RESOURCES = [{ name: 'apps' }, { name: 'domains', parent: 'apps' }];
const BATCH = 1000;

const app = (name: string, label = name): RecordItem => ({ key: `app-${name}`, data: { id: `app-${name}`, name: label } });
const domains = (appName: string, count: number, changed = new Map<number, string>()): RecordItem[] =>
  Array.from({ length: count }, (_, i) => ({
    key: `app-${appName}-d${i}`,
    data: { id: `app-${appName}-d${i}`, hostname: changed.get(i) ?? `d${i}.${appName}.example.com`, app: { id: `app-${appName}`, name: appName } },
  }));
const ok = (resource: string, parentKey: string): ListRead => ({ resource, parentKey, status: 'ok', verifiedAt: new Date().toISOString() });

async function run(
  hw: TestHerowatch,
  connectionId: number,
  work: (write: (resource: string, parentKey: string, items: RecordItem[]) => Promise<void>, writer: RunWriter) => Promise<void>,
) {
  const id = await startRun(hw.store, connectionId, new Date(), 'inventory', 60_000);
  const writer = new RunWriter(hw.store, connectionId, id);
  let most = 0;
  // Pages of 100 items, as Heroku sends lists of one parent.
  const write = async (resource: string, parentKey: string, items: RecordItem[]) => {
    for (let i = 0; i < items.length; i += 100) {
      await writer.write(resource, parentKey, items.slice(i, i + 100));
      most = Math.max(most, writer.held);
    }
  };
  await work(write, writer);
  return { id, writer, most };
}

async function count(hw: TestHerowatch, query: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`${sql.raw(query)}`.execute(hw.store.db);
  return Number(rows[0]?.n ?? 0);
}

describe.each(DIALECTS)('a run writer on %s', (dialect) => {
  it('holds a batch at most, and closes what a list read in full lost, what a gone parent had, and nothing behind a gap', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const connection = await insertConnection(hw.store, 'acme', 'http://127.0.0.1:9', new Date());
    const complete = (writer: RunWriter) => writer.complete(RESOURCES, { stats: {}, finishedAt: new Date().toISOString(), auditCursors: [] });

    const first = await run(hw, connection.id, async (write, writer) => {
      await write('apps', '', [app('a'), app('b'), app('c')]);
      await writer.list(ok('apps', ''));
      await write('domains', 'app-a', domains('a', 2_500));
      await write('domains', 'app-b', domains('b', 3));
      await write('domains', 'app-c', domains('c', 2));
      for (const parent of ['app-a', 'app-b', 'app-c']) await writer.list(ok('domains', parent));
      await complete(writer);
    });
    expect(first.most).toBeLessThanOrEqual(BATCH + 100);
    expect(first.writer.versionsWritten).toBe(2_508);

    const second = await run(hw, connection.id, async (write, writer) => {
      // b is renamed, c is gone; of a's domains one changed, the last is gone, and one comes twice (its first record holds).
      await write('apps', '', [app('a'), app('b', 'b-renamed')]);
      await writer.list(ok('apps', ''));
      const seen = domains('a', 2_499, new Map([[7, 'changed.example.com']]));
      await write('domains', 'app-a', [...seen, { key: 'app-a-d5', data: { id: 'app-a-d5', hostname: 'second.example.com' } }]);
      await writer.list(ok('domains', 'app-a'));
      // b's domains could not be read: what was last seen of them stands, unverified by this run.
      await writer.list({ resource: 'domains', parentKey: 'app-b', status: 'failed', verifiedAt: null });
      expect(writer.held).toBeLessThanOrEqual(BATCH);
      await complete(writer);
    });
    expect(second.most).toBeLessThanOrEqual(BATCH + 100);
    expect(second.writer.itemsWritten).toBe(2 + 2_499);
    expect(second.writer.versionsWritten).toBe(2);

    const records = await recordsAt(hw.store, connection.id, second.id);
    const data = new Map(records.map((r) => [r.key, (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as { name?: string; hostname?: string }]));
    expect(
      records
        .filter((r) => r.resource === 'apps')
        .map((r) => data.get(r.key)?.name)
        .sort(),
    ).toEqual(['a', 'b-renamed']);
    expect(records.filter((r) => r.resource === 'domains').length).toBe(2_499 + 3);
    expect(data.get('app-a-d7')?.hostname).toBe('changed.example.com');
    expect(data.get('app-a-d5')?.hostname).toBe('d5.a.example.com');
    expect(data.has('app-a-d2499')).toBe(false);
    expect(data.has('app-b-d0')).toBe(true);
    expect(data.has('app-c-d0')).toBe(false);
    // The first run's inventory is still there to compare with.
    expect((await recordsAt(hw.store, connection.id, first.id)).length).toBe(2_508);

    // The current-state tables follow; the lists of a gone parent are forgotten; the staging rows are gone.
    expect(await count(hw, `SELECT COUNT(*) AS n FROM hw_cur_domains WHERE connection_id = ${connection.id}`)).toBe(2_502);
    expect(await count(hw, `SELECT COUNT(*) AS n FROM hw_cur_apps WHERE connection_id = ${connection.id} AND name = 'b-renamed'`)).toBe(1);
    const verified = await hw.store.db
      .selectFrom('hw_verified')
      .select(['resource', 'parent_key', 'run_id'])
      .where('connection_id', '=', connection.id)
      .execute();
    expect(verified.map((v) => `${v.resource}:${v.parent_key}:${v.run_id === second.id ? 'second' : 'first'}`).sort()).toEqual([
      'apps::second',
      'domains:app-a:second',
      'domains:app-b:first',
    ]);
    expect(await count(hw, 'SELECT COUNT(*) AS n FROM hw_run_keys')).toBe(0);
    expect(await count(hw, 'SELECT COUNT(*) AS n FROM hw_run_lists')).toBe(0);

    // A run that never completes leaves nothing behind, in the records or the staging rows.
    const third = await run(hw, connection.id, async (write, writer) => {
      await write('apps', '', [app('a', 'a-renamed')]);
      await write('domains', 'app-a', domains('a', 1_500));
      await writer.list(ok('apps', ''));
      await writer.flush();
    });
    expect(await count(hw, `SELECT COUNT(*) AS n FROM hw_run_keys WHERE run_id = ${third.id}`)).toBeGreaterThan(0);
    await purgeRun(hw.store, connection.id, third.id);
    expect(await count(hw, `SELECT COUNT(*) AS n FROM hw_records WHERE valid_from = ${third.id}`)).toBe(0);
    expect(await count(hw, 'SELECT COUNT(*) AS n FROM hw_run_keys')).toBe(0);
    expect(await count(hw, 'SELECT COUNT(*) AS n FROM hw_run_lists')).toBe(0);
    expect(await count(hw, `SELECT COUNT(*) AS n FROM hw_cur_apps WHERE connection_id = ${connection.id} AND name = 'a'`)).toBe(1);

    // Staging rows a run left when its process died after it ended go before the next run starts.
    const fourth = await run(hw, connection.id, async (write, writer) => {
      await write('apps', '', [app('a')]);
      await writer.list(ok('apps', ''));
      await writer.flush();
    });
    await hw.store.db.updateTable('hw_sync_runs').set({ status: 'failed' }).where('id', 'in', [third.id, fourth.id]).execute();
    expect(await count(hw, `SELECT COUNT(*) AS n FROM hw_run_lists WHERE run_id = ${fourth.id}`)).toBe(1);
    expect((await recoverInterruptedRuns(hw.store, connection.id)).running).toBeNull();
    expect(await count(hw, 'SELECT COUNT(*) AS n FROM hw_run_keys')).toBe(0);
    expect(await count(hw, 'SELECT COUNT(*) AS n FROM hw_run_lists')).toBe(0);
  });
});
