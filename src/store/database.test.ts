import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, openTestHerowatch } from '../../test/support/herowatch.js';
import { openStore } from './database.js';

describe('the embedded database', () => {
  let parent: string;
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('lives in a home only its owner can enter, in files only its owner can read', async () => {
    parent = mkdtempSync(join(tmpdir(), 'herowatch-home-'));
    const home = join(parent, 'home');
    const store = await openStore({ sqlitePath: join(home, 'herowatch.db') });
    await store.db.insertInto('hw_meta').values({ key: 'k', value: 'v' }).execute();
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const files = readdirSync(home);
    expect(files).toEqual(expect.arrayContaining(['herowatch.db', 'herowatch.db-wal', 'herowatch.db-shm']));
    for (const file of files) expect(statSync(join(home, file)).mode & 0o777, file).toBe(0o600);
    await store.close();
  });

  it('keeps its temporary sorts and indexes in files, not in the process (better-sqlite3 builds them into memory)', async () => {
    parent = mkdtempSync(join(tmpdir(), 'herowatch-home-'));
    const store = await openStore({ sqlitePath: join(parent, 'herowatch.db') });
    const { rows } = await sql<{ temp_store: number }>`PRAGMA temp_store`.execute(store.db);
    expect(rows[0]!.temp_store).toBe(1); // FILE
    await store.close();
  });
});

describe.runIf(DIALECTS.includes('postgres'))('the PostgreSQL pool', () => {
  it('survives the server ending an idle connection', async () => {
    const hw = await openTestHerowatch('postgres', 'http://127.0.0.1:9');
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(hw.store.db);
    const admin = new pg.Client({ connectionString: hw.env.DATABASE_URL });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await sql<{ one: number }>`SELECT 1 AS one`.execute(hw.store.db);
    expect(again.rows[0]!.one).toBe(1);
  });
});
