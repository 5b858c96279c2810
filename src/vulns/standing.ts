/** A finding as its standing is judged: its status, an ignore, and what a VEX statement says of it. */
export interface FindingStanding {
  status?: string;
  ignored_until: string | null;
  vex_status?: string | null;
}

/** Whether an ignore is in force at `now` (it lapses at its expiry). */
export function ignoredAt(row: { ignored_until: string | null }, now: Date): boolean {
  return row.ignored_until !== null && row.ignored_until > now.toISOString();
}

/**
 * Whether a finding counts as an open vulnerability at `now`: open, under
 * no ignore in force, and not declared not affected by a VEX statement.
 * Every count, check and list of open vulnerabilities asks this.
 */
export function countsAsOpen(row: FindingStanding, now: Date): boolean {
  return (row.status === undefined || row.status === 'open') && !ignoredAt(row, now) && row.vex_status !== 'not_affected';
}
