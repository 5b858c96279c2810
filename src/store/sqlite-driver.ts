/**
 * The SQLite driver for the Node.js line this process runs on.
 *
 * better-sqlite3 12 is the last major that runs on Node 20, and on Node 24
 * it aborts the process when the garbage collector frees a statement
 * ("Assertion failed: (env) != nullptr" in Statement::~Statement, from its
 * use of node::ObjectWrap). better-sqlite3 13 moved to node-addon-api, which
 * fixes that, but needs Node 22. Both are installed (13 under the alias
 * `better-sqlite3-13`); this picks one. They share one API, so the rest of
 * the code sees a single type.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;
type SqliteConstructor = typeof BetterSqlite3;

/** The first Node.js major that gets better-sqlite3 13. */
const NAPI_DRIVER_FROM = 22;

export function sqliteDriverName(nodeVersion: string = process.versions.node): 'better-sqlite3' | 'better-sqlite3-13' {
  return Number(nodeVersion.split('.')[0]) >= NAPI_DRIVER_FROM ? 'better-sqlite3-13' : 'better-sqlite3';
}

let driver: SqliteConstructor | undefined;

/** Loaded on first use, so that the driver this Node line cannot run is never loaded. */
export function openSqliteFile(path: string, options?: BetterSqlite3.Options): SqliteDatabase {
  // `file:` URIs (for `immutable=1`, which reads a database in a folder that cannot be written) are enabled by the
  // driver only when this is set as it loads. herowatch's own paths are absolute, so none is taken for a URI by mistake.
  process.env.SQLITE_USE_URI ??= '1';
  driver ??= createRequire(import.meta.url)(sqliteDriverName()) as SqliteConstructor;
  return new driver(path, options);
}

/** Whether this process may write `path`. */
export function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A database opened for reading only, wherever it lies. In a folder that
 * cannot be written SQLite cannot create the shared-memory file of its
 * write-ahead log: with a log there (left by a writer) it reads both
 * read-only; without one, the file is read as immutable (nobody may write
 * there to change it).
 */
export function openSqliteReadOnly(path: string): SqliteDatabase {
  return openSqliteFile(readOnlyUri(path), { readonly: true, fileMustExist: true });
}

/** The `file:` URI that opens `path` for reading only, as openSqliteReadOnly does (ATTACH takes it too). */
export function readOnlyUri(path: string): string {
  const immutable = !writable(dirname(path)) && !existsSync(`${path}-wal`);
  return `file:${encodeURI(path).replace(/[?#]/g, encodeURIComponent)}?${immutable ? 'immutable=1' : 'mode=ro'}`;
}

/** The part of a database Kysely's SQLite dialect uses. */
export interface KyselySqliteDatabase {
  close(): void;
  prepare(sql: string): BetterSqlite3.Statement;
}

/**
 * The database as Kysely's dialect sees it, with its prepared statements
 * kept by SQL text: Kysely prepares every query it runs, and preparing cost
 * more than running in the write-heavy paths (tests of 2,000 apps). A
 * statement still being iterated is not reused; the cache holds the most
 * recently used `size` statements.
 */
export function withStatementCache(database: SqliteDatabase, size = 256): KyselySqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare: (sql) => {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Most recently used last.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > size) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}
