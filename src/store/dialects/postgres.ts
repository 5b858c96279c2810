import { sql, type Kysely } from 'kysely';
import { quoteLiteral, type SqlDialect } from '../dialect.js';

/** PostgreSQL (pg): for teams and agencies, with workers. */
export const postgres: SqlDialect = {
  name: 'postgres',
  columnType: (type) =>
    type === 'integer' ? 'bigint' : type === 'number' ? 'double precision' : type === 'boolean' ? 'boolean' : type === 'json' ? 'jsonb' : 'text',
  jsonColumn(data, path, type) {
    const args = path.split('.').map(quoteLiteral).join(', ');
    if (type === 'json') return `jsonb_extract_path(${data}, ${args})`;
    const text = `jsonb_extract_path_text(${data}, ${args})`;
    if (type === 'integer') return `(${text})::bigint`;
    if (type === 'number') return `(${text})::double precision`;
    if (type === 'boolean') return `(${text})::boolean`;
    return text;
  },
  secondsBetween: (from, to) => `extract(epoch FROM ${to}::timestamptz - ${from}::timestamptz)`,
  async analyze(db: Kysely<never>, tables: string[]) {
    if (tables.length > 0) await sql.raw(`ANALYZE ${tables.join(', ')}`).execute(db);
  },
  analyzeAfterBulkInsert: true,
  jobQueue: true,
  consoleRoles: true,
};
