import { sql, type Kysely, type Transaction } from 'kysely';
import { RESOURCES } from '../datasets/registry.js';
import type { Column, ColumnType, ResourceDefinition } from '../datasets/resource.js';
import type { Store } from './database.js';
import { quoteLiteral, type Dialect } from './dialect.js';
import { dialectOf, sqlDialect } from './dialects/index.js';
import type { Database } from './schema.js';

/**
 * The current state of each synced resource, in a table of typed columns
 * (`hw_cur_<resource>`), so that what people read most (lists, filters,
 * counts, joins across datasets) is indexed and cheap. The versioned
 * records (hw_records) stay the history and the source: these tables are
 * rewritten from them by the run writer as a run completes (in the same
 * transaction), and rebuilt whole when the declarations change.
 */

export function currentTable(resource: string): string {
  return `hw_cur_${resource}`;
}

/** Columns stored in the current-state table: the resource's own (a column read from another resource is joined at read time). */
export function storedColumns(resource: ResourceDefinition): Column[] {
  return resource.columns.filter((c) => !c.from);
}

/** Columns worth an index: ids, names and references to other resources, what lists filter and joins match on. */
function indexed(column: Column): boolean {
  return (
    column.name === 'id' ||
    column.name === 'name' ||
    column.name.endsWith('_id') ||
    column.name.endsWith('_name') ||
    column.name === 'email' ||
    column.name === 'hostname'
  );
}

/** The SQL expression reading `path` (dotted) from a JSON record column, typed: the dialect's. */
export function jsonColumn(dialect: Dialect, data: string, path: string, type: ColumnType): string {
  return sqlDialect(dialect).jsonColumn(data, path, type);
}

/** CREATE statements of one resource's current-state table and its indexes. */
export function currentTableDdl(resource: ResourceDefinition, dialect: Dialect): string[] {
  const table = currentTable(resource.name);
  const columns = storedColumns(resource).map((c) => `"${c.name}" ${sqlDialect(dialect).columnType(c.type)}`);
  return [
    // The connection's name is kept beside its id so that a dataset's view is this one table: views over one table fold into the queries that use them, joins included.
    `CREATE TABLE ${table} (connection_id integer NOT NULL REFERENCES hw_connections(id) ON DELETE CASCADE, connection text NOT NULL, key text NOT NULL, ${columns.join(', ')}, PRIMARY KEY (connection_id, key))`,
    `CREATE INDEX ${table}__connection ON ${table} (connection)`,
    ...storedColumns(resource)
      .filter(indexed)
      .map((c) => `CREATE INDEX ${table}_${c.name} ON ${table} ("${c.name}")`),
  ];
}

/** INSERT ... SELECT that copies records (the condition picks which) into the resource's current-state table. */
function copyStatement(resource: ResourceDefinition, dialect: Dialect, where: string): string {
  const columns = storedColumns(resource);
  const values = columns.map((c) => jsonColumn(dialect, 'r.data', c.path ?? c.name, c.type));
  return [
    `INSERT INTO ${currentTable(resource.name)} (connection_id, connection, key, ${columns.map((c) => `"${c.name}"`).join(', ')})`,
    `SELECT r.connection_id, c.name, r.key, ${values.join(', ')}`,
    'FROM hw_records r',
    'JOIN hw_connections c ON c.id = r.connection_id',
    `WHERE r.resource = ${quoteLiteral(resource.name)} AND ${where}`,
  ].join('\n');
}

/** Drops and recreates every current-state table, filled from each connection's last complete run. */
export async function rebuildCurrentState(tx: Transaction<Database>, dialect: Dialect): Promise<void> {
  for (const resource of RESOURCES) {
    await sql.raw(`DROP TABLE IF EXISTS ${currentTable(resource.name)}`).execute(tx);
    for (const statement of currentTableDdl(resource, dialect)) await sql.raw(statement).execute(tx);
    await sql.raw(copyStatement(resource, dialect, 'r.valid_to IS NULL AND r.valid_from <= c.last_complete_run')).execute(tx);
  }
}

/**
 * Brings one resource's current state to a completing run: the keys whose
 * versions the run closed leave, the versions it wrote come in. Runs inside
 * the run's completing transaction, after its versions are closed.
 */
export async function applyRunToCurrentState(
  tx: Transaction<Database> | Kysely<Database>,
  dialect: Dialect,
  resourceName: string,
  connectionId: number,
  runId: number,
): Promise<void> {
  const resource = RESOURCES.find((r) => r.name === resourceName);
  if (!resource) return;
  const table = currentTable(resource.name);
  await sql`DELETE FROM ${sql.table(table)} WHERE connection_id = ${connectionId} AND key IN (SELECT key FROM hw_records WHERE connection_id = ${connectionId} AND resource = ${resource.name} AND valid_to = ${runId})`.execute(
    tx,
  );
  await sql.raw(copyStatement(resource, dialect, `r.connection_id = ${Math.trunc(connectionId)} AND r.valid_from = ${Math.trunc(runId)}`)).execute(tx);
}

/** Refreshes the planner's statistics of these resources' current-state tables (after a run changed many rows). */
export async function refreshStatistics(store: Store, resources: string[]): Promise<void> {
  const tables = resources.filter((name) => RESOURCES.some((r) => r.name === name)).map(currentTable);
  await dialectOf(store).analyze(store.db as unknown as Kysely<never>, tables);
}
