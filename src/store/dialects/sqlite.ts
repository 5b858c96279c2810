import { sql, type Kysely } from 'kysely';
import { quoteLiteral, type SqlDialect } from '../dialect.js';

/** SQLite (better-sqlite3): the embedded default. */
export const sqlite: SqlDialect = {
  name: 'sqlite',
  columnType: (type) => (type === 'integer' || type === 'boolean' ? 'integer' : type === 'number' ? 'real' : 'text'),
  jsonColumn(data, path) {
    const jsonPath = `$${path
      .split('.')
      .map((s) => `."${s.replace(/"/g, '\\"')}"`)
      .join('')}`;
    return `json_extract(${data}, ${quoteLiteral(jsonPath)})`;
  },
  secondsBetween: (from, to) => `(julianday(${to}) - julianday(${from})) * 86400`,
  async analyze(db: Kysely<never>, tables: string[]) {
    // A full ANALYZE of each table (under a second for the current state of a 50,000-app account). PRAGMA optimize
    // samples 400 rows of each index: with every row of one connection, it took the connection index for one that
    // narrows to a few hundred rows, and read every row of the table for each page of apps an evaluation asked for.
    for (const table of tables) await sql`ANALYZE ${sql.table(table)}`.execute(db);
  },
  analyzeAfterBulkInsert: false,
  jobQueue: false,
  consoleRoles: false,
};
