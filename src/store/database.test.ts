import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
});
