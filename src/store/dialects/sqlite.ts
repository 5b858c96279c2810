import { sql, type Kysely } from 'kysely';
import { quoteLiteral, type SqlDialect } from '../dialect.js';

/** SQLite (better-sqlite3): the embedded default. */
export const sqlite: SqlDialect = {
  name: 'sqlite',
  columnType: (type) => (type === 'integer' || type === 'boolean' ? 'integer' : 'text'),
  jsonColumn(data, path) {
    const jsonPath = `$${path
      .split('.')
      .map((s) => `."${s.replace(/"/g, '\\"')}"`)
      .join('')}`;
    return `json_extract(${data}, ${quoteLiteral(jsonPath)})`;
  },
  secondsBetween: (from, to) => `(julianday(${to}) - julianday(${from})) * 86400`,
  async analyze(db: Kysely<never>) {
    await sql.raw('PRAGMA optimize').execute(db);
  },
  analyzeAfterBulkInsert: false,
  jobQueue: false,
  consoleRoles: false,
};
