import { toCsv } from '../export/csv.js';
import { concreteCommand } from './remediation.js';
import type { FindingRow, SuppressionRow } from '../store/findings.js';
import type { VerifiedAges } from '../store/verified.js';
import type { CatalogEntry } from './catalog.js';

export type FindingViewStatus = 'open' | 'suppressed' | 'resolved' | 'pass' | 'unknown';

export const FINDING_STATUSES: FindingViewStatus[] = ['open', 'suppressed', 'resolved', 'unknown', 'pass'];

export interface SuppressionView {
  id: number;
  reason: string;
  by: string;
  created_at: string;
  expires_at: string;
}

/** A finding as people see it: the stored row (with its connection by name), its check's metadata, and any suppression in force. */
export interface FindingView extends Omit<FindingRow, 'connection_id' | 'status'> {
  connection: string;
  account_id: string | null;
  account_email: string | null;
  check_title: string;
  status: FindingViewStatus;
  remediation: { text: string; command: string | null };
  references: string[];
  frameworks: string[];
  /** The standards of those framework controls, as cited. */
  standards: string[];
  suppression: SuppressionView | null;
  /** When the oldest data behind the result was read from Heroku (null: not known, e.g. before incremental syncs were recorded). */
  data_as_of: string | null;
}

/** The app a result is about, read from its resource key (`app/<app>/...`, `addon/<addon>/<app>/...`); null for account-wide results. */
export function resultApp(resourceKey: string): string | null {
  const parts = resourceKey.split('/');
  if (parts[0] === 'app') return parts[1] ?? null;
  if (parts[0] === 'addon') return parts[2] ?? null;
  return null;
}

/**
 * When the oldest data behind a result was read from Heroku: the least
 * recently verified of the lists its check reads (`reads`, resource names),
 * taking the result's app's own list where there is one per app, and the
 * oldest of all a resource's lists otherwise. Null when none was recorded.
 */
export function dataAsOf(ages: VerifiedAges, reads: readonly string[], resourceKey: string): string | null {
  const own = ages.apps.get(resultApp(resourceKey) ?? '');
  let oldest: string | null = null;
  for (const resource of reads) {
    const at = own?.get(resource) ?? ages.oldest.get(resource);
    if (at !== undefined && (oldest === null || at < oldest)) oldest = at;
  }
  return oldest;
}

export const suppressionKey = (checkId: string, resourceKey: string): string => `${checkId}\u0000${resourceKey}`;

export function suppressionView(row: SuppressionRow): SuppressionView {
  return { id: Number(row.id), reason: row.reason, by: row.created_by, created_at: row.created_at, expires_at: row.expires_at };
}

/** A stored finding as people see it, given its connection, its check and the suppression in force on it (which applies while it is open). */
export function findingView(
  row: FindingRow,
  connection: { name: string; account_id: string | null; account_email: string | null },
  check: CatalogEntry | undefined,
  inForce: SuppressionView | null,
  dataAsOf: string | null = null,
): FindingView {
  const suppression = row.status === 'open' ? inForce : null;
  const { connection_id: _connectionId, ...stored } = row;
  return {
    ...stored,
    id: Number(row.id),
    connection: connection.name,
    account_id: connection.account_id,
    account_email: connection.account_email,
    check_title: check?.title ?? row.check_id,
    status: suppression ? 'suppressed' : row.status,
    // The fix with this finding's own names in it (see remediation.ts).
    remediation: check
      ? { text: check.remediation.text, command: concreteCommand(check.remediation.command, row.resource_type, row.resource_key) }
      : { text: '', command: null },
    references: check?.references ?? [],
    frameworks: check?.frameworks ?? [],
    standards: check?.standards ?? [],
    suppression,
    data_as_of: dataAsOf,
  };
}

/**
 * Findings as they stood at `at`, rebuilt from today's views: open,
 * resolved or suppressed according to the lifecycle events recorded up to
 * then and the suppressions in force then (of the finding's own connection:
 * `suppressionsAt` is keyed by connection). Results that had not failed by
 * then pass (or stay unknown when they are unknown now); resources first
 * evaluated after `at`, or gone by then, are left out. Messages are the latest.
 */
export function findingsAt(
  current: FindingView[],
  at: Date,
  events: Map<number, { event: string; at: string }[]>,
  suppressionsAt: Map<string, Map<string, SuppressionView>>,
): FindingView[] {
  const iso = at.toISOString();
  const result: FindingView[] = [];
  for (const finding of current) {
    if (finding.created_at > iso) continue;
    if (finding.removed_at && finding.removed_at <= iso) continue;
    const last = (events.get(finding.id) ?? []).at(-1);
    let status: FindingViewStatus;
    if (last) status = last.event === 'resolved' ? 'resolved' : 'open';
    else status = finding.status === 'open' || finding.status === 'suppressed' || finding.status === 'resolved' ? 'pass' : finding.status;
    const suppression = status === 'open' ? suppressionsAt.get(finding.connection)?.get(suppressionKey(finding.check_id, finding.resource_key)) : undefined;
    result.push({
      ...finding,
      removed_at: null,
      status: suppression ? 'suppressed' : status,
      resolved_at: status === 'resolved' ? last!.at : null,
      last_seen_at: finding.last_seen_at && finding.last_seen_at > iso ? iso : finding.last_seen_at,
      suppression: suppression ?? null,
    });
  }
  return result;
}

const CSV_COLUMNS = [
  'id',
  'connection',
  'check_id',
  'severity',
  'status',
  'result',
  'resource_type',
  'resource_key',
  'resource_name',
  'message',
  'first_seen_at',
  'last_seen_at',
  'resolved_at',
  'frameworks',
  'remediation',
  'suppressed_by',
  'suppression_reason',
  'suppressed_until',
  'data_as_of',
] as const;

/** Findings as CSV: the one format of `herowatch findings --format csv` and the evidence bundle's findings.csv. */
export function findingsCsv(list: FindingView[]): string {
  return toCsv(
    CSV_COLUMNS,
    list.map((f) => [
      f.id,
      f.connection,
      f.check_id,
      f.severity,
      f.status,
      f.result,
      f.resource_type,
      f.resource_key,
      f.resource_name,
      f.message,
      f.first_seen_at,
      f.last_seen_at,
      f.resolved_at,
      f.frameworks.join('; '),
      f.remediation.command ?? f.remediation.text,
      f.suppression?.by,
      f.suppression?.reason,
      f.suppression?.expires_at,
      f.data_as_of,
    ]),
  );
}
