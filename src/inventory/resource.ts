import type { PageOptions } from '../heroku/paginate.js';

export type ColumnType = 'text' | 'integer' | 'boolean' | 'timestamp' | 'json';

/** A dataset column: where it comes from in the stored record, and what it means. */
export interface Column {
  name: string;
  type: ColumnType;
  description: string;
  /** Dotted path into the stored record; default: the column name. */
  path?: string;
  /** Read from another resource's current record with the same key (team apps' `locked` on apps). */
  from?: { resource: string; path: string };
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
  columns: Column[];
}

export function defineResource(definition: ResourceDefinition): ResourceDefinition {
  return definition;
}

/** Column helpers: the common shapes, each with its description. */
export const col = {
  text: (name: string, description: string, path?: string): Column => ({ name, type: 'text', description, path }),
  int: (name: string, description: string, path?: string): Column => ({ name, type: 'integer', description, path }),
  bool: (name: string, description: string, path?: string): Column => ({ name, type: 'boolean', description, path }),
  time: (name: string, description: string, path?: string): Column => ({ name, type: 'timestamp', description, path }),
  json: (name: string, description: string, path?: string): Column => ({ name, type: 'json', description, path }),
  id: (description = 'Heroku id (UUID)'): Column => ({ name: 'id', type: 'text', description, path: 'id' }),
  created: (): Column => ({ name: 'created_at', type: 'timestamp', description: 'When Heroku created it' }),
  updated: (): Column => ({ name: 'updated_at', type: 'timestamp', description: 'When Heroku last changed it' }),
  /** The app a per-app record belongs to. */
  app: (): Column[] => [
    { name: 'app_id', type: 'text', description: 'Id of the app', path: 'app.id' },
    { name: 'app_name', type: 'text', description: 'Name of the app', path: 'app.name' },
  ],
};

/** Adds the parent app to a per-app record, as `app: {id, name}`. */
export function withApp(item: Record<string, unknown>, parent?: ParentRecord): Record<string, unknown> {
  return parent ? { app: { id: parent.item.id, name: parent.item.name } } : {};
}

export const appPath = (suffix: string) => (parent: ParentRecord): string => `/apps/${parent.key}${suffix}`;
