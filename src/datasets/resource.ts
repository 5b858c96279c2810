import type { PageOptions } from '../heroku/paginate.js';

export type ColumnType = 'text' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'json';

/** A dataset column: where it comes from in the stored record, and what it means. */
export interface Column<N extends string = string, T extends ColumnType = ColumnType> {
  name: N;
  type: T;
  description: string;
  /** Dotted path into the stored record; default: the column name. */
  path?: string;
  /** Read from another resource's current record with the same key (team apps' `locked` on apps). */
  from?: { resource: string; path: string };
  /** Never null: Heroku's schema requires it, or herowatch sets it (ids, the parent app). See `always`. */
  always?: true;
}

/** Marks a column Heroku always fills (a required field of its schema), so rows type it as never null. */
export function always<N extends string, T extends ColumnType>(column: Column<N, T>): Column<N, T> & { always: true } {
  return { ...column, always: true };
}

/** A parent record during a sync: its key and its (sanitized) item. */
export interface ParentRecord {
  key: string;
  item: Record<string, unknown>;
}

/** What the account is missing when a resource answers 403, to name the fix. */
export type Requirement = 'read' | 'read-protected' | 'global' | 'enterprise-view' | 'enterprise-manage' | 'team-member';

export interface ResourceDefinition {
  /** Dataset name (snake_case), also the SQL view's name. */
  name: string;
  description: string;
  /** The resource whose records this one is fetched per (e.g. `apps`). */
  parent?: string;
  /**
   * The fields of its records that its child resources (their path, key and
   * enrichment) and the sync's plan read while a run is under way: only these
   * are held in memory until the run ends, so a run's memory does not grow
   * with the size of what it reads. Unset: the whole record (for parents of a
   * handful of records: the account, enterprise accounts).
   */
  heldForChildren?: readonly string[];
  /** GET path, or per parent record (null: nothing to fetch for this parent). */
  path: string | ((parent: ParentRecord) => string | null);
  /** `list`: a (paged) array; `object`: one object; `map`: an object of names (config vars). */
  shape: 'list' | 'object' | 'map';
  /** Range for lists, e.g. releases newest first. */
  range?: PageOptions;
  /** The record's key; default: the item's `id`. */
  key?: (item: Record<string, unknown>, parent?: ParentRecord) => string;
  /** Keeps some of a list (releases: the newest down to the current one). */
  select?: (items: Record<string, unknown>[]) => Record<string, unknown>[];
  /** Fields added to what is stored (e.g. the parent app's id and name); it sees the item before `omit`. */
  enrich?: (item: Record<string, unknown>, parent?: ParentRecord) => Record<string, unknown>;
  /** Top-level fields never stored (applied after `enrich`). */
  omit?: string[];
  /** Changes on every sync by nature; left out of change reports. */
  volatile?: boolean;
  /** What a 403 here means the account lacks. */
  requires: Requirement;
  columns: readonly Column[];
}

/** Keeps each column's name and type in the declaration's type, so that rows can be typed from it (`RowOf`). */
export function defineResource<const C extends readonly Column[]>(definition: ResourceDefinition & { columns: C }): ResourceDefinition & { columns: C } {
  return definition;
}

/** What a column of each type holds once read (see `readDataset`): JSON columns parsed, not yet checked. */
interface ColumnValues {
  text: string;
  integer: number;
  number: number;
  boolean: boolean;
  timestamp: string;
  json: unknown;
}

/** The names of a declared resource's columns. */
export type ColumnName<R extends { columns: readonly Column[] }> = R['columns'][number]['name'];

/**
 * A row of a declared resource's dataset, derived from its declaration: every
 * column, typed by its declared type, and null where Heroku may leave it out
 * (any column not marked `always`).
 */
export type RowOf<R extends { columns: readonly Column[] }> = {
  [C in R['columns'][number] as C['name']]: C extends { always: true } ? ColumnValues[C['type']] : ColumnValues[C['type']] | null;
};

/** Column helpers: the common shapes, each with its description. */
export const col = {
  text: <N extends string>(name: N, description: string, path?: string): Column<N, 'text'> => ({ name, type: 'text', description, path }),
  int: <N extends string>(name: N, description: string, path?: string): Column<N, 'integer'> => ({ name, type: 'integer', description, path }),
  bool: <N extends string>(name: N, description: string, path?: string): Column<N, 'boolean'> => ({ name, type: 'boolean', description, path }),
  time: <N extends string>(name: N, description: string, path?: string): Column<N, 'timestamp'> => ({ name, type: 'timestamp', description, path }),
  json: <N extends string>(name: N, description: string, path?: string): Column<N, 'json'> => ({ name, type: 'json', description, path }),
  id: (description = 'Heroku id (UUID)'): Column<'id', 'text'> & { always: true } => ({ name: 'id', type: 'text', description, path: 'id', always: true }),
  created: (): Column<'created_at', 'timestamp'> & { always: true } => ({
    name: 'created_at',
    type: 'timestamp',
    description: 'When Heroku created it',
    always: true,
  }),
  updated: (): Column<'updated_at', 'timestamp'> => ({ name: 'updated_at', type: 'timestamp', description: 'When Heroku last changed it' }),
  /** The app a per-app record belongs to. */
  app: (): [Column<'app_id', 'text'> & { always: true }, Column<'app_name', 'text'> & { always: true }] => [
    { name: 'app_id', type: 'text', description: 'Id of the app', path: 'app.id', always: true },
    { name: 'app_name', type: 'text', description: 'Name of the app', path: 'app.name', always: true },
  ],
};

/** Adds the parent app to a per-app record, as `app: {id, name}`. */
export function withApp(item: Record<string, unknown>, parent?: ParentRecord): Record<string, unknown> {
  return parent ? { app: { id: parent.item.id, name: parent.item.name } } : {};
}

export const appPath =
  (suffix: string) =>
  (parent: ParentRecord): string =>
    `/apps/${parent.key}${suffix}`;
