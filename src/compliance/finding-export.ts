import { VERSION } from '../version.js';
import { findingsCsv, type FindingView } from './finding-view.js';
import { toOcsf } from './ocsf.js';

/** The formats findings are exported in, by the CLI and the dashboard alike. */
export const FINDING_EXPORTS = ['csv', 'json', 'ocsf'] as const;
export type FindingExport = (typeof FINDING_EXPORTS)[number];

export const FINDING_EXPORT_TYPES: Record<FindingExport, { mime: string; extension: string }> = {
  csv: { mime: 'text/csv; charset=utf-8', extension: 'csv' },
  json: { mime: 'application/json; charset=utf-8', extension: 'json' },
  // OCSF findings, one JSON object per line (what SIEMs ingest).
  ocsf: { mime: 'application/x-ndjson; charset=utf-8', extension: 'ocsf.ndjson' },
};

export function exportFindings(list: FindingView[], format: FindingExport, now: Date = new Date()): string {
  if (format === 'json') return `${JSON.stringify(list, null, 2)}\n`;
  if (format === 'ocsf') return list.map((f) => `${JSON.stringify(toOcsf(f, { version: VERSION }, now))}\n`).join('');
  return findingsCsv(list);
}
