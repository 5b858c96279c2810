import type { Kysely } from 'kysely';
import type { ColumnType } from '../datasets/resource.js';

/** A SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The two databases herowatch runs on; the few places their SQL differs take this. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * Where the two databases differ, behind one interface (as Kysely keeps a
 * dialect per database): the SQL of a few expressions, the planner's
 * statistics, and what only PostgreSQL offers (a job queue, login roles
 * for the SQL console). The rest of the store asks the adapter, never which
 * database it is.
 */
export interface SqlDialect {
  readonly name: Dialect;
  /** The type a current-state column of this kind is stored as. */
  columnType(type: ColumnType): string;
  /** The SQL expression reading a dotted `path` from the JSON column `data`, typed. */
  jsonColumn(data: string, path: string, type: ColumnType): string;
  /** The SQL expression of the seconds from one ISO-8601 text column to another. */
  secondsBetween(from: string, to: string): string;
  /** Refreshes the planner's statistics of these tables (none: the whole database, where that is how it is done). */
  analyze(db: Kysely<never>, tables: string[]): Promise<void>;
  /** Whether a large insert needs the planner told at once, within its transaction (PostgreSQL's autovacuum comes later). */
  readonly analyzeAfterBulkInsert: boolean;
  /** Whether the job queue of scaled deployments can live here. */
  readonly jobQueue: boolean;
  /** Whether the SQL console logs in as roles of its own over views of their own (else it reads a copy, in a process of its own). */
  readonly consoleRoles: boolean;
}
