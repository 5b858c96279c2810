/**
 * The SQL console on PostgreSQL. A query runs in a session of its own,
 * logged in as a role of its own (never `SET ROLE` from herowatch's
 * session, which the query could undo): a role with no membership that
 * leads back to herowatch's database user, allowed to `SELECT` the views of
 * one schema, the console schema, and nothing else. Each console view is
 * the dataset view of the same name, keeping the rows of the connections
 * that `hw_sql_readers` lists for `current_user`: the role the session
 * logged in as, which it cannot change. One role per set of connections
 * (and one for every connection), so two clients with different scopes
 * never share a role, a session list or a view of each other's queries.
 *
 * The console views are security barriers: a condition the query adds
 * (a cast that fails on another connection's value, say) is never evaluated
 * before the scope's own. The query itself runs in the SQL console's
 * process (sql-child.ts, sql-postgres-query.ts), never in herowatch's.
 */
import { createHash, createHmac } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { ForbiddenError } from '../errors.js';
import type { Store } from './database.js';
import { advisoryLockKey, metaSecret } from './meta.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** hw_meta's key for the secret the console roles' passwords derive from. */
const SECRET_KEY = 'sql_reader_secret';
/** Sessions one console role may hold at once. */
const CONNECTION_LIMIT = 16;

interface ConsoleNames {
  /** herowatch's own schema (quoted). */
  schema: string;
  /** The schema of the console views, and the prefix of the console roles. */
  console: string;
  /** herowatch's database user, the owner of every view. */
  owner: string;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

async function consoleNames(db: Db): Promise<ConsoleNames> {
  const { rows } = await sql<{
    db: string;
    schema: string;
    owner: string;
  }>`SELECT current_database() AS db, current_schema() AS schema, current_user AS owner`.execute(db);
  const { db: database, schema, owner } = rows[0]!;
  return { schema: quoteIdent(schema), console: `herowatch_sql_${createHash('sha256').update(`${database}.${schema}`).digest('hex').slice(0, 16)}`, owner };
}

/** The role for a set of connections (null: every connection). */
function roleFor(names: ConsoleNames, connections: string[] | null): string {
  if (connections === null) return names.console;
  const key = [...new Set(connections)].sort().join('\u0000');
  return `${names.console}_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * The console views, made again with the dataset views (which they read,
 * so they go first when those are dropped). Every console role keeps its
 * grants on them.
 */
export async function dropConsoleViews(tx: Transaction<Database>): Promise<void> {
  const names = await consoleNames(tx);
  await sql.raw(`DROP SCHEMA IF EXISTS ${names.console} CASCADE`).execute(tx);
}

export async function createConsoleViews(tx: Transaction<Database>, views: string[]): Promise<void> {
  const names = await consoleNames(tx);
  await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${names.console}`).execute(tx);
  for (const view of views) {
    await sql
      .raw(
        `CREATE VIEW ${names.console}.${view} WITH (security_barrier = true) AS SELECT d.* FROM ${names.schema}.${view} d WHERE EXISTS (SELECT 1 FROM ${names.schema}.hw_sql_readers r WHERE r.role = current_user AND (r.connection_name IS NULL OR r.connection_name = d.connection))`,
      )
      .execute(tx);
  }
  const roles = await tx.selectFrom('hw_sql_readers').select('role').distinct().execute();
  const existing = new Set(
    (await sql<{ rolname: string }>`SELECT rolname FROM pg_roles WHERE rolname LIKE ${`${names.console}%`}`.execute(tx)).rows.map((r) => r.rolname),
  );
  for (const { role } of roles) if (existing.has(role)) await grantConsole(tx, names, role);
}

async function grantConsole(db: Db, names: ConsoleNames, role: string): Promise<void> {
  await sql.raw(`GRANT USAGE ON SCHEMA ${names.console} TO ${role}`).execute(db);
  await sql.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA ${names.console} TO ${role}`).execute(db);
}

const secret = (store: Store): Promise<string> => metaSecret(store, SECRET_KEY);

/**
 * The session's end, when its query runs past the time limit: herowatch's
 * user is a member of every console role, so it may end their sessions.
 */
export async function endSession(store: Store, pid: number): Promise<void> {
  await sql`SELECT pg_terminate_backend(${pid}) FROM pg_stat_activity WHERE pid = ${pid}`.execute(store.db).catch(() => {});
}

/** Forgets a role prepared by this process (its login failed: it may have been dropped since), so the next query makes it again. */
export function forgetReader(store: Store, role: string): void {
  ready.delete(`${store.location.databaseUrl}\u0000${role}`);
}

export interface Reader {
  role: string;
  config: pg.ClientConfig;
}

/** Roles made (or found) by this process, by database URL and role. */
const ready = new Map<string, Promise<Reader>>();

/**
 * The login role for `connections`, created on first use: NOINHERIT, no
 * membership, read-only by default, a few sessions at most, its password
 * derived from a secret only herowatch's own user can read. herowatch's
 * user is made a member of it (not the other way round), so that it can end
 * the role's sessions.
 */
export async function readerFor(store: Store, connections: string[] | null): Promise<Reader> {
  const names = await consoleNames(store.db);
  const role = roleFor(names, connections);
  const key = `${store.location.databaseUrl}\u0000${role}`;
  let reader = ready.get(key);
  if (!reader) {
    reader = prepareReader(store, names, role, connections);
    ready.set(key, reader);
    // A failure is not remembered: the database user may be given CREATEROLE meanwhile.
    reader.catch(() => ready.delete(key));
  }
  return reader;
}

async function prepareReader(store: Store, names: ConsoleNames, role: string, connections: string[] | null): Promise<Reader> {
  const password = createHmac('sha256', await secret(store))
    .update(role)
    .digest('base64url');
  const lockKey = await advisoryLockKey(store, `sql roles ${names.console}`);
  await store.db.transaction().execute(async (tx) => {
    // One process at a time creates roles of this database (CREATE ROLE is not idempotent), waiting a few seconds at
    // most; the lock's key holds a secret, so that a console session cannot take it first.
    await sql`SET LOCAL lock_timeout = '10s'`.execute(tx);
    await sql`SELECT pg_advisory_xact_lock(${lockKey}::bigint)`.execute(tx);
    const { rows } = await sql<{
      exists: boolean;
      createrole: boolean;
    }>`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${role}) AS exists, (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) AS createrole`.execute(
      tx,
    );
    const { exists, createrole } = rows[0]!;
    if (!createrole) {
      throw new ForbiddenError(
        'HW_FORBIDDEN',
        `The SQL console logs in as roles of its own, which only read the dataset views, and the database user ${names.owner} cannot create them: give it CREATEROLE once (ALTER ROLE ${quoteIdent(names.owner)} CREATEROLE).`,
      );
    }
    // Made again by every process (the attributes, the password): the superuser-only attributes are checked below rather than set, since a database user with CREATEROLE may not name them in ALTER ROLE.
    const attributes = `LOGIN NOINHERIT CONNECTION LIMIT ${CONNECTION_LIMIT} PASSWORD ${quoteLiteral(password)}`;
    await sql
      .raw(
        exists
          ? `ALTER ROLE ${role} WITH ${attributes}`
          : `CREATE ROLE ${role} WITH ${attributes} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`,
      )
      .execute(tx);
    for (const setting of ['default_transaction_read_only = on', `search_path = ${names.console}`, 'statement_timeout = 60000'])
      await sql.raw(`ALTER ROLE ${role} SET ${setting}`).execute(tx);
    // Nothing of herowatch's own schema (an older herowatch granted its views to the role it switched to).
    await sql.raw(`REVOKE ALL ON SCHEMA ${names.schema} FROM ${role}`).execute(tx);
    await sql.raw(`REVOKE ALL ON ALL TABLES IN SCHEMA ${names.schema} FROM ${role}`).execute(tx);
    await memberOf(tx, role);
    await tx.deleteFrom('hw_sql_readers').where('role', '=', role).execute();
    const rowsFor = connections === null ? [{ role, connection_name: null }] : [...new Set(connections)].map((name) => ({ role, connection_name: name }));
    // A scope of no connection is a role with no row: its views are empty.
    if (rowsFor.length > 0) await tx.insertInto('hw_sql_readers').values(rowsFor).execute();
    await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${names.console}`).execute(tx);
    await grantConsole(tx, names, role);
    await checkConfined(tx, names, role);
  });
  const config = parseIntoClientConfig(store.location.databaseUrl!);
  // Whatever the URL set for herowatch's own sessions (a search_path, other settings) is not the console's.
  return { role, config: { ...config, user: role, password, options: undefined, application_name: 'herowatch sql console' } };
}

/** herowatch's user joins the role (PostgreSQL 16 and later say how; 15 and earlier do not know the clause). */
async function memberOf(tx: Transaction<Database>, role: string): Promise<void> {
  for (const grant of [`GRANT ${role} TO CURRENT_USER WITH INHERIT TRUE, SET FALSE`, `GRANT ${role} TO CURRENT_USER`]) {
    await sql.raw('SAVEPOINT herowatch_grant').execute(tx);
    try {
      await sql.raw(grant).execute(tx);
      await sql.raw('RELEASE SAVEPOINT herowatch_grant').execute(tx);
      return;
    } catch {
      await sql.raw('ROLLBACK TO SAVEPOINT herowatch_grant').execute(tx);
    }
  }
}

/** What the role must not be or reach, checked once it is made, before any query runs as it. */
async function checkConfined(db: Db, names: ConsoleNames, role: string): Promise<void> {
  const { rows } = await sql<{ superuser: boolean; bypassrls: boolean; member: boolean; credentials: boolean; schema: boolean }>`
    SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication AS superuser, r.rolbypassrls AS bypassrls, pg_has_role(r.oid, (SELECT oid FROM pg_roles WHERE rolname = ${names.owner}), 'MEMBER') AS member,
      has_table_privilege(r.oid, 'hw_credentials'::regclass, 'SELECT') AS credentials, has_schema_privilege(r.oid, current_schema(), 'USAGE') AS schema
    FROM pg_roles r WHERE r.rolname = ${role}`.execute(db);
  const row = rows[0];
  if (!row || row.superuser || row.bypassrls || row.member || row.credentials || row.schema) {
    throw new ForbiddenError(
      'HW_FORBIDDEN',
      `The SQL console refused to run: its role ${role} reaches more than the dataset views (a superuser or a role that creates roles or databases, a member of ${names.owner}, or granted herowatch's own schema). Drop the role (DROP OWNED BY ${role}; DROP ROLE ${role}) and let herowatch create it again.`,
    );
  }
}
