/** How old a resource's lists are: their count, the median, 95th percentile and oldest age, and how many passed the maximum staleness. */
export interface ResourceStaleness {
  resource: string;
  lists: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  overMax: number;
}

/** Summarizes, per resource, the ages of its lists (now minus when each was last verified). */
export function summarizeStaleness(verified: ReadonlyMap<string, ReadonlyMap<string, number>>, now: number, maxStalenessMs: number): ResourceStaleness[] {
  const summary: ResourceStaleness[] = [];
  for (const [resource, lists] of verified) {
    const ages = [...lists.values()].map((at) => Math.max(0, now - at)).sort((a, b) => a - b);
    if (ages.length === 0) continue;
    summary.push({
      resource,
      lists: ages.length,
      p50Ms: percentile(ages, 0.5),
      p95Ms: percentile(ages, 0.95),
      maxMs: ages.at(-1)!,
      overMax: ages.filter((a) => a > maxStalenessMs).length,
    });
  }
  return summary.sort((a, b) => a.resource.localeCompare(b.resource));
}

/** The value below which a share `p` (0 to 1) of sorted `values` fall (nearest rank); 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
