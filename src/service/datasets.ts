import SQLite from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import pg from 'pg';
import { datasetNamed, datasets, type Dataset } from '../datasets/catalog.js';
import { InputError } from '../errors.js';
import type { Herowatch } from './herowatch.js';

export interface DatasetSummary {
  name: string;
  description: string;
  rows: number;
  columns: { name: string; type: string; description: string }[];
}

export class UnknownDataset extends InputError {
  constructor(name: string) {
    super(`There is no dataset "${name}". Datasets: ${datasets().map((d) => d.name).join(', ')} (herowatch datasets describes them).`);
  }
}

export async function listDatasets(hw: Herowatch, connection?: string): Promise<DatasetSummary[]> {
  const summaries: DatasetSummary[] = [];
  for (const dataset of datasets()) {
    const where = connection ? sql` WHERE connection = ${connection}` : sql``;
    const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(dataset.name)}${where}`.execute(hw.store.db);
    summaries.push({ name: dataset.name, description: dataset.description, rows: Number(rows[0]?.n ?? 0), columns: dataset.columns });
  }
  return summaries;
}

export type ExportFormat = 'csv' | 'json' | 'ndjson';

/** A dataset's rows, typed as the dataset declares (booleans as booleans, JSON as values). */
export async function datasetRows(hw: Herowatch, name: string, connection?: string): Promise<{ dataset: Dataset; rows: Record<string, unknown>[] }> {
  const dataset = datasetNamed(name);
  if (!dataset) throw new UnknownDataset(name);
  const where = connection ? sql` WHERE connection = ${connection}` : sql``;
  const order = dataset.columns.slice(0, 2).map((c) => sql.ref(c.name));
  const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(dataset.name)}${where} ORDER BY ${sql.join(order)}`.execute(hw.store.db);
  return { dataset, rows: rows.map((row) => typed(dataset, row)) };
}

function typed(dataset: Dataset, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of dataset.columns) {
    const value = row[column.name];
    if (value === null || value === undefined) out[column.name] = null;
    else if (column.type === 'boolean') out[column.name] = value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    else if (column.type === 'integer') out[column.name] = Number(value);
    else if (column.type === 'json') out[column.name] = typeof value === 'string' ? JSON.parse(value) : value;
    else out[column.name] = value;
  }
  return out;
}

export function formatRows(dataset: Dataset, rows: Record<string, unknown>[], format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'ndjson') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const header = dataset.columns.map((c) => c.name);
  const cells = rows.map((row) => header.map((name) => csvCell(row[name])));
  return stringify([header, ...cells]);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The query was refused or failed: not valid SQL, not read-only, or an error in it. */
export class SqlError extends InputError {}

/**
 * Runs one read-only query. SQLite: on a separate connection opened read
 * only. PostgreSQL: in a READ ONLY transaction, as one prepared statement.
 * Writes and extra statements are refused either way.
 */
export async function runReadOnlySql(hw: Herowatch, query: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  if (hw.store.dialect === 'sqlite') {
    const database = new SQLite(hw.store.location.sqlitePath, { readonly: true, fileMustExist: true });
    try {
      let statement;
      try {
        statement = database.prepare(query);
      } catch (error) {
        throw new SqlError((error as Error).message);
      }
      if (!statement.reader) throw new SqlError('Only queries that return rows are allowed (herowatch sql is read-only).');
      const rows = statement.all() as Record<string, unknown>[];
      return { columns: statement.columns().map((c) => c.name), rows };
    } finally {
      database.close();
    }
  }
  // A named (prepared) statement goes through the extended protocol, which
  // refuses several commands: `SELECT 1; COMMIT; DROP ...` cannot escape the
  // read-only transaction.
  const client = new pg.Client({ connectionString: hw.store.location.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query("SET LOCAL statement_timeout = '60s'");
    const result = await client.query({ text: query, name: `herowatch-sql-${process.pid}-${Date.now()}` });
    return { columns: result.fields.map((f) => f.name), rows: result.rows as Record<string, unknown>[] };
  } catch (error) {
    throw new SqlError((error as Error).message);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
}
