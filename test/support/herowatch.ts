import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { onTestFinished, afterAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openHerowatch, type Herowatch } from '../../src/service/herowatch.js';

export type TestDialect = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL too when HEROWATCH_TEST_DATABASE_URL is set (CI sets it, see .ci/postgres). */
export const DIALECTS: TestDialect[] = ['sqlite', ...(process.env.HEROWATCH_TEST_DATABASE_URL ? (['postgres'] as const) : [])];

export interface TestHerowatch extends Herowatch {
  home: string;
  /** Environment for running ./bin/herowatch on the same data. */
  env: Record<string, string>;
}

/**
 * A fresh herowatch installation: its own data folder, and on PostgreSQL its
 * own schema. Removed when the test (or, with `scope: 'file'`, the file) ends.
 */
export async function openTestHerowatch(dialect: TestDialect, apiUrl: string, scope: 'test' | 'file' = 'test'): Promise<TestHerowatch> {
  const home = await mkdtemp(join(tmpdir(), 'herowatch-test-'));
  const env: Record<string, string> = { HEROWATCH_HOME: home };
  let dropSchema = async (): Promise<void> => {};
  if (dialect === 'postgres') {
    const base = process.env.HEROWATCH_TEST_DATABASE_URL!;
    const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    env.DATABASE_URL = `${base}${base.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
    // The job queue too gets a schema of its own: tests in parallel never take each other's jobs.
    env.HEROWATCH_QUEUE_SCHEMA = `${schema}_queue`;
    dropSchema = async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      // The SQL console's roles and views (src/store/sql-postgres.ts): roles outlive a schema, so they go too.
      const roles = await client.query<{ role: string }>(`SELECT DISTINCT role FROM ${schema}.hw_sql_readers`).then(
        (r) => r.rows.map((row) => row.role),
        () => [],
      );
      for (const role of roles) {
        await client.query(`DROP SCHEMA IF EXISTS ${role.slice(0, 'herowatch_sql_'.length + 16)} CASCADE`);
        await client.query(`DROP OWNED BY ${role}`).catch(() => {});
        await client.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      }
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_queue CASCADE`);
      await client.end();
    };
  }
  const hw = await openHerowatch(loadConfig(env, { apiUrl }));
  const cleanup = async (): Promise<void> => {
    await hw.close();
    await dropSchema();
    await rm(home, { recursive: true, force: true });
  };
  if (scope === 'test') onTestFinished(cleanup);
  else afterAll(cleanup);
  return { ...hw, home, env };
}
