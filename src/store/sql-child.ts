/**
 * The SQL console's SQLite process (see sql-console.ts): opens the database
 * read-only, checks from the compiled program that the query reads no table
 * but those the dataset views read, and returns at most `maxRows` rows. Its
 * parent kills it at the time limit.
 */
import SQLite from 'better-sqlite3';
import { VIEW_BASE_TABLES } from './dataset-views.js';

interface Job {
  path: string;
  query: string;
  maxRows: number;
}

function run(job: Job): { columns: string[]; rows: Record<string, unknown>[]; truncated: boolean } {
  const database = new SQLite(job.path, { readonly: true, fileMustExist: true });
  try {
    const statement = database.prepare(job.query);
    if (!statement.reader) throw new Error('Only queries that return rows are allowed (herowatch sql is read-only).');
    const tables = new Map<number, string>();
    for (const row of database.prepare('SELECT rootpage, tbl_name FROM sqlite_schema WHERE rootpage > 0').all() as { rootpage: number; tbl_name: string }[]) tables.set(row.rootpage, row.tbl_name);
    const allowed = new Set<string>(VIEW_BASE_TABLES);
    for (const step of database.prepare(`EXPLAIN ${job.query}`).all() as { opcode: string; p2: number; p3: number }[]) {
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
  } finally {
    database.close();
  }
}

process.once('message', (job: Job) => {
  let reply: unknown;
  try {
    reply = { ok: true, result: run(job) };
  } catch (error) {
    reply = { ok: false, error: (error as Error).message };
  }
  process.send!(reply, () => process.exit(0));
});
