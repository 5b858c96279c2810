import { sql } from 'kysely';
import { RESOURCES } from '../inventory/registry.js';
import type { Column, ColumnType, ResourceDefinition } from '../inventory/resource.js';
import type { Dialect, Store } from '../store/database.js';

export interface DatasetColumn {
  name: string;
  type: ColumnType;
  description: string;
}

/** A dataset: a SQL view with documented columns, queryable and exportable. */
export interface Dataset {
  name: string;
  description: string;
  columns: DatasetColumn[];
  /**
   * The SELECT behind the view. Inventory datasets show each connection's
   * last complete run, or, given `asOfRun`, that run (evidence for a past date).
   */
  select(dialect: Dialect, asOfRun?: number): string;
}

const CONNECTION: DatasetColumn = { name: 'connection', type: 'text', description: 'Name of the herowatch connection the row came from' };

/** Every dataset: one per synced resource, the audit trail, sync runs and their coverage. */
export function datasets(): Dataset[] {
  return [...RESOURCES.map(resourceDataset), auditEvents, syncRuns, coverage];
}

export function datasetNamed(name: string): Dataset | undefined {
  const wanted = name.replace(/-/g, '_').toLowerCase();
  return datasets().find((d) => d.name === wanted);
}

function current(alias: string, asOfRun?: number): string {
  const run = asOfRun === undefined ? 'c.last_complete_run' : String(Math.trunc(asOfRun));
  return `${alias}.valid_from <= ${run} AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > ${run})`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The SQL expression reading `path` (dotted) from a JSON record column, typed. */
export function jsonColumn(dialect: Dialect, data: string, path: string, type: ColumnType): string {
  const segments = path.split('.');
  if (dialect === 'sqlite') {
    const jsonPath = `$${segments.map((s) => `."${s.replace(/"/g, '\\"')}"`).join('')}`;
    return `json_extract(${data}, ${quoteLiteral(jsonPath)})`;
  }
  const args = segments.map(quoteLiteral).join(', ');
  if (type === 'json') return `jsonb_extract_path(${data}, ${args})`;
  const text = `jsonb_extract_path_text(${data}, ${args})`;
  if (type === 'integer') return `(${text})::bigint`;
  if (type === 'boolean') return `(${text})::boolean`;
  return text;
}

function resourceDataset(resource: ResourceDefinition): Dataset {
  const columns: DatasetColumn[] = [CONNECTION, ...resource.columns.map(({ name, type, description }) => ({ name, type, description }))];
  return {
    name: resource.name,
    description: resource.description,
    columns,
    select: (dialect, asOfRun) => {
      const joins: string[] = [];
      const joined = new Map<string, string>();
      const expression = (column: Column): string => {
        if (!column.from) return jsonColumn(dialect, 'r.data', column.path ?? column.name, column.type);
        let alias = joined.get(column.from.resource);
        if (!alias) {
          alias = `j${joined.size}`;
          joined.set(column.from.resource, alias);
          joins.push(`LEFT JOIN hw_records ${alias} ON ${alias}.connection_id = r.connection_id AND ${alias}.resource = ${quoteLiteral(column.from.resource)} AND ${alias}.key = r.key AND ${current(alias, asOfRun)}`);
        }
        return jsonColumn(dialect, `${alias}.data`, column.from.path, column.type);
      };
      const selected = resource.columns.map((column) => `${expression(column)} AS "${column.name}"`);
      return [
        `SELECT c.name AS connection, ${selected.join(', ')}`,
        'FROM hw_records r',
        'JOIN hw_connections c ON c.id = r.connection_id',
        ...joins,
        `WHERE r.resource = ${quoteLiteral(resource.name)} AND ${current('r', asOfRun)}`,
      ].join('\n');
    },
  };
}

/**
 * A dataset over one of herowatch's own tables: the SELECT lists the declared
 * columns, each read from `alias.column` unless `sources` names another
 * expression, with the connection's name from `c` (which `from` joins).
 */
function tableDataset(spec: Omit<Dataset, 'select'> & { alias: string; from: string; sources?: Record<string, string> }): Dataset {
  const columns = spec.columns.map((column) => {
    const source = column === CONNECTION ? 'c.name' : (spec.sources?.[column.name] ?? `${spec.alias}.${column.name}`);
    return source === `${spec.alias}.${column.name}` ? source : `${source} AS ${column.name}`;
  });
  return { name: spec.name, description: spec.description, columns: spec.columns, select: () => `SELECT ${columns.join(', ')}\n${spec.from}` };
}

const auditEvents = tableDataset({
  name: 'audit_events',
  description: 'Enterprise audit trail events collected day by day (deduplicated by id).',
  columns: [
    CONNECTION,
    { name: 'id', type: 'text', description: 'Event id' },
    { name: 'enterprise_account_id', type: 'text', description: 'Enterprise account the event belongs to' },
    { name: 'created_at', type: 'timestamp', description: 'When it happened' },
    { name: 'day', type: 'text', description: 'UTC day (YYYY-MM-DD)' },
    { name: 'type', type: 'text', description: 'What kind of object it concerns (app, addon, collaborator...)' },
    { name: 'action', type: 'text', description: 'What happened (create, update, destroy...)' },
    { name: 'actor_email', type: 'text', description: 'Who did it' },
    { name: 'app_name', type: 'text', description: 'App concerned, if any' },
    { name: 'team_name', type: 'text', description: 'Team concerned, if any' },
    { name: 'data', type: 'json', description: 'The whole event as Heroku gave it' },
  ],
  alias: 'e',
  from: 'FROM hw_audit_events e\nJOIN hw_connections c ON c.id = e.connection_id',
  sources: { enterprise_account_id: 'e.enterprise_id' },
});

const syncRuns = tableDataset({
  name: 'sync_runs',
  description: 'Every sync run: when, how it ended, how many requests it made and how low the rate-limit pool went.',
  columns: [
    CONNECTION,
    { name: 'id', type: 'integer', description: 'Run number' },
    { name: 'started_at', type: 'timestamp', description: 'When the run started' },
    { name: 'finished_at', type: 'timestamp', description: 'When the run ended (null while it runs)' },
    { name: 'kind', type: 'text', description: 'inventory (everything), or audit (the audit trail only, between inventory runs)' },
    { name: 'status', type: 'text', description: 'running, complete, failed or interrupted' },
    { name: 'requests', type: 'integer', description: 'HTTP requests made (retries included)' },
    { name: 'not_modified', type: 'integer', description: 'Requests answered 304 (unchanged since the last sync)' },
    { name: 'retries', type: 'integer', description: 'Requests retried after a transient error' },
    { name: 'rate_limit_low', type: 'integer', description: 'Lowest RateLimit-Remaining seen' },
    { name: 'throttled_ms', type: 'integer', description: 'Time spent waiting to keep the rate-limit reserve' },
    { name: 'items', type: 'integer', description: 'Records collected' },
    { name: 'error', type: 'text', description: 'Why the run failed or was interrupted' },
  ],
  alias: 's',
  from: 'FROM hw_sync_runs s\nJOIN hw_connections c ON c.id = s.connection_id',
});

const coverage = tableDataset({
  name: 'coverage',
  description: 'What each sync run could read: a summary row per resource (parent_key empty) and a row for each parent that could not be read in full: forbidden (with the reason and the fix), failed or missing.',
  columns: [
    CONNECTION,
    { name: 'run_id', type: 'integer', description: 'Run number' },
    { name: 'resource', type: 'text', description: 'Dataset the coverage is about' },
    { name: 'parent_key', type: 'text', description: 'Empty for a resource\'s summary row; otherwise the parent (e.g. the app id) that had a gap' },
    { name: 'status', type: 'text', description: 'ok, forbidden, failed or missing' },
    { name: 'http_status', type: 'integer', description: 'Heroku\'s HTTP status when not ok' },
    { name: 'error_id', type: 'text', description: 'Heroku\'s error id when not ok' },
    { name: 'reason', type: 'text', description: 'Why it could not be read' },
    { name: 'fix', type: 'text', description: 'What would make it readable' },
    { name: 'items', type: 'integer', description: 'Records read' },
    { name: 'parents', type: 'integer', description: 'Summary rows of per-parent resources: how many parents were read (each one without a row of its own was read in full)' },
  ],
  alias: 'v',
  from: 'FROM hw_coverage v\nJOIN hw_sync_runs s ON s.id = v.run_id\nJOIN hw_connections c ON c.id = s.connection_id',
});

/** (Re)creates every dataset view, so views always match the declarations. */
export async function ensureViews(store: Store): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    for (const dataset of datasets()) {
      await sql.raw(`DROP VIEW IF EXISTS ${dataset.name}`).execute(tx);
      await sql.raw(`CREATE VIEW ${dataset.name} AS\n${dataset.select(store.dialect)}`).execute(tx);
    }
  });
}
