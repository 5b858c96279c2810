/**
 * One query of the SQL console on PostgreSQL, as the console's process runs
 * it (sql-child.ts): logged in as the scope's role (sql-postgres.ts), in a
 * read-only transaction, the query checked to be one statement on its own,
 * then run wrapped so that the backend bounds what comes back. Imports
 * nothing of herowatch but the bounds, so that the process starts fast.
 */
import type pg from 'pg';
import type { BoundedRows, ResultBounds } from './sql-bounds.js';

/** The query failed: the database's own words. */
export class QueryRefused extends Error {}

interface WrappedRow {
  /** The row's values, in order (null for a first row past the budget). */
  row: unknown[] | null;
  /** Within the bounds: false only for a first row that did not fit. */
  within: boolean;
  /** Values cut in it. */
  cut: number;
  /** Rows the query gave (at most the cap and one). */
  available: string;
}

/**
 * Runs `query` as `config`'s role; `started` is told the session's backend
 * process (the parent ends it at the time limit, whatever the query did to
 * its own timeout).
 */
export async function runPostgresQuery(
  config: pg.ClientConfig,
  query: string,
  bounds: ResultBounds,
  timeoutMs: number,
  started: (pid: number) => void,
): Promise<BoundedRows> {
  const { default: pgDriver } = await import('pg');
  const client = new pgDriver.Client(config);
  client.on('error', () => {});
  await client.connect();
  started((client as unknown as { processID: number }).processID);
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
    const text = query.trim().replace(/;\s*$/, '');
    // Parsed alone first (PREPARE runs nothing): one complete statement, whose text cannot reach outside the
    // parentheses it is then wrapped in; and a syntax error is said of the query as written.
    await client.query({ text: `PREPARE hw_query AS ${text}`, values: [] });
    await client.query('DEALLOCATE hw_query');
    const described = await client.query({ text: `SELECT * FROM (${text}\n) AS hw_source LIMIT 0`, values: [] });
    const result = await client.query<WrappedRow>({ text: boundedQuery(text, bounds), values: [] });
    return decode(
      described.fields.map((f) => f.name),
      result.rows,
      bounds,
    );
  } catch (error) {
    throw new QueryRefused((error as Error).message);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}

/**
 * The query, wrapped so that the backend bounds what comes back: each row
 * as a JSON array of its values (in order, duplicate names kept), each
 * value longer than the cell bound cut to it, and no row past the byte
 * budget; one row past the cap says there were more.
 */
function boundedQuery(text: string, bounds: ResultBounds): string {
  const cell = Math.trunc(bounds.maxCellChars);
  const long = `length(e.value #>> '{}') > ${cell}`;
  const within = `hw_t.total <= ${Math.trunc(bounds.maxResultBytes)} AND hw_t.n <= ${Math.trunc(bounds.maxRows)}`;
  // A first row that does not fit comes back empty, so that the answer can say why it has none.
  return `SELECT CASE WHEN ${within} THEN hw_t.row END AS row, ${within} AS within, hw_t.cut, hw_t.available FROM (
  SELECT hw_r.*, sum(octet_length(hw_r.row::text)) OVER (ORDER BY hw_r.n ROWS UNBOUNDED PRECEDING) AS total, count(*) OVER () AS available
  FROM (
    SELECT row_number() OVER () AS n, hw_c.row, hw_c.cut
    FROM (
      SELECT
        (SELECT json_agg(CASE WHEN ${long} THEN to_json(left(e.value #>> '{}', ${cell})) ELSE e.value END ORDER BY e.n) FROM json_each(row_to_json(hw_source)) WITH ORDINALITY AS e(key, value, n)) AS row,
        (SELECT count(*)::int FROM json_each(row_to_json(hw_source)) AS e WHERE ${long}) AS cut
      FROM (${text}
) AS hw_source LIMIT ${Math.trunc(bounds.maxRows) + 1}
    ) AS hw_c
  ) AS hw_r
) AS hw_t
WHERE ${within} OR hw_t.n = 1
ORDER BY hw_t.n`;
}

function decode(columns: string[], rows: WrappedRow[], bounds: ResultBounds): BoundedRows {
  const available = rows.length > 0 ? Number(rows[0]!.available) : 0;
  const within = rows.filter((r) => r.within);
  const kept = within.map(({ row }) => Object.fromEntries(columns.map((name, i) => [name, row![i] ?? null])));
  let truncatedBy: BoundedRows['truncatedBy'] = null;
  if (available > kept.length) truncatedBy = kept.length === bounds.maxRows ? 'rows' : 'bytes';
  return { columns, rows: kept, truncatedBy, cutCells: within.reduce((n, r) => n + r.cut, 0) };
}
