import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { syncConnection } from '../service/sync.js';
import { startEmulatorForTest } from '../../test/support/emulator.js';
import { DIALECTS, openTestHerowatch, type TestHerowatch } from '../../test/support/herowatch.js';
import { edgeScenario, T } from '../../test/support/scenarios.js';
import { refuseOutsideDatasets, runDatasetSql, SqlError } from './sql-console.js';

async function synced(dialect: 'sqlite' | 'postgres'): Promise<TestHerowatch> {
  const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
  const hw = await openTestHerowatch(dialect, emulator.url);
  const result = await syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, test: false, evaluate: false });
  expect(result.status).toBe('complete');
  return hw;
}

describe('what the SQL console refuses before running anything', () => {
  it.each([
    ['SELECT * FROM hw_credentials', /"hw_credentials" is not a dataset/],
    ['select ciphertext from "HW_CREDENTIALS"', /"HW_CREDENTIALS" is not a dataset/],
    ["SELECT * FROM 'hw_http_cache'", /"hw_http_cache" is not a dataset/],
    ['SELECT * FROM apps a JOIN hw_records r ON r.key = a.id', /"hw_records" is not a dataset/],
    ['SELECT sql FROM sqlite_master', /"sqlite_master" is not a dataset/],
    ['SELECT * FROM pragma_table_info(\'apps\')', /"pragma_table_info" is not a dataset/],
    ['SELECT rolpassword FROM pg_catalog.pg_authid', /"pg_catalog" is not a dataset/],
    ['SELECT pg_read_file(\'/etc/passwd\')', /"pg_read_file" is not a dataset/],
    ["SELECT set_config('role', 'postgres', false)", /"set_config" is not a dataset/],
    ["SELECT load_extension('/tmp/x.so')", /"load_extension" is not a dataset/],
    ["COPY (SELECT 1) TO PROGRAM 'id'", /COPY is not allowed/],
    ['LOCK TABLE apps', /LOCK is not allowed/],
    ['SET ROLE postgres', /SET is not allowed/],
    ["DO $$ BEGIN PERFORM 1; END $$", /DO is not allowed/],
    ['CALL something()', /CALL is not allowed/],
    ['BEGIN', /BEGIN is not allowed/],
    ['COMMIT', /COMMIT is not allowed/],
    ['DELETE FROM apps', /DELETE is not allowed/],
    ['ATTACH DATABASE \'/tmp/x\' AS x', /ATTACH is not allowed/],
    ['SELECT 1; DROP VIEW apps', /One statement at a time/],
    ['   ', /The query is empty/],
  ])('%s', (query, message) => {
    expect(() => refuseOutsideDatasets(query)).toThrow(SqlError);
    expect(() => refuseOutsideDatasets(query)).toThrow(message);
  });

  it.each([
    'SELECT name, stack FROM apps WHERE stack IN (\'heroku-20\')',
    'WITH t AS (SELECT team_name, count(*) AS n FROM apps GROUP BY team_name) SELECT * FROM t',
    "SELECT name FROM apps WHERE name LIKE '%set%' -- a comment naming COPY",
    '(SELECT 1)',
    'SELECT CASE WHEN acm THEN 1 ELSE 0 END AS acm FROM apps',
  ])('lets %s through', (query) => {
    expect(() => refuseOutsideDatasets(query)).not.toThrow();
  });
});

describe.each(DIALECTS)('the SQL console on %s', (dialect) => {
  it('reads the dataset views, within a row cap', async () => {
    const hw = await synced(dialect);
    const all = await runDatasetSql(hw.store, 'SELECT name FROM apps ORDER BY name');
    expect(all.rows).toHaveLength(6);
    expect(all.truncated).toBe(false);
    const capped = await runDatasetSql(hw.store, 'SELECT name FROM apps ORDER BY name', { maxRows: 2, timeoutMs: 30_000 });
    expect(capped.rows).toEqual(all.rows.slice(0, 2));
    expect(capped.truncated).toBe(true);
  });

  it('stops a query at the time limit', async () => {
    const hw = await synced(dialect);
    const endless = dialect === 'sqlite' ? 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n' : 'SELECT count(*) FROM generate_series(1, 10000000000) AS g';
    const started = Date.now();
    await expect(runDatasetSql(hw.store, endless, { maxRows: 10, timeoutMs: 500 })).rejects.toThrow(/ran longer than 1 s and was stopped|ran longer than 0 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('cannot write, even through what the database would accept as a query', async () => {
    const hw = await synced(dialect);
    const writes = dialect === 'sqlite' ? ['INSERT INTO apps VALUES (1)', 'WITH x AS (SELECT 1) DELETE FROM apps'] : ['WITH gone AS (DELETE FROM apps RETURNING *) SELECT * FROM gone', 'SELECT nextval(\'hw_sync_runs_id_seq\')'];
    for (const query of writes) await expect(runDatasetSql(hw.store, query), query).rejects.toThrow(SqlError);
    expect((await runDatasetSql(hw.store, 'SELECT count(*) AS n FROM apps')).rows[0]).toMatchObject({ n: dialect === 'postgres' ? '6' : 6 });
  });
});

describe.runIf(DIALECTS.includes('postgres'))('the SQL console on a PostgreSQL superuser connection', () => {
  it('is refused, since a superuser could leave the read-only role', async () => {
    const hw = await synced('postgres');
    const url = new URL(hw.env.DATABASE_URL!);
    url.username = 'herowatch_superuser';
    url.password = 'herowatch';
    const probe = new pg.Client({ connectionString: url.toString() });
    // .ci/postgres creates this role for the test; elsewhere there may be none.
    const available = await probe.connect().then(() => true, () => false);
    await probe.end().catch(() => {});
    if (!available) return;
    const store = { ...hw.store, location: { ...hw.store.location, databaseUrl: url.toString() } };
    await expect(runDatasetSql(store, 'SELECT count(*) FROM apps')).rejects.toThrow(/does not run on a superuser connection/);
  });
});
