/**
 * The SQL console's SQLite process (see sql-console.ts): it answers one
 * query at a time on a read-only connection, after checking from the
 * compiled program that the query opens no table but those the dataset
 * views read, and returns at most `maxRows` rows. Its parent keeps it for
 * the next query and kills it at the time limit. It imports nothing but the
 * driver, so that it starts fast, and ends when its parent goes.
 */
import { openSqliteReadOnly, type SqliteDatabase } from './sqlite-driver.js';

export interface SqlJob {
  id: number;
  path: string;
  query: string;
  maxRows: number;
  /** The tables the dataset views read: the only ones the query's program may open. */
  allowedTables: string[];
  /** Statements creating temporary views that confine the dataset views to some connections (they shadow the views while the query runs). */
  confine?: string[];
  confinedViews?: string[];
}

export type SqlReply = { id: number; ok: true; result: { columns: string[]; rows: Record<string, unknown>[]; truncated: boolean } } | { id: number; ok: false; error: string };

const connections = new Map<string, SqliteDatabase>();

function database(path: string): SqliteDatabase {
  let db = connections.get(path);
  if (!db) connections.set(path, (db = openSqliteReadOnly(path)));
  return db;
}

function run(job: SqlJob): { columns: string[]; rows: Record<string, unknown>[]; truncated: boolean } {
  const db = database(job.path);
  if (!job.confine) return query(db, job);
  for (const statement of job.confine) db.exec(statement);
  try {
    return query(db, job);
  } finally {
    for (const view of job.confinedViews ?? []) db.exec(`DROP VIEW IF EXISTS temp.${view}`);
  }
}

function query(db: SqliteDatabase, job: SqlJob): { columns: string[]; rows: Record<string, unknown>[]; truncated: boolean } {
  const statement = db.prepare(job.query);
  if (!statement.reader) throw new Error('Only queries that return rows are allowed (herowatch sql is read-only).');
  const tables = new Map<number, string>();
  for (const row of db.prepare('SELECT rootpage, tbl_name FROM sqlite_schema WHERE rootpage > 0').all() as { rootpage: number; tbl_name: string }[]) tables.set(row.rootpage, row.tbl_name);
  const allowed = new Set<string>(job.allowedTables);
  for (const step of db.prepare(`EXPLAIN ${job.query}`).all() as { opcode: string; p2: number; p3: number }[]) {
    if (step.opcode !== 'OpenRead' && step.opcode !== 'OpenWrite') continue;
    const table = step.p3 === 0 ? tables.get(step.p2) : undefined;
    if (step.opcode === 'OpenWrite' || step.p3 !== 0 || !table || !allowed.has(table)) throw new Error('The query reads outside the dataset views: herowatch sql reads the datasets only (herowatch datasets lists them).');
  }
  const rows: Record<string, unknown>[] = [];
  let truncated = false;
  for (const row of statement.iterate() as IterableIterator<Record<string, unknown>>) {
    if (rows.length === job.maxRows) {
      truncated = true;
      break;
    }
    rows.push(row);
  }
  return { columns: statement.columns().map((c) => c.name), rows, truncated };
}

process.on('message', (job: SqlJob) => {
  let reply: SqlReply;
  try {
    reply = { id: job.id, ok: true, result: run(job) };
  } catch (error) {
    reply = { id: job.id, ok: false, error: (error as Error).message };
  }
  process.send!(reply);
});
process.on('disconnect', () => process.exit(0));
