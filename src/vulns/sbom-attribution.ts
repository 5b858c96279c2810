/*
 * Which release an imported SBOM speaks for. An SBOM names the commit its
 * build was made from (or is given one); Heroku names the commit of each
 * release's slug or OCI image. An SBOM is used for the running release
 * only when their commits agree, or, when either is unknown, when it was
 * attributed to that release at import: never an older build's packages
 * for a newer one.
 */

/** What is running: its release and the commit it was built from, when Heroku says. */
export interface RunningRelease {
  version: number | null;
  commit: string | null;
}

export interface SbomCandidate {
  commit: string | null;
  release_version: number | null;
}

/** Whether two commit ids name the same commit (one may be abbreviated, to 7 characters or more). */
export function sameCommit(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return Math.min(x.length, y.length) >= 7 && (x.startsWith(y) || y.startsWith(x));
}

/** The SBOM of the running release among `sboms` (newest first), or null. */
export function sbomFor<T extends SbomCandidate>(sboms: T[], running: RunningRelease): T | null {
  if (running.commit) {
    const byCommit = sboms.find((s) => s.commit !== null && sameCommit(s.commit, running.commit!));
    if (byCommit) return byCommit;
  }
  return (
    sboms.find(
      (s) =>
        running.version !== null &&
        s.release_version === running.version &&
        (s.commit === null || running.commit === null || sameCommit(s.commit, running.commit)),
    ) ?? null
  );
}

/** The release an SBOM is attributed to when imported, and why, in words. */
export function attribute(commit: string | null, running: RunningRelease): { release: number | null; note: string } {
  if (running.version === null) return { release: null, note: 'the app runs no release yet: the SBOM is kept, and used for the release of its commit' };
  const v = `v${running.version}`;
  if (commit === null) return { release: running.version, note: `the SBOM names no commit (--commit names one): attributed to the running release ${v}` };
  if (running.commit === null)
    return { release: running.version, note: `attributed to the running release ${v} (Heroku gives no commit for it to compare with ${short(commit)})` };
  if (sameCommit(commit, running.commit)) return { release: running.version, note: `attributed to release ${v}, built from the same commit ${short(commit)}` };
  return {
    release: null,
    note: `commit ${short(commit)} is not the running release's (${v} runs ${short(running.commit)}): the SBOM is kept, and used once a release of ${short(commit)} runs (after the next sync sees it)`,
  };
}

/** Why no imported SBOM speaks for the running release, when some were imported. */
export function noSbomFor(sboms: SbomCandidate[], running: RunningRelease): string | null {
  const newest = sboms[0];
  if (!newest) return null;
  const of = newest.commit ? `commit ${short(newest.commit)}` : `release v${newest.release_version ?? '?'}`;
  const runs = `v${running.version ?? '?'}${running.commit ? ` (commit ${short(running.commit)})` : ''}`;
  return `the newest SBOM imported is of ${of}, not of the running release ${runs}`;
}

export function short(commit: string): string {
  return commit.slice(0, 12);
}
