import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Migration,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import type pg from 'pg';
import { openSqliteFile, openSqliteReadOnly, withStatementCache, writable } from './sqlite-driver.js';
import { HerowatchError, InputError } from '../errors.js';
import { up as inventory } from './migrations/001-inventory.js';
import { up as connections } from './migrations/002-connections.js';
import { up as compliance } from './migrations/003-compliance.js';
import { up as meta } from './migrations/004-meta.js';
import { up as runLease } from './migrations/005-run-lease.js';
import { up as suppressionIndex } from './migrations/006-suppression-index.js';
import { up as advisories } from './migrations/007-advisories.js';
import { up as vulnerabilities } from './migrations/008-vulnerabilities.js';
import { up as access } from './migrations/009-access.js';
import { up as users } from './migrations/010-users.js';
import { up as dashboardIndexes } from './migrations/011-dashboard-indexes.js';
import { up as verified } from './migrations/012-verified.js';
import { up as workers } from './migrations/013-workers.js';
import { up as notifications } from './migrations/014-notifications.js';
import { up as sqlReaders } from './migrations/015-sql-readers.js';
import { up as runStaging } from './migrations/016-run-staging.js';
import { up as slugPackageEntries } from './migrations/017-slug-package-entries.js';
import { up as sboms } from './migrations/018-sboms.js';
import { up as vex } from './migrations/019-vex.js';
import { up as priorities } from './migrations/020-priorities.js';
import type { Database } from './schema.js';
import type { Dialect } from './dialect.js';

export type { Dialect };

export interface StoreLocation {
  /** `postgres://...`: use PostgreSQL. */
  databaseUrl?: string;
  /** Otherwise this SQLite file (created with its folder). */
  sqlitePath: string;
  /** The job queue's schema on PostgreSQL (default herowatch_queue). */
  queueSchema?: string;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for messages (no password). */
  description: string;
  location: StoreLocation;
  /** A new, empty database was created by this opening (a first run, or a mistyped HEROWATCH_HOME). */
  created: boolean;
  /**
   * Opened for reading only: the SQLite home cannot be written (a read-only
   * mount, a copy handed to an auditor). Reads work; a write is refused
   * with a clear error (see readOnlyRefusal).
   */
  readOnly: boolean;
  close(): Promise<void>;
}

/**
 * Runs `work` in one transaction, handing it the store as seen from inside
 * (everything it reads and writes through that store is part of the
 * transaction; on SQLite, the outer store must not be used meanwhile). Work
 * that fails leaves nothing behind.
 */
export function inTransaction<T>(store: Store, work: (tx: Store) => Promise<T>): Promise<T> {
  return store.db.transaction().execute((tx) => work({ ...store, db: tx }));
}

/** Every migration, in order; each gets the dialect for the few types that differ. */
const MIGRATIONS: Record<string, (db: Kysely<unknown>, dialect: Dialect) => Promise<void>> = {
  '001-inventory': inventory,
  '002-connections': connections,
  '003-compliance': compliance,
  '004-meta': meta,
  '005-run-lease': runLease,
  '006-suppression-index': suppressionIndex,
  '007-advisories': advisories,
  '008-vulnerabilities': vulnerabilities,
  '009-access': access,
  '010-users': users,
  '011-dashboard-indexes': dashboardIndexes,
  '012-verified': verified,
  '013-workers': workers,
  '014-notifications': notifications,
  '015-sql-readers': sqlReaders,
  '016-run-staging': runStaging,
  '017-slug-package-entries': slugPackageEntries,
  '018-sboms': sboms,
  '019-vex': vex,
  '020-priorities': priorities,
};

export async function openStore(location: StoreLocation): Promise<Store> {
  const store = location.databaseUrl ? await openPostgres(location) : openSqlite(location);
  try {
    if (store.readOnly) await requireCurrentSchema(store);
    else await migrate(store);
  } catch (error) {
    await store.close();
    throw new HerowatchError(
      error instanceof HerowatchError ? error.code : 'HW_DATABASE_UNAVAILABLE',
      `Could not prepare the database at ${store.description}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return store;
}

/** The database and its journal files: readable by their owner only (they hold the inventory and the sealed credentials). */
const PRIVATE_FILE = 0o600;

function openSqlite(location: StoreLocation): Store {
  const path = location.sqlitePath;
  const folder = dirname(path);
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new InputError(
      'HW_HOME_UNUSABLE',
      `herowatch's home ${folder} is a file, not a folder: point HEROWATCH_HOME at a folder (it is created if it does not exist).`,
    );
  }
  const created = !existsSync(path);
  try {
    if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new InputError(
      'HW_HOME_UNUSABLE',
      `Cannot create herowatch's folder ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): choose a folder you can write to with HEROWATCH_HOME.`,
    );
  }
  // A database file that is there but empty was lost or truncated, not new: taking it for a new one would hide the loss.
  if (existsSync(path) && statSync(path).size === 0) {
    throw new InputError(
      'HW_HOME_UNUSABLE',
      `The database ${path} is empty (0 bytes): it is not a herowatch database. If it should hold data, restore it from a backup; if it is new, delete it and run the command again.`,
    );
  }
  // SQLite writes its journal files beside the database, so the folder must be writable as well as the file.
  const readOnly = !writable(folder) || (existsSync(path) && !writable(path));
  if (readOnly && !existsSync(path)) {
    throw new InputError(
      'HW_HOME_UNUSABLE',
      `herowatch's folder ${folder} cannot be written, and holds no database yet: make it writable, or choose another folder with HEROWATCH_HOME.`,
    );
  }
  const database = readOnly ? openSqliteReadOnly(path) : openSqliteFile(path);
  try {
    // Reading the schema is the first read: a file that is not SQLite fails here.
    const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    if (tables.length > 0 && !tables.includes('kysely_migration')) {
      throw new InputError(
        'HW_HOME_UNUSABLE',
        `${path} holds another program's database (tables: ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}): herowatch will not write into it. Point HEROWATCH_HOME at a folder of its own.`,
      );
    }
  } catch (error) {
    database.close();
    if (error instanceof InputError) throw error;
    throw new InputError(
      'HW_HOME_UNUSABLE',
      `${path} is not a SQLite database, or it is damaged (${(error as Error).message}): restore it from a backup, or point HEROWATCH_HOME at another folder.`,
    );
  }
  if (readOnly) {
    database.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    return { db, dialect: 'sqlite', description: location.sqlitePath, location, readOnly, created: false, close: () => db.destroy() };
  }
  // SQLite creates its -wal and -shm files with the database file's mode, so this comes first.
  chmodSync(path, PRIVATE_FILE);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Sorts and indexes bigger than the page cache go to temporary files, as SQLite's own default has it (better-sqlite3 builds
  // with them in memory): completing a full sync of 10,000 apps otherwise took some 150 MB more, which the process kept.
  database.pragma('temp_store = FILE');
  for (const journal of ['-wal', '-shm']) if (existsSync(`${location.sqlitePath}${journal}`)) chmodSync(`${location.sqlitePath}${journal}`, PRIVATE_FILE);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const close = async (): Promise<void> => {
    // Lets SQLite refresh the statistics its query planner uses, as it recommends on close.
    if (database.open) database.pragma('optimize');
    await db.destroy();
  };
  return { db, dialect: 'sqlite', description: location.sqlitePath, location, readOnly: false, created, close };
}

/**
 * Kysely's PostgreSQL introspector lists the tables of every schema in the
 * database; its migrator asks it whether the migration table exists. In a
 * database shared by many schemas (one per tenant, or per test), a schema
 * dropped meanwhile fails that listing. herowatch's tables live in the
 * connection's current schema, so only that schema is looked at.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`SELECT current_schema() AS name`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{
      name: string;
      schema: string;
      kind: string;
    }>`SELECT c.relname AS name, n.nspname AS schema, c.relkind AS kind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p')`.execute(
      this.db,
    );
    return rows.map((row) => ({ name: row.name, schema: row.schema, isView: row.kind === 'v' || row.kind === 'm', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

async function openPostgres(location: StoreLocation): Promise<Store> {
  // Loaded only for a PostgreSQL store: SQLite users never pay for the driver.
  const { default: pgDriver } = await import('pg');
  const pool: pg.Pool = new pgDriver.Pool({ connectionString: location.databaseUrl, max: 4 });
  // An idle connection the server ends (a restart, pg_terminate_backend, a proxy timeout) is dropped from the pool,
  // which opens a new one on next use; unhandled, the error would end the process.
  pool.on('error', () => {});
  // So is the end of a connection checked out between queries (inside a transaction): the next query on it fails instead.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  return { db, dialect: 'postgres', description: withoutPassword(location.databaseUrl!), location, readOnly: false, created: false, close: () => db.destroy() };
}

/** A read-only database is read as it is: one that needs a migration is refused, as it cannot be brought up to date. */
async function requireCurrentSchema(store: Store): Promise<void> {
  const applied = new Set(
    (await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(store.db).catch(() => ({ rows: [] }))).rows.map((r) => r.name),
  );
  const missing = Object.keys(MIGRATIONS).filter((name) => !applied.has(name));
  if (missing.length > 0) {
    throw new InputError(
      'HW_DATABASE_READ_ONLY',
      `${store.description} cannot be written, and was last written by an older herowatch (it lacks ${missing.join(', ')}): run herowatch once with write access to bring it up to date.`,
    );
  }
}

/**
 * A write refused because the store is read-only, as a clear error (the
 * driver's own message says only "attempt to write a readonly database");
 * null for any other error.
 */
export function readOnlyRefusal(store: Store, error: unknown): InputError | null {
  if (!store.readOnly || !String((error as { code?: unknown })?.code ?? '').startsWith('SQLITE_READONLY')) return null;
  return new InputError(
    'HW_DATABASE_READ_ONLY',
    `${store.description} cannot be written (its folder or file is read-only), and this command writes to it: reading commands work there; run this one with write access, or point HEROWATCH_HOME at a writable copy.`,
    { cause: error },
  );
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured database';
  }
}

async function migrate(store: Store): Promise<void> {
  // On PostgreSQL, the migration bookkeeping lives in the schema herowatch uses: Kysely otherwise
  // takes another schema's migration tables (another installation in the same database) for its own.
  let migrationTableSchema: string | undefined;
  if (store.dialect === 'postgres') {
    const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(store.db);
    migrationTableSchema = rows[0]?.schema ?? undefined;
    if (!migrationTableSchema)
      throw new InputError('HW_CONFIG_INVALID', "The database's search_path names no existing schema; create one or fix search_path in DATABASE_URL.");
  }
  const migrator = new Migrator({
    db: store.db,
    migrationTableSchema,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(Object.entries(MIGRATIONS).map(([name, up]) => [name, { up: (db) => up(db, store.dialect) } satisfies Migration])),
    },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/** `data` comes back parsed from PostgreSQL (jsonb) and as text from SQLite. */
export function parseJson<T = Record<string, unknown>>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
