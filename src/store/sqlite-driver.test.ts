import { describe, expect, it } from 'vitest';
import { openSqliteFile, sqliteDriverName } from './sqlite-driver.js';

describe('the SQLite driver', () => {
  it('is better-sqlite3 12 on Node 20 and 13 from Node 22, where 12 aborts on Node 24', () => {
    expect(sqliteDriverName('20.19.0')).toBe('better-sqlite3');
    expect(sqliteDriverName('20.20.2')).toBe('better-sqlite3');
    expect(sqliteDriverName('22.0.0')).toBe('better-sqlite3-13');
    expect(sqliteDriverName('24.21.0')).toBe('better-sqlite3-13');
  });

  it('opens a database on the Node line this runs on and survives its statements being collected', () => {
    const db = openSqliteFile(':memory:');
    db.exec('CREATE TABLE t (n INTEGER)');
    // Many short-lived statements, so that the garbage collector frees some while the database is open.
    let expected = 0;
    for (let n = 0; n < 20_000; n += 1) expected += n % 97;
    for (let n = 0; n < 20_000; n += 1) db.prepare(`INSERT INTO t VALUES (${n % 97})`).run();
    expect(db.prepare('SELECT count(*) AS rows, sum(n) AS total FROM t').get()).toEqual({ rows: 20_000, total: expected });
    db.close();
  });
});
