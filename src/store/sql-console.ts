import { fork, type ChildProcess } from 'node:child_process';
import { InputError, type ErrorOptions } from '../errors.js';
import { scriptBeside } from '../script-path.js';
import { datasets } from '../datasets/catalog.js';
import type { Store } from './database.js';
import { dialectOf } from './dialects/index.js';
import type { ResultBounds, Truncation } from './sql-bounds.js';
import type { SqlJob, SqlReply } from './sql-child.js';
import { endSession, forgetReader, readerFor } from './sql-postgres.js';
import { readOnlyUri } from './sqlite-driver.js';

/**
 * The SQL console: one read-only query over the dataset views, for every
 * door (the CLI's `sql`, MCP's `run_sql`, the dashboard's console, the REST
 * API). What a query may read is decided by where it runs, never by
 * reading its text:
 * - SQLite: a process of its own builds, for each query, a database that
 *   holds the scope's rows of the datasets the query reads and nothing else
 *   (sql-child.ts);
 * - PostgreSQL: a session logged in as a role that may read the scope's
 *   rows of the dataset views and nothing else (sql-postgres.ts).
 * Either way the query runs from one of a few processes of the console's
 * own (sql-child.ts): whatever a query makes its client hold (a huge value,
 * a huge error) is held there, within that process's bounds. Answers are
 * bounded where the query runs, and every query is stopped at its time
 * limit, counted from when it was asked (waiting for a process included).
 */

/** The query was refused or failed: not SQL herowatch can run, not read-only, or an error in it. */
export class SqlError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_SQL_REFUSED', message, options);
  }
}

export interface SqlLimits extends ResultBounds {
  /** Time the query may run, in milliseconds. */
  timeoutMs: number;
}

export const DEFAULT_SQL_LIMITS: SqlLimits = { maxRows: 10_000, maxCellChars: 65_536, maxResultBytes: 16 * 1024 * 1024, timeoutMs: 30_000 };

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** The query matched more than the answer holds. */
  truncated: boolean;
  /** Why: the row cap, or the byte budget. */
  truncatedBy: Truncation;
  /** Values cut to `limits.maxCellChars`. */
  cutCells: number;
  limits: SqlLimits;
}

/** Statements that are not queries, refused by name before anything runs (the database would refuse them too, less clearly). */
const NOT_QUERIES = new Set([
  'ALTER',
  'ANALYZE',
  'ATTACH',
  'BEGIN',
  'CALL',
  'CHECKPOINT',
  'CLUSTER',
  'COMMENT',
  'COMMIT',
  'COPY',
  'CREATE',
  'DEALLOCATE',
  'DECLARE',
  'DELETE',
  'DETACH',
  'DISCARD',
  'DO',
  'DROP',
  'END',
  'EXECUTE',
  'EXPLAIN',
  'GRANT',
  'IMPORT',
  'INSERT',
  'LISTEN',
  'LOAD',
  'LOCK',
  'MERGE',
  'MOVE',
  'NOTIFY',
  'PRAGMA',
  'PREPARE',
  'REASSIGN',
  'REFRESH',
  'REINDEX',
  'RELEASE',
  'REPLACE',
  'RESET',
  'REVOKE',
  'ROLLBACK',
  'SAVEPOINT',
  'SECURITY',
  'SET',
  'SHOW',
  'START',
  'TRUNCATE',
  'UNLISTEN',
  'UPDATE',
  'UPSERT',
  'VACUUM',
]);

/**
 * The query's first word and whether a second statement follows the first,
 * outside strings, quoted names and comments: one pass over the text.
 */
export function statementShape(query: string): { first: string | null; statements: number } {
  let first: string | null = null;
  let word = '';
  let statements = 0;
  let pendingEnd = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    const next = query[i + 1];
    if (c === '-' && next === '-') {
      const end = query.indexOf('\n', i);
      i = end < 0 ? query.length : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = query.indexOf('*/', i + 2);
      i = end < 0 ? query.length : end + 1;
      continue;
    }
    if (/\s/.test(c)) {
      if (word && first === null) first = word.toUpperCase();
      word = '';
      continue;
    }
    if (pendingEnd) {
      statements++;
      pendingEnd = false;
    }
    if (statements === 0) statements = 1;
    if (c === ';') {
      if (word && first === null) first = word.toUpperCase();
      word = '';
      pendingEnd = true;
      continue;
    }
    if (c === "'" || c === '"') {
      if (word && first === null) first = word.toUpperCase();
      word = '';
      // A quote ends at the next one; a doubled quote inside is read as two strings in a row, which changes nothing here.
      const end = query.indexOf(c, i + 1);
      i = end < 0 ? query.length : end;
      if (first === null) first = '';
      continue;
    }
    if (/[A-Za-z_]/.test(c) && (word !== '' || first === null)) word += c;
    else {
      if (word && first === null) first = word.toUpperCase();
      word = '';
      if (c !== '(' && first === null) first = '';
    }
  }
  if (word && first === null) first = word.toUpperCase();
  return { first: first || null, statements };
}

/** Says clearly what is plainly not a query; the rest is the database's to judge, in its own words. */
function refuseNonQueries(query: string): void {
  const { first, statements } = statementShape(query);
  if (statements === 0) throw new SqlError('The query is empty: give one SELECT over the datasets.', { remedy: { do: 'list', what: 'datasets' } });
  // Both databases refuse a second statement; this says it in words.
  if (statements > 1) throw new SqlError('One statement at a time: the SQL console runs a single read-only SELECT.');
  if (first && NOT_QUERIES.has(first)) {
    throw new SqlError(
      `${first} is not allowed: the SQL console runs one read-only SELECT (or WITH ... SELECT) over the dataset views; statements that write, change settings or control transactions are refused.`,
    );
  }
}

/**
 * Runs one read-only query over the dataset views of `connections` (null:
 * every connection), within `limits`.
 */
export async function runDatasetSql(store: Store, query: string, limits: Partial<SqlLimits> = {}, connections: string[] | null = null): Promise<SqlResult> {
  const bounds: SqlLimits = { ...DEFAULT_SQL_LIMITS, ...limits };
  refuseNonQueries(query);
  const deadline = performance.now() + bounds.timeoutMs;
  const scope = connections === null ? '*' : [...new Set(connections)].sort().join('\u0000');
  const seconds = `${Math.max(1, Math.round(bounds.timeoutMs / 1000))} s`;
  const common = {
    query,
    bounds: { maxRows: bounds.maxRows, maxCellChars: bounds.maxCellChars, maxResultBytes: bounds.maxResultBytes },
    timeoutMs: bounds.timeoutMs,
  };
  let answer;
  try {
    if (!dialectOf(store).consoleRoles) {
      answer = await sqlProcesses.run(
        { ...common, kind: 'sqlite', storeUri: readOnlyUri(store.location.sqlitePath), datasets: datasets().map((d) => d.name), connections },
        scope,
        deadline,
      );
    } else {
      const reader = await readerFor(store, connections);
      answer = await sqlProcesses
        .run({ ...common, kind: 'postgres', config: reader.config }, scope, deadline, (session) => endSession(store, session))
        .catch((error: unknown) => {
          if (error instanceof QueryFailed && /password authentication failed|role .* does not exist/.test(error.message)) forgetReader(store, reader.role);
          throw error;
        });
    }
  } catch (error) {
    if (error instanceof QueryTimeout) {
      throw new SqlError(
        error.waited
          ? `The SQL console was busy with other queries for the whole time limit (${seconds}); try again in a moment.`
          : `The query ran longer than ${seconds} and was stopped; narrow it (a WHERE on connection, or a LIMIT).`,
        { cause: error },
      );
    }
    if (error instanceof QueryFailed)
      throw new SqlError(sqlMessage(error.message), {
        cause: error,
        ...(NOT_A_DATASET.test(error.message) ? { remedy: { do: 'list' as const, what: 'datasets' as const } } : {}),
      });
    throw error;
  }
  return { ...answer, truncated: answer.truncatedBy !== null, limits: bounds };
}

/** The database's own words, with what herowatch can add to them. */
const NOT_A_DATASET = /no such table|does not exist|permission denied/i;

function sqlMessage(message: string): string {
  if (NOT_A_DATASET.test(message)) return `${message}: the SQL console reads the dataset views only.`;
  if (/syntax error|incomplete input|unrecognized token/i.test(message)) return `The query is not SQL herowatch can run: ${message}.`;
  if (/more than one statement|multiple commands/i.test(message)) return 'One statement at a time: the SQL console runs a single read-only SELECT.';
  if (/out of memory|stopped the SQL process/i.test(message)) return `The query needed more memory than the SQL console allows (${message}); narrow it.`;
  return message;
}

class QueryTimeout extends Error {
  constructor(readonly waited: boolean) {
    super(waited ? 'busy' : 'timeout');
  }
}
class QueryFailed extends Error {}

/** Processes of the console at most, and of those, how many one scope's queries may hold at once. */
const PROCESSES = 4;
const PER_SCOPE = 2;

type Answer = Extract<SqlReply, { ok: true }>['result'];

/**
 * The console's processes: started on first use and kept for the next
 * query (a process start costs more than most queries); a process stopped
 * at a time limit is started again on the next. One query at a time runs
 * in a process; one scope (a token, an agent) holds at most two, so that a
 * client sending slow queries cannot hold up the others. They do not keep
 * herowatch running, and end when herowatch does.
 */
class SqlProcesses {
  private readonly idle: ChildProcess[] = [];
  private started = 0;
  private nextId = 1;
  private readonly held = new Map<string, number>();
  private readonly waiting: { scope: string; take: (child: ChildProcess) => void }[] = [];

  async run(job: DistributiveOmit<SqlJob, 'id'>, scope: string, deadline: number, onTimeout?: (session: number) => Promise<void>): Promise<Answer> {
    const child = await this.acquire(scope, deadline);
    try {
      return await this.send(child, job, deadline, onTimeout);
    } finally {
      this.release(child, scope);
    }
  }

  private acquire(scope: string, deadline: number): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      const entry = {
        scope,
        take: (child: ChildProcess) => {
          clearTimeout(timer);
          resolve(child);
        },
      };
      const timer = setTimeout(
        () => {
          const at = this.waiting.indexOf(entry);
          if (at !== -1) this.waiting.splice(at, 1);
          reject(new QueryTimeout(true));
        },
        Math.max(0, deadline - performance.now()),
      );
      this.waiting.push(entry);
      this.dispatch();
    });
  }

  /** Hands free processes to the first waiting queries whose scope may take one more. */
  private dispatch(): void {
    for (let i = 0; i < this.waiting.length;) {
      const entry = this.waiting[i]!;
      if ((this.held.get(entry.scope) ?? 0) >= PER_SCOPE || (this.idle.length === 0 && this.started >= PROCESSES)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.held.set(entry.scope, (this.held.get(entry.scope) ?? 0) + 1);
      entry.take(this.idle.pop() ?? this.start());
    }
  }

  private release(child: ChildProcess, scope: string): void {
    const held = (this.held.get(scope) ?? 1) - 1;
    if (held === 0) this.held.delete(scope);
    else this.held.set(scope, held);
    if (!child.killed && child.exitCode === null && child.signalCode === null && child.connected) this.idle.push(child);
    this.dispatch();
  }

  private start(): ChildProcess {
    const { entry, execArgv } = scriptBeside(import.meta.url, 'sql-child');
    // A query's values are bounded, so is what the process holds.
    const child = fork(entry, [], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      execArgv: [...execArgv, '--max-old-space-size=256'],
      serialization: 'advanced',
    });
    this.started++;
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    child.once('exit', () => {
      this.started--;
      const at = this.idle.indexOf(child);
      if (at !== -1) this.idle.splice(at, 1);
      this.dispatch();
    });
    return child;
  }

  private send(child: ChildProcess, job: DistributiveOmit<SqlJob, 'id'>, deadline: number, onTimeout?: (session: number) => Promise<void>): Promise<Answer> {
    const id = this.nextId++;
    let session: number | null = null;
    return new Promise((resolve, reject) => {
      const settle = (action: () => void): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        (child.channel as { unref?: () => void } | undefined)?.unref?.();
        action();
      };
      const onMessage = (reply: SqlReply): void => {
        if (reply.id !== id) return;
        if ('session' in reply) session = reply.session;
        else settle(() => (reply.ok ? resolve(reply.result) : reject(new QueryFailed(reply.error))));
      };
      const onExit = (code: number | null, signal: string | null): void =>
        settle(() => reject(new QueryFailed(`The query stopped the SQL process (${signal ?? `exit ${code}`})`)));
      const timer = setTimeout(
        () => {
          settle(() => reject(new QueryTimeout(false)));
          child.kill('SIGKILL');
          // A PostgreSQL query goes on without its client until it next writes: its session is ended too.
          if (session !== null) void onTimeout?.(session);
        },
        Math.max(0, deadline - performance.now()),
      );
      child.on('message', onMessage);
      child.once('exit', onExit);
      (child.channel as { ref?: () => void } | undefined)?.ref?.();
      child.send({ ...job, id } as SqlJob);
    });
  }
}

/** Omit over each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const sqlProcesses = new SqlProcesses();
