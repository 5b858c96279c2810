import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { InputError } from '../errors.js';
import { datasets, type Dataset, type HerowatchTableDataset } from '../datasets/catalog.js';
import { RESOURCES } from '../datasets/registry.js';
import type { Column } from '../datasets/resource.js';
import { currentTable, currentTableDdl, jsonColumn, rebuildCurrentState, refreshStatistics } from './current-state.js';
import type { Store } from './database.js';
import { quoteLiteral } from './dialect.js';
import { dialectOf } from './dialects/index.js';
import type { Dialect } from './dialect.js';
import { createConsoleViews, dropConsoleViews } from './sql-postgres.js';

/**
 * The dataset views: each dataset declaration (src/datasets/catalog.ts) as
 * SQL. An inventory dataset's view reads its current-state table; a past
 * run's state (evidence for a past date) is read from the versioned records
 * valid at that run.
 */

function validAt(alias: string, run: number): string {
  const id = String(Math.trunc(run));
  return `${alias}.valid_from <= ${id} AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > ${id})`;
}

const TABLE_SOURCES: Record<HerowatchTableDataset, { alias: string; from: string; sources?: Record<string, string> }> = {
  audit_events: {
    alias: 'e',
    from: 'FROM hw_audit_events e\nJOIN hw_connections c ON c.id = e.connection_id',
    sources: { enterprise_account_id: 'e.enterprise_id' },
  },
  sync_runs: { alias: 's', from: 'FROM hw_sync_runs s\nJOIN hw_connections c ON c.id = s.connection_id' },
  coverage: { alias: 'v', from: 'FROM hw_coverage v\nJOIN hw_sync_runs s ON s.id = v.run_id\nJOIN hw_connections c ON c.id = s.connection_id' },
  verified: { alias: 'w', from: 'FROM hw_verified w\nJOIN hw_connections c ON c.id = w.connection_id' },
  // A finding has at most one suppression not ended (a new one ends the last).
  findings: {
    alias: 'f',
    from: 'FROM hw_findings f\nJOIN hw_connections c ON c.id = f.connection_id\nLEFT JOIN hw_suppressions p ON p.connection_id = f.connection_id AND p.check_id = f.check_id AND p.resource_key = f.resource_key AND p.revoked_at IS NULL',
    sources: { suppressed_until: 'p.expires_at', suppression_reason: 'p.reason' },
  },
  suppressions: { alias: 'p', from: 'FROM hw_suppressions p\nJOIN hw_connections c ON c.id = p.connection_id' },
  vulnerabilities: { alias: 'v', from: 'FROM hw_vulnerabilities v\nJOIN hw_connections c ON c.id = v.connection_id' },
  vulnerability_tests: { alias: 't', from: 'FROM hw_vuln_tests t\nJOIN hw_connections c ON c.id = t.connection_id' },
  sboms: { alias: 'b', from: 'FROM hw_sboms b\nJOIN hw_connections c ON c.id = b.connection_id' },
  // A statement for every connection has none: its connection is null.
  vex_statements: { alias: 'x', from: 'FROM hw_vex_statements x\nLEFT JOIN hw_connections c ON c.id = x.connection_id' },
};

/**
 * The SELECT behind a dataset's view. Inventory datasets show each
 * connection's last complete run, or, given `asOfRun`, that run (evidence
 * for a past date).
 */
export function datasetSelect(dataset: Dataset, dialect: Dialect, asOfRun?: number): string {
  if (dataset.source.kind === 'table') {
    const spec = TABLE_SOURCES[dataset.source.table];
    // Names are quoted: a column may be a word of SQL (`commit`).
    const columns = dataset.columns.map((column) => {
      const source = column.name === 'connection' ? 'c.name' : (spec.sources?.[column.name] ?? `${spec.alias}."${column.name}"`);
      return `${source} AS "${column.name}"`;
    });
    return `SELECT ${columns.join(', ')}\n${spec.from}`;
  }
  const resource = dataset.source.resource;
  if (asOfRun === undefined) {
    // The current state: the typed, indexed table the run writer keeps (see current-state.ts); a column read
    // from another resource comes from that resource's table, by the same key.
    const joins: string[] = [];
    const joined = new Map<string, string>();
    const selected = resource.columns.map((column) => {
      if (!column.from) return `t."${column.name}" AS "${column.name}"`;
      const source = RESOURCES.find((r) => r.name === column.from!.resource);
      const sourceColumn = source?.columns.find((c) => !c.from && (c.path ?? c.name) === column.from!.path);
      if (!sourceColumn)
        throw new Error(
          `Column ${resource.name}.${column.name} reads ${column.from.resource}.${column.from.path}, which that resource does not declare as a column.`,
        );
      let alias = joined.get(column.from.resource);
      if (!alias) {
        alias = `j${joined.size}`;
        joined.set(column.from.resource, alias);
        joins.push(`LEFT JOIN ${currentTable(column.from.resource)} ${alias} ON ${alias}.connection_id = t.connection_id AND ${alias}.key = t.key`);
      }
      return `${alias}."${sourceColumn.name}" AS "${column.name}"`;
    });
    return [`SELECT t.connection AS connection, ${selected.join(', ')}`, `FROM ${currentTable(resource.name)} t`, ...joins].join('\n');
  }
  const joins: string[] = [];
  const joined = new Map<string, string>();
  const expression = (column: Column): string => {
    if (!column.from) return jsonColumn(dialect, 'r.data', column.path ?? column.name, column.type);
    let alias = joined.get(column.from.resource);
    if (!alias) {
      alias = `j${joined.size}`;
      joined.set(column.from.resource, alias);
      joins.push(
        `LEFT JOIN hw_records ${alias} ON ${alias}.connection_id = r.connection_id AND ${alias}.resource = ${quoteLiteral(column.from.resource)} AND ${alias}.key = r.key AND ${validAt(alias, asOfRun)}`,
      );
    }
    return jsonColumn(dialect, `${alias}.data`, column.from.path, column.type);
  };
  const selected = resource.columns.map((column) => `${expression(column)} AS "${column.name}"`);
  return [
    `SELECT c.name AS connection, ${selected.join(', ')}`,
    'FROM hw_records r',
    'JOIN hw_connections c ON c.id = r.connection_id',
    ...joins,
    `WHERE r.resource = ${quoteLiteral(resource.name)} AND ${validAt('r', asOfRun)}`,
  ].join('\n');
}

/**
 * Creates the dataset views, and the current-state tables behind them, when
 * their definitions changed (a fingerprint of the SQL is kept in hw_meta),
 * so an ordinary start does not touch them.
 */
export async function ensureViews(store: Store): Promise<{ rebuilt: boolean }> {
  const definitions = datasets().map((dataset) => ({ name: dataset.name, select: datasetSelect(dataset, store.dialect) }));
  const tables = RESOURCES.map((resource) => currentTableDdl(resource, store.dialect));
  // `console` names the design of PostgreSQL's console views (sql-postgres.ts): a new one rebuilds them.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ definitions, tables, console: dialectOf(store).consoleRoles ? 2 : 0 }))
    .digest('hex');
  const stored = await store.db.selectFrom('hw_meta').select('value').where('key', '=', 'views').executeTakeFirst();
  if (stored?.value === fingerprint) return { rebuilt: false };
  if (store.readOnly) {
    throw new InputError(
      'HW_DATABASE_READ_ONLY',
      `${store.description} cannot be written, and its dataset views were made by another herowatch version: run herowatch once with write access to rebuild them.`,
    );
  }
  await store.db.transaction().execute(async (tx) => {
    // The console's views read the dataset views, so they go first and come back last.
    if (dialectOf(store).consoleRoles) await dropConsoleViews(tx);
    for (const { name } of definitions) await sql.raw(`DROP VIEW IF EXISTS ${name}`).execute(tx);
    await rebuildCurrentState(tx, store.dialect);
    for (const { name, select } of definitions) await sql.raw(`CREATE VIEW ${name} AS\n${select}`).execute(tx);
    await tx
      .insertInto('hw_meta')
      .values({ key: 'views', value: fingerprint })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: fingerprint }))
      .execute();
    if (dialectOf(store).consoleRoles)
      await createConsoleViews(
        tx,
        definitions.map((d) => d.name),
      );
  });
  await refreshStatistics(
    store,
    RESOURCES.map((r) => r.name),
  );
  return { rebuilt: true };
}
