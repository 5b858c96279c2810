import { ForbiddenError } from '../errors.js';
import { EVERYTHING, scopedConnections, type Scope } from './scope.js';
import { toCsv } from '../export/csv.js';
import { datasets, type Dataset } from '../datasets/catalog.js';
import { countDataset, readDataset } from '../store/datasets.js';
import { runDatasetSql, type SqlLimits, type SqlResult } from '../store/sql-console.js';
import { requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

export interface DatasetSummary {
  name: string;
  description: string;
  rows: number;
  columns: { name: string; type: string; description: string }[];
}

export async function listDatasets(hw: Herowatch, connection?: string): Promise<DatasetSummary[]> {
  // A name that is no connection is a mistake to say, not an empty answer.
  if (connection !== undefined) await requireConnection(hw.store, connection);
  const summaries: DatasetSummary[] = [];
  for (const dataset of datasets()) {
    summaries.push({
      name: dataset.name,
      description: dataset.description,
      rows: await countDataset(hw.store, dataset.name, { connection }),
      columns: dataset.columns,
    });
  }
  return summaries;
}

export type ExportFormat = 'csv' | 'json' | 'ndjson';

/** A dataset's rows, typed as the dataset declares (booleans as booleans, JSON as values). */
export async function datasetRows(hw: Herowatch, name: string, connection?: string): Promise<{ dataset: Dataset; rows: Record<string, unknown>[] }> {
  if (connection !== undefined) await requireConnection(hw.store, connection);
  const { dataset, rows } = await readDataset(hw.store, name, { connection });
  return { dataset, rows };
}

/** The first rows of a dataset, for a preview. */
export async function datasetPreview(
  hw: Herowatch,
  name: string,
  limit: number,
): Promise<{ columns: string[]; rows: Record<string, unknown>[]; more: boolean }> {
  const { dataset, rows, nextCursor } = await readDataset(hw.store, name, { limit });
  return { columns: dataset.columns.map((c) => c.name), rows, more: nextCursor !== null };
}

export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'json', 'ndjson'];

export function formatRows(dataset: Dataset, rows: Record<string, unknown>[], format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'ndjson') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const header = dataset.columns.map((c) => c.name);
  return toCsv(
    header,
    rows.map((row) => header.map((name) => row[name])),
  );
}

/**
 * Runs one read-only query over the dataset views of the scope's
 * connections, within `limits` (see store/sql-console.ts for how each
 * database confines and bounds it).
 */
export async function runReadOnlySql(hw: Herowatch, query: string, limits: Partial<SqlLimits> = {}, scope: Scope = EVERYTHING): Promise<SqlResult> {
  if (scope.apps !== null)
    throw new ForbiddenError(
      'HW_FORBIDDEN',
      'SQL is not offered to a client bound to some apps only: the datasets hold whole connections. Use the app tools, or bind the client to connections.',
    );
  if (scope.connections === null) return runDatasetSql(hw.store, query, limits, null);
  // Confined to the scope's connections that exist (a name that does not is simply no rows).
  const connections = (await scopedConnections(hw, scope)).map((c) => c.name);
  return runDatasetSql(hw.store, query, limits, connections);
}
