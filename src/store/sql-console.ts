import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type pg from 'pg';
import { ForbiddenError, InputError } from '../errors.js';
import type { Store } from './database.js';
import type { SqlJob, SqlReply } from './sql-child.js';
import { datasets } from '../datasets/catalog.js';
import { VIEW_BASE_TABLES } from './current-state.js';
import type { Database } from './schema.js';

/** The query was refused or failed: not valid SQL, not read-only, outside the datasets, or an error in it. */
export class SqlError extends InputError {}

export interface SqlLimits {
  /** Rows returned at most; the result says when there were more. */
  maxRows: number;
  /** Time the query may run, in milliseconds. */
  timeoutMs: number;
}

export const DEFAULT_SQL_LIMITS: SqlLimits = { maxRows: 10_000, timeoutMs: 30_000 };

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** More rows matched than `maxRows`; only the first `maxRows` are here. */
  truncated: boolean;
}

/**
 * What the SQL console never runs, whatever the database would allow: names
 * of herowatch's own tables and the databases' catalogs (the datasets are
 * the interface; credentials, the HTTP cache and keys are not data), and
 * functions that reach the server's files or programs, its settings, or
 * other sessions. Statements other than a query are refused by their first
 * word; a second statement cannot follow (both databases prepare exactly one).
 */
const FORBIDDEN_NAMES = /\b(hw_\w*|kysely_\w*|sqlite_\w*|pragma_\w*|pg_catalog|information_schema|pg_read_\w*|pg_ls_\w*|pg_stat_file|pg_file_\w*|lo_\w+|dblink\w*|set_config|current_setting|pg_sleep\w*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_advisory\w*|load_extension|readfile|writefile|fts3_tokenizer)\b/i;
const QUERY_START = /^[\s(]*(select|with|values)\b/i;

/** Removes comments and string literals, which may mention anything. Returns what is left to check for names and statements. */
function codeOnly(query: string): string {
  return query
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "''");
}

/** Refuses what the console never runs, with the reason. Quoted identifiers are checked too (SQLite also takes a string as a table name). */
export function refuseOutsideDatasets(query: string): void {
  const text = query.trim();
  if (text === '') throw new SqlError('The query is empty: give one SELECT over the datasets (herowatch datasets lists them).');
  const strippedComments = text.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  const name = FORBIDDEN_NAMES.exec(strippedComments);
  if (name) {
    throw new SqlError(`"${name[1]}" is not a dataset: herowatch sql reads the dataset views only (herowatch datasets lists them), never herowatch's own tables or the database's catalog.`);
  }
  const code = codeOnly(text).replace(/"(?:[^"]|"")*"/g, '""');
  if (/;\s*\S/.test(code)) throw new SqlError('One statement at a time: herowatch sql runs a single read-only SELECT.');
  if (!QUERY_START.test(code)) {
    const first = /^[\s(]*([A-Za-z_]+)/.exec(code)?.[1]?.toUpperCase() ?? 'This statement';
    throw new SqlError(`${first} is not allowed: herowatch sql runs one read-only SELECT (or WITH ... SELECT) over the dataset views; COPY, LOCK, SET, DO, CALL, transaction control and anything that writes are refused.`);
  }
}

/**
 * Runs one read-only query over the dataset views, within a row cap and a
 * time limit. SQLite: in a child process on a read-only connection, after
 * checking from the compiled program that it reads no table but those the
 * views read; the child is killed at the time limit. PostgreSQL: in a READ
 * ONLY transaction under a role that may only SELECT the views, with a
 * statement timeout; refused on a superuser connection, which could leave
 * that role.
 */
export async function runDatasetSql(store: Store, query: string, limits: SqlLimits = DEFAULT_SQL_LIMITS, scope?: { connections: string[] }): Promise<SqlResult> {
  refuseOutsideDatasets(query);
  if (scope) refuseQualifiedNames(query);
  if (store.dialect === 'sqlite') return runInChild(store.location.sqlitePath, query, limits, scope?.connections);
  return runOnPostgres(store, query, limits, scope?.connections);
}

/**
 * A query confined to some connections reads the dataset views through
 * views of the same names that keep only those connections' rows (SQLite's
 * temp schema, PostgreSQL's pg_temp, both searched first); naming a schema
 * would reach past them, so it is refused.
 */
function refuseQualifiedNames(query: string): void {
  const code = codeOnly(query);
  const qualified = /(?:^|[^\w$])"?(main|temp|public|pg_temp\w*|herowatch\w*)"?\s*\.\s*["\w]/i.exec(code);
  if (qualified) throw new SqlError(`"${qualified[1]}." names a schema: this client reads the dataset views of its own connections only, by their plain names (apps, not ${qualified[1]}.apps).`);
}

/** The dataset views a confined query may read, each with a connection column to confine it by. */
function confinedViews(): string[] {
  return datasets()
    .filter((d) => d.columns.some((c) => c.name === 'connection'))
    .map((d) => d.name);
}

const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * The SQLite query process: started on first use and kept for the next
 * query (a process start costs more than most queries), killed at a time
 * limit and started again on the next. Queries run one at a time. It does
 * not keep herowatch running, and it ends when herowatch does.
 */
class SqlProcess {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  run(job: Omit<SqlJob, 'id'>, timeoutMs: number): Promise<SqlResult> {
    const result = this.queue.then(() => this.send(job, timeoutMs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private start(): ChildProcess {
    const { entry, execArgv } = childEntry();
    const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv, serialization: 'advanced' });
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    return child;
  }

  private send(job: Omit<SqlJob, 'id'>, timeoutMs: number): Promise<SqlResult> {
    const child = (this.child ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const settle = (action: () => void): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        (child.channel as { unref?: () => void } | undefined)?.unref?.();
        action();
      };
      const onMessage = (reply: SqlReply): void => {
        if (reply.id === id) settle(() => (reply.ok ? resolve(reply.result) : reject(new SqlError(reply.error))));
      };
      const onExit = (code: number | null): void => settle(() => reject(new SqlError(`The query stopped the SQL process (exit ${code}).`)));
      const timer = setTimeout(() => {
        settle(() => reject(new SqlError(`The query ran longer than ${Math.round(timeoutMs / 1000)} s and was stopped; narrow it (a WHERE on connection or a LIMIT).`)));
        if (this.child === child) this.child = null;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      (child.channel as { ref?: () => void } | undefined)?.ref?.();
      child.send({ ...job, id } satisfies SqlJob);
    });
  }
}

const sqlProcess = new SqlProcess();

function runInChild(path: string, query: string, limits: SqlLimits, connections?: string[]): Promise<SqlResult> {
  const confine = connections === undefined ? undefined : confinedViews().map((view) => `CREATE TEMP VIEW ${view} AS SELECT * FROM main.${view} WHERE connection IN (${connections.length === 0 ? 'NULL' : connections.map(quoteLiteral).join(', ')})`);
  return sqlProcess.run({ path, query, maxRows: limits.maxRows, allowedTables: [...VIEW_BASE_TABLES], confine, confinedViews: connections === undefined ? undefined : confinedViews() }, limits.timeoutMs);
}

/**
 * The child's script: compiled, sql-child.js beside this file. Run from the
 * TypeScript sources (tests, benchmarks), the compiled one when the build
 * has made it (npm ci and npm test do), else the .ts through tsx.
 */
function childEntry(): { entry: string; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { entry: fileURLToPath(new URL('./sql-child.js', import.meta.url)), execArgv: [] };
  const compiled = fileURLToPath(new URL('../../dist/store/sql-child.js', import.meta.url));
  if (existsSync(compiled)) return { entry: compiled, execArgv: [] };
  return { entry: fileURLToPath(new URL('./sql-child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/** The role the console runs as on PostgreSQL: one per database and schema, allowed to SELECT the views and nothing else. */
async function readerRole(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const { rows } = await sql<{ db: string; schema: string }>`SELECT current_database() AS db, current_schema() AS schema`.execute(db);
  return `herowatch_sql_${createHash('sha256').update(`${rows[0]!.db}.${rows[0]!.schema}`).digest('hex').slice(0, 16)}`;
}

/**
 * Creates the reader role if it can (the database user needs CREATEROLE),
 * grants it SELECT on the views and nothing else, and lets the database user
 * switch to it. Without CREATEROLE, `herowatch sql` on PostgreSQL says how
 * to create it.
 */
export async function grantViewsToReader(tx: Transaction<Database>, views: string[]): Promise<void> {
  const role = await readerRole(tx);
  const { rows } = await sql<{ exists: boolean; createrole: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${role}) AS exists, (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) AS createrole`.execute(tx);
  const { exists, createrole } = rows[0]!;
  if (!exists) {
    if (!createrole) return;
    await sql.raw(`CREATE ROLE ${role} NOLOGIN NOINHERIT`).execute(tx);
  }
  // The database user must be able to SET ROLE to it: PostgreSQL 16 and later need that said (WITH SET TRUE), 15 and
  // earlier do not know the clause. Each attempt runs in a savepoint, so a refusal leaves the transaction usable.
  for (const grant of [`GRANT ${role} TO CURRENT_USER WITH SET TRUE`, `GRANT ${role} TO CURRENT_USER`]) {
    await sql.raw('SAVEPOINT herowatch_grant').execute(tx);
    try {
      await sql.raw(grant).execute(tx);
      await sql.raw('RELEASE SAVEPOINT herowatch_grant').execute(tx);
      break;
    } catch {
      await sql.raw('ROLLBACK TO SAVEPOINT herowatch_grant').execute(tx);
    }
  }
  await sql.raw(`GRANT USAGE ON SCHEMA ${await schemaName(tx)} TO ${role}`).execute(tx);
  for (const view of views) await sql.raw(`GRANT SELECT ON ${view} TO ${role}`).execute(tx);
}

async function schemaName(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`SELECT quote_ident(current_schema()) AS schema`.execute(db);
  return rows[0]!.schema;
}

/** What the console checks once per database URL before it runs anything there: who the connection is, and the reader role. */
const postgresReady = new Map<string, Promise<string>>();

async function readyPostgres(store: Store, client: pg.Client): Promise<string> {
  const role = await readerRole(store.db);
  const { rows } = await client
    .query<{ superuser: boolean; member: boolean; exists: boolean }>(
      "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) AS superuser, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists, pg_has_role(session_user, (SELECT oid FROM pg_roles WHERE rolname = $1), 'MEMBER') AS member",
      [role],
    )
    .catch(() => ({ rows: [{ superuser: false, member: false, exists: false }] }));
  const { superuser, member, exists } = rows[0]!;
  if (superuser) {
    throw new ForbiddenError('herowatch sql does not run on a superuser connection (a superuser can leave the read-only role it runs under): set DATABASE_URL to a role without SUPERUSER, as herowatch should use anyway.');
  }
  if (!exists || !member) {
    throw new ForbiddenError(
      `herowatch sql runs under the role ${role}, which may only read the dataset views, and it does not exist${exists ? ' for this user' : ''}: give the database user CREATEROLE once (ALTER ROLE <user> CREATEROLE) and run any herowatch command, or create it yourself: CREATE ROLE ${role} NOLOGIN; GRANT ${role} TO <user>.`,
    );
  }
  return role;
}

async function runOnPostgres(store: Store, query: string, limits: SqlLimits, connections?: string[]): Promise<SqlResult> {
  const url = store.location.databaseUrl!;
  const { default: pgDriver } = await import('pg');
  const client: pg.Client = new pgDriver.Client({ connectionString: url });
  await client.connect();
  try {
    let ready = postgresReady.get(url);
    if (!ready) {
      ready = readyPostgres(store, client);
      postgresReady.set(url, ready);
      // A refusal is not remembered: the role may be created meanwhile.
      ready.catch(() => postgresReady.delete(url));
    }
    const role = await ready;
    if (connections !== undefined) {
      // Views of the same names in this session's temporary schema, which PostgreSQL searches first; gone when the session ends.
      const schema = (await client.query<{ schema: string }>('SELECT quote_ident(current_schema()) AS schema')).rows[0]!.schema;
      const kept = connections.length === 0 ? 'NULL' : connections.map(quoteLiteral).join(', ');
      for (const view of confinedViews()) {
        await client.query(`CREATE TEMP VIEW ${view} AS SELECT * FROM ${schema}.${view} WHERE connection IN (${kept})`);
        await client.query(`GRANT SELECT ON pg_temp.${view} TO ${role}`);
      }
    }
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(limits.timeoutMs))}`);
    await client.query(`SET LOCAL ROLE ${role}`);
    // One prepared statement (the extended protocol takes exactly one), wrapped so that it can only be a query and returns one row past the cap.
    const wrapped = `SELECT * FROM (${query.trim().replace(/;\s*$/, '')}\n) AS herowatch_query LIMIT ${limits.maxRows + 1}`;
    const result = await client.query({ text: wrapped, name: `herowatch-sql-${process.pid}-${Date.now()}` });
    const rows = result.rows as Record<string, unknown>[];
    return { columns: result.fields.map((f) => f.name), rows: rows.slice(0, limits.maxRows), truncated: rows.length > limits.maxRows };
  } catch (error) {
    if (error instanceof ForbiddenError) throw error;
    const pgError = error as { code?: string; message?: string };
    if (pgError.code === '57014') throw new SqlError(`The query ran longer than ${Math.round(limits.timeoutMs / 1000)} s and was stopped; narrow it (a WHERE on connection or a LIMIT).`);
    if (pgError.code === '42501') throw new SqlError(`${pgError.message ?? 'permission denied'}: herowatch sql reads the dataset views only (herowatch datasets lists them).`);
    throw new SqlError(pgError.message ?? String(error));
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
}
