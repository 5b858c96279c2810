/** How old a resource's lists are: their count, the median, 95th percentile and oldest age, and how many passed the maximum staleness. */
export interface ResourceStaleness {
  resource: string;
  lists: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  overMax: number;
}

/** The shares of a resource's lists, youngest first, whose age the summary gives (the median and the 95th percentile). */
export const STALENESS_SHARES = [0.5, 0.95] as const;

/**
 * Summarizes, per resource, the ages of its lists (now minus when each was
 * last verified), from what the store says of their spread: the list at
 * each share's nearest rank, youngest first, and the oldest.
 */
export function summarizeStaleness(
  spreads: readonly { resource: string; lists: number; atShare: ReadonlyMap<number, string>; oldest: string; olderThan: number }[],
  now: number,
): ResourceStaleness[] {
  const age = (at: string | undefined): number => (at === undefined ? 0 : Math.max(0, now - Date.parse(at)));
  return spreads
    .filter((s) => s.lists > 0)
    .map((s) => ({
      resource: s.resource,
      lists: s.lists,
      p50Ms: age(s.atShare.get(STALENESS_SHARES[0])),
      p95Ms: age(s.atShare.get(STALENESS_SHARES[1])),
      maxMs: age(s.oldest),
      overMax: s.olderThan,
    }))
    .sort((a, b) => a.resource.localeCompare(b.resource));
}

/** The value below which a share `p` (0 to 1) of sorted `values` fall (nearest rank); 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
