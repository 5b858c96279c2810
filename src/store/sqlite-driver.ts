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
import { createRequire } from 'node:module';
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
  driver ??= createRequire(import.meta.url)(sqliteDriverName()) as SqliteConstructor;
  return new driver(path, options);
}
