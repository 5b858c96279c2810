/**
 * A process of the SQL console (see sql-console.ts): it answers one query
 * at a time, for either database, so that what a query makes herowatch
 * hold (a huge value, a huge error) is held here, within this process's
 * memory bounds, and never in the process that asked.
 *
 * SQLite: for each query it builds a database of its own that holds the
 * datasets the query reads and nothing else: a private temporary file,
 * into which the store (attached read-only) copies the scope's rows of
 * those datasets; the store is then detached, the database made read-only,
 * and only then is the query run. Other connections' rows, herowatch's own
 * tables and the store's catalog are not hidden from the query: they are
 * not in its database at all, whatever names, quotes, schemas or
 * table-valued functions it uses.
 *
 * PostgreSQL: the query runs as the scope's own role (sql-postgres.ts), see
 * sql-postgres-query.ts.
 *
 * It imports nothing but the drivers and the bounds, so that it starts fast,
 * and ends when its parent goes.
 */
import type pg from 'pg';
import { boundRows, type BoundedRows, type ResultBounds } from './sql-bounds.js';
import { runPostgresQuery } from './sql-postgres-query.js';
import { openSqliteFile, type SqliteDatabase } from './sqlite-driver.js';

export type SqlJob = {
  id: number;
  query: string;
  bounds: ResultBounds;
  timeoutMs: number;
} & (
  | {
      kind: 'sqlite';
      /** The store, as a URI that opens it read-only (ATTACH takes it). */
      storeUri: string;
      /** The dataset views of the store: the only tables the query's database can hold. */
      datasets: string[];
      /** The connections whose rows are copied; null for every connection. */
      connections: string[] | null;
    }
  | {
      kind: 'postgres';
      /** The scope's role and how to log in as it. */
      config: pg.ClientConfig;
    }
);

/** To the parent: the session a PostgreSQL query runs in (the parent ends it at the time limit), then the answer. */
export type SqlReply = { id: number; session: number } | { id: number; ok: true; result: BoundedRows } | { id: number; ok: false; error: string };

/** What SQLite may allocate in this process, in all: a query cannot make it hold gigabytes (zeroblob, printf). */
const HEAP_LIMIT_BYTES = 512 * 1024 * 1024;
/** Pages of the query's database kept in memory; the rest stays in its temporary file. */
const CACHE_KIB = 32 * 1024;
/** An error's words are kept to this many characters: the databases repeat the value that failed in them, whatever its size. */
const ERROR_CHARS = 1_000;

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function runSqlite(job: Extract<SqlJob, { kind: 'sqlite' }>): BoundedRows {
  // '' is a private temporary database on disk, deleted when it closes.
  const db = openSqliteFile('');
  try {
    db.pragma(`cache_size = -${CACHE_KIB}`);
    withStore(db, job.storeUri, () => {
      for (const name of job.datasets) db.exec(`CREATE TABLE main.${quote(name)} AS SELECT * FROM store.${quote(name)} WHERE 0`);
    });
    // Compiled where the store is not attached: a syntax error, a second statement or a write is refused here.
    const statement = db.prepare(job.query);
    if (!statement.reader) throw new Error('Only a query that returns rows can run here: the SQL console is read-only.');
    const read = datasetsRead(db, job.query, new Set(job.datasets));
    if (read.length > 0) {
      withStore(db, job.storeUri, () => {
        const where = job.connections === null ? '' : ` WHERE connection IN (${job.connections.map(() => '?').join(', ') || 'NULL'})`;
        for (const name of read) db.prepare(`INSERT INTO main.${quote(name)} SELECT * FROM store.${quote(name)}${where}`).run(...(job.connections ?? []));
      });
    }
    db.pragma('query_only = ON');
    // Prepared again: the one above was compiled before the rows were there (and the store came and went since).
    const query = db.prepare(job.query);
    return boundRows(
      query.columns().map((c) => c.name),
      blobsAsText(query.iterate() as IterableIterator<Record<string, unknown>>),
      job.bounds,
    );
  } finally {
    db.close();
  }
}

/** A blob as PostgreSQL writes a bytea in JSON (`\x` and hex), so that an answer says the same of both, and counts what it sends. */
function* blobsAsText(rows: IterableIterator<Record<string, unknown>>): Generator<Record<string, unknown>, void, undefined> {
  try {
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) if (value instanceof Uint8Array) row[column] = `\\x${Buffer.from(value).toString('hex')}`;
      yield row;
    }
  } finally {
    rows.return?.();
  }
}

/** Runs `work` with the store attached read-only as `store`, and detaches it whatever happens. */
function withStore(db: SqliteDatabase, uri: string, work: () => void): void {
  db.prepare('ATTACH DATABASE ? AS store').run(uri);
  try {
    db.transaction(work)();
  } finally {
    db.exec('DETACH DATABASE store');
  }
}

/**
 * Which of the query database's tables the query's program opens: the
 * datasets to fill. The database holds nothing else, so a table missed
 * here would read empty, never leak; the program's OpenRead steps name
 * every table it reads, through views, subqueries and CTEs alike.
 */
function datasetsRead(db: SqliteDatabase, query: string, datasets: Set<string>): string[] {
  const byRootPage = new Map<number, string>();
  for (const row of db.prepare("SELECT rootpage, name FROM main.sqlite_schema WHERE type = 'table'").all() as { rootpage: number; name: string }[])
    byRootPage.set(row.rootpage, row.name);
  const read = new Set<string>();
  for (const step of db.prepare(`EXPLAIN ${query}`).all() as { opcode: string; p2: number; p3: number }[]) {
    if (step.opcode !== 'OpenRead' || step.p3 !== 0) continue;
    const name = byRootPage.get(step.p2);
    if (name && datasets.has(name)) read.add(name);
  }
  return [...read];
}

async function answer(job: SqlJob): Promise<SqlReply> {
  try {
    const result =
      job.kind === 'sqlite'
        ? runSqlite(job)
        : await runPostgresQuery(job.config, job.query, job.bounds, job.timeoutMs, (session) => process.send!({ id: job.id, session } satisfies SqlReply));
    return { id: job.id, ok: true, result };
  } catch (error) {
    const message = String((error as Error).message ?? error);
    return { id: job.id, ok: false, error: message.length > ERROR_CHARS ? `${message.slice(0, ERROR_CHARS)}… (cut)` : message };
  }
}

// The limit is the process's, set once through any connection.
const limiter = openSqliteFile(':memory:');
limiter.pragma(`hard_heap_limit = ${HEAP_LIMIT_BYTES}`);
limiter.close();

process.on('message', (job: SqlJob) => {
  void answer(job).then((reply) => process.send!(reply));
});
process.on('disconnect', () => process.exit(0));
