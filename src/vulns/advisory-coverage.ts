/**
 * Whether the advisory database can judge packages of some ecosystems: a
 * test that matched nothing against an empty or stale database knows
 * nothing, and says so. One rule, for the check, `vulns test`, the
 * vulnerability views and the overview.
 */

/** What the database holds of each ecosystem: how many advisories, and when they were last brought up to date. */
export interface AdvisoryDatabase {
  ecosystems: ReadonlyMap<string, { advisories: number; importedAt: string | null }>;
  /** Advisories last updated longer ago than this are stale (settings `vulnerabilities.advisory_max_age`). */
  maxAgeMs: number;
}

/** The command that brings the database up to date. */
export const ADVISORY_UPDATE_COMMAND = 'herowatch vulns db update';

/**
 * Why packages of `ecosystems` cannot be judged against `database` at
 * `now` (none of its advisories, or none recent enough), or null when they
 * can. No ecosystem at all (nothing was read to match) cannot be judged
 * either.
 */
export function advisoryGap(database: AdvisoryDatabase, ecosystems: Iterable<string>, now: Date): string | null {
  const wanted = [...new Set(ecosystems)].sort();
  if (wanted.length === 0) return 'no package herowatch reads was found in what it runs, so nothing could be matched';
  const missing = wanted.filter((e) => (database.ecosystems.get(e)?.advisories ?? 0) === 0);
  if (missing.length > 0) return `herowatch holds no advisories for ${list(missing)}, so its packages were matched against nothing`;
  const days = (ms: number) => Math.floor(ms / 86_400_000);
  const stale = wanted
    .map((e) => ({ ecosystem: e, at: database.ecosystems.get(e)!.importedAt }))
    .filter(({ at }) => at === null || now.getTime() - Date.parse(at) > database.maxAgeMs);
  if (stale.length === 0) return null;
  const oldest = Math.min(...stale.map(({ at }) => (at === null ? 0 : Date.parse(at))));
  return `the advisories for ${list(stale.map((s) => s.ecosystem))} were last updated ${oldest === 0 ? 'at an unknown time' : `${days(now.getTime() - oldest)} days ago`}, longer ago than ${days(database.maxAgeMs)} days (settings vulnerabilities.advisory_max_age), so newer vulnerabilities would be missed`;
}

function list(items: string[]): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
