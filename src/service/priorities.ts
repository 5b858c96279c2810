import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { listConnections } from '../store/connections.js';
import { prioritiesCounts, prioritiesOf, priorityTargets, replaceEpss, replaceKev, setPriorities } from '../store/priorities.js';
import { downloadFeed, feedText, MAX_FEED_BYTES } from '../osv/feeds.js';
import { cvesOf, PrioritiesError, readEpss, readKev } from '../vulns/priorities.js';
import type { Herowatch } from './herowatch.js';

/** What an update of the catalog and the scores did. */
export interface PrioritiesUpdate {
  kev: { source: string; cves: number; version: string | null } | null;
  epss: { source: string; cves: number; scoreDate: string | null; model: string | null } | null;
  /** Findings that now carry a KEV flag, and an EPSS score. */
  findings: { kev: number; epss: number };
}

/**
 * Replaces CISA's KEV catalog and FIRST's EPSS scores: downloaded from
 * their publishers (or the configured mirrors), or read from `from` (a
 * folder holding known_exploited_vulnerabilities.json and
 * epss_scores-current.csv[.gz], or one of those files). Then writes what
 * they say beside each finding.
 */
export async function updatePriorities(hw: Herowatch, options: { from?: string } = {}): Promise<PrioritiesUpdate> {
  const files = options.from === undefined ? null : await feedFiles(options.from);
  const kevText = files ? (files.kev ? await readBounded(files.kev) : null) : await downloadFeed(hw.config.kevUrl);
  const epssText = files ? (files.epss ? await readBounded(files.epss) : null) : await downloadFeed(hw.config.epssUrl);
  // Both read before either is stored: a file that does not parse changes nothing.
  const kev = kevText === null ? null : readKev(kevText);
  const epss = epssText === null ? null : readEpss(epssText);
  if (kev)
    await replaceKev(
      hw.store,
      kev.entries.map((e) => ({ cve: e.cve, date_added: e.dateAdded, due_date: e.dueDate, ransomware: e.ransomware ? 1 : 0, name: e.name })),
    );
  if (epss) await replaceEpss(hw.store, epss.entries);
  const findings = await applyPriorities(hw);
  return {
    kev: kev && { source: files?.kev ?? hw.config.kevUrl, cves: kev.entries.length, version: kev.version },
    epss: epss && { source: files?.epss ?? hw.config.epssUrl, cves: epss.entries.length, scoreDate: epss.scoreDate, model: epss.model },
    findings,
  };
}

async function readBounded(path: string): Promise<string> {
  if ((await stat(path)).size > MAX_FEED_BYTES)
    throw new PrioritiesError(`${path} is larger than ${MAX_FEED_BYTES / 1024 ** 2} MiB, beyond what herowatch reads`);
  try {
    return feedText(await readFile(path), path);
  } catch (error) {
    throw new PrioritiesError((error as Error).message);
  }
}

/** The catalog and the scores in a folder (or one of them as a file), by their names. */
async function feedFiles(from: string): Promise<{ kev: string | null; epss: string | null }> {
  const info = await stat(from).catch(() => {
    throw new PrioritiesError(`cannot read ${from}: no such file or folder`);
  });
  const names = info.isDirectory() ? (await readdir(from)).map((name) => join(from, name)) : [from];
  const kev = names.find((path) => basename(path).endsWith('.json')) ?? null;
  const epss = names.find((path) => /\.csv(\.gz)?$/.test(basename(path))) ?? null;
  if (!kev && !epss)
    throw new PrioritiesError(
      `${from} holds neither a KEV catalog (a .json file) nor EPSS scores (a .csv or .csv.gz file): give known_exploited_vulnerabilities.json or epss_scores-current.csv.gz`,
    );
  return { kev, epss };
}

/**
 * Writes beside each finding of the connections (default: all) what the
 * catalog and the scores say of its CVEs: when one was added to KEV (the
 * earliest), whether ransomware uses it, and the highest EPSS score with
 * its percentile. Nothing is read when neither was ever imported.
 */
export async function applyPriorities(hw: Herowatch, connectionIds?: number[]): Promise<{ kev: number; epss: number }> {
  const counts = await prioritiesCounts(hw.store);
  if (counts.kev === 0 && counts.epss === 0) return { kev: 0, epss: 0 };
  const ids = connectionIds ?? (await listConnections(hw.store)).map((c) => c.id);
  const targets = (await priorityTargets(hw.store, ids)).map((t) => ({
    ...t,
    cves: cvesOf(t.ids),
  }));
  const { kev, epss } = await prioritiesOf(
    hw.store,
    targets.flatMap((t) => t.cves),
  );
  const updates: Parameters<typeof setPriorities>[1] = [];
  let flagged = 0;
  let scored = 0;
  for (const target of targets) {
    const known = target.cves.map((cve) => kev.get(cve)).filter((k) => k !== undefined);
    const scores = target.cves.map((cve) => epss.get(cve)).filter((e) => e !== undefined);
    const best = scores.reduce<{ score: number; percentile: number } | null>((top, s) => (top === null || s.score > top.score ? s : top), null);
    const next = {
      id: target.id,
      kev_added: known.length === 0 ? null : (known.map((k) => k.date_added ?? '').sort()[0] ?? ''),
      kev_ransomware: known.length === 0 ? null : known.some((k) => Number(k.ransomware) === 1) ? 1 : 0,
      epss: best?.score ?? null,
      epss_percentile: best?.percentile ?? null,
    };
    if (next.kev_added !== null) flagged++;
    if (next.epss !== null) scored++;
    const same =
      next.kev_added === target.kev_added &&
      next.kev_ransomware === target.kev_ransomware &&
      next.epss === target.epss &&
      next.epss_percentile === target.epss_percentile;
    if (!same) updates.push(next);
  }
  await setPriorities(hw.store, updates);
  return { kev: flagged, epss: scored };
}
