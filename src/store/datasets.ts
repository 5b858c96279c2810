import { sql, type RawBuilder } from 'kysely';
import { datasetNamed, datasets, type Dataset } from '../datasets/catalog.js';
import { InputError, NotFoundError } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Store } from './database.js';
import { datasetSelect } from './dataset-views.js';

export class UnknownDataset extends NotFoundError {
  constructor(name: string) {
    const names = datasets().map((d) => d.name);
    const wanted = name.replace(/-/g, '_').toLowerCase();
    // The usual slip: a singular, a prefix, or one letter off.
    const near = names.filter((n) => n === `${wanted}s` || n.startsWith(wanted) || wanted.startsWith(n) || oneEditApart(n, wanted));
    super(
      'HW_DATASET_UNKNOWN',
      `There is no dataset "${name}"${near.length > 0 ? `; did you mean ${near.slice(0, 3).join(' or ')}?` : '.'} Datasets: ${names.join(', ')}.`,
      { remedy: { do: 'list', what: 'datasets' } },
    );
  }
}

function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}

export type FilterValue = string | number | boolean | null;

export interface DatasetQuery {
  /** Only rows of this connection (or these). */
  connection?: string | string[];
  /** The inventory as of a past complete run instead of the current one (inventory datasets). */
  asOfRun?: number;
  /** Columns to return (default all, in declared order). */
  columns?: string[];
  /** Equality filters on declared columns; an array means any of its values. */
  filters?: Record<string, FilterValue | FilterValue[]>;
  /**
   * Columns from a value (included) and before another (excluded), in the
   * database's own order; either end may be open (null). Back-to-back
   * ranges split a dataset into pages with no row in two and none left out.
   */
  range?: Record<string, { from: string | null; before: string | null }>;
  /** Text columns that contain a value, in any case (a search). */
  contains?: Record<string, string>;
  /** Sort columns (default the first two declared; [] for none); when paging, ties are broken by every returned column. */
  orderBy?: string[];
  limit?: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
}

export interface DatasetPage {
  dataset: Dataset;
  rows: Record<string, unknown>[];
  /** Where the next page starts, or null on the last page. */
  nextCursor: string | null;
}

export function requireDataset(name: string): Dataset {
  const dataset = datasetNamed(name);
  if (!dataset) throw new UnknownDataset(name);
  return dataset;
}

function column(dataset: Dataset, name: string): string {
  if (!dataset.columns.some((c) => c.name === name)) {
    throw new InputError('HW_DATASET_OPTION', `Dataset ${dataset.name} has no column "${name}" (columns: ${dataset.columns.map((c) => c.name).join(', ')}).`);
  }
  return name;
}

function source(store: Store, dataset: Dataset, asOfRun?: number): RawBuilder<unknown> {
  return asOfRun === undefined ? sql.table(dataset.name) : sql`(${sql.raw(datasetSelect(dataset, store.dialect, asOfRun))}) AS d`;
}

function where(dataset: Dataset, query: DatasetQuery): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [];
  const connections = query.connection === undefined ? undefined : [query.connection].flat();
  if (connections) conditions.push(connections.length === 0 ? sql`1 = 0` : sql`connection IN (${sql.join(connections)})`);
  for (const [name, value] of Object.entries(query.filters ?? {})) {
    const ref = sql.ref(column(dataset, name));
    const values = [value].flat();
    const present = values.filter((v): v is Exclude<FilterValue, null> => v !== null);
    const parts: RawBuilder<unknown>[] = [];
    if (present.length > 0) parts.push(sql`${ref} IN (${sql.join(present.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)))})`);
    if (values.includes(null)) parts.push(sql`${ref} IS NULL`);
    conditions.push(parts.length === 0 ? sql`1 = 0` : sql`(${sql.join(parts, sql` OR `)})`);
  }
  for (const [name, { from, before }] of Object.entries(query.range ?? {})) {
    const ref = sql.ref(column(dataset, name));
    if (from !== null) conditions.push(sql`${ref} >= ${from}`);
    if (before !== null) conditions.push(sql`${ref} < ${before}`);
  }
  for (const [name, value] of Object.entries(query.contains ?? {})) {
    const pattern = `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`lower(${sql.ref(column(dataset, name))}) LIKE ${pattern} ESCAPE '\\'`);
  }
  return conditions.length === 0 ? sql`` : sql` WHERE ${sql.join(conditions, sql` AND `)}`;
}

/**
 * Rows of one dataset, typed as the dataset declares (booleans as booleans,
 * JSON as values): the one way every consumer (the checks' inventory, exports,
 * the web and MCP front ends) reads the datasets.
 */
export async function readDataset(store: Store, name: string, query: DatasetQuery = {}): Promise<DatasetPage> {
  const dataset = requireDataset(name);
  const columns = (query.columns ?? dataset.columns.map((c) => c.name)).map((c) => column(dataset, c));
  const offset = decodeCursor(query.cursor);
  const limit = query.limit === undefined ? undefined : Math.max(0, Math.trunc(query.limit));
  const order = (query.orderBy ?? dataset.columns.slice(0, 2).map((c) => c.name)).map((c) => column(dataset, c));
  if (limit !== undefined) order.push(...columns.filter((c) => dataset.columns.find((d) => d.name === c)?.type !== 'json'));
  const orderBy = order.length === 0 ? sql`` : sql` ORDER BY ${sql.join([...new Set(order)].map((c) => sql.ref(c)))}`;
  const paging = limit === undefined ? sql`` : sql` LIMIT ${limit + 1} OFFSET ${offset}`;
  const { rows } = await sql<
    Record<string, unknown>
  >`SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${source(store, dataset, query.asOfRun)}${where(dataset, query)}${orderBy}${paging}`.execute(
    store.db,
  );
  const more = limit !== undefined && rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    dataset,
    rows: page.map((row) => typed(dataset, row, columns)),
    nextCursor: more ? encodeCursor(offset + limit!) : null,
  };
}

/** How many rows a dataset has (for a connection, with filters). */
export async function countDataset(
  store: Store,
  name: string,
  query: Pick<DatasetQuery, 'connection' | 'asOfRun' | 'filters' | 'contains'> = {},
): Promise<number> {
  const dataset = requireDataset(name);
  const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${source(store, dataset, query.asOfRun)}${where(dataset, query)}`.execute(
    store.db,
  );
  return Number(rows[0]?.n ?? 0);
}

function typed(dataset: Dataset, row: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of columns) {
    const type = dataset.columns.find((c) => c.name === name)!.type;
    const value = row[name];
    if (value === null || value === undefined) out[name] = null;
    else if (type === 'boolean') out[name] = value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    else if (type === 'integer' || type === 'number') out[name] = Number(value);
    else if (type === 'json') out[name] = typeof value === 'string' ? JSON.parse(value) : value;
    else out[name] = value;
  }
  return out;
}
