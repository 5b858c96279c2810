import { z } from 'zod';
import { ecosystem, type Ecosystem, type EcosystemName } from './ecosystems.js';
import type { AdvisorySeverity } from '../severity.js';
import { advisorySeverity } from './severity.js';

/**
 * An OSV record as herowatch reads it: only what matching, grouping and
 * rating need, every field optional but the id (records come from outside
 * and are checked, not trusted). See ossf.github.io/osv-schema.
 */
const eventSchema = z.object({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});
const severitySchema = z.object({ type: z.string(), score: z.string() });
const affectedSchema = z.object({
  package: z.object({ ecosystem: z.string(), name: z.string(), purl: z.string().optional() }).optional(),
  ranges: z.array(z.object({ type: z.string(), events: z.array(eventSchema) })).optional(),
  versions: z.array(z.string()).optional(),
  severity: z.array(severitySchema).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});
export const osvRecordSchema = z.object({
  id: z.string().min(1).max(200),
  modified: z.string().optional(),
  published: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(severitySchema).optional(),
  affected: z.array(affectedSchema).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});
export type OsvRecord = z.infer<typeof osvRecordSchema>;

/** One event of a range, its version in the ecosystem's form; `introduced: '0'` is before everything, `limit: '*'` after. */
export type RangeEvent = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; version: string };

/**
 * What one advisory says of one package, ready to match: ranges with their
 * events sorted once, at import; listed versions in the ecosystem's form.
 */
export interface AdvisoryPackage {
  advisory: string;
  ecosystem: EcosystemName;
  /** The package name, normalised for the ecosystem. */
  name: string;
  ranges: RangeEvent[][];
  versions: string[];
  /** Ranges dropped because a version in them is not one of this ecosystem (counted, never a crash). */
  unreadableRanges: number;
}

/** An advisory's own facts, kept beside its package entries. */
export interface Advisory {
  id: string;
  aliases: string[];
  summary: string;
  severity: AdvisorySeverity;
  /** The CVSS vector the severity comes from, when it comes from one. */
  cvss: string | null;
  modified: string | null;
  published: string | null;
}

export interface CompiledAdvisory {
  advisory: Advisory;
  packages: AdvisoryPackage[];
}

/**
 * An OSV record compiled for matching, or null when it is withdrawn or
 * names no package of an ecosystem herowatch matches. GIT ranges are skipped
 * one by one (they name commits, not versions), never the whole record.
 */
export function compileAdvisory(record: OsvRecord): CompiledAdvisory | null {
  if (record.withdrawn) return null;
  const packages: AdvisoryPackage[] = [];
  for (const affected of record.affected ?? []) {
    if (!affected.package) continue;
    const eco = ecosystem(affected.package.ecosystem);
    if (!eco) continue;
    const ranges: RangeEvent[][] = [];
    let unreadableRanges = 0;
    for (const range of affected.ranges ?? []) {
      if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
      const events: RangeEvent[] = [];
      let readable = true;
      for (const event of range.events) {
        const [kind, raw] = (Object.entries(event).find(([, v]) => v !== undefined) ?? []) as [RangeEvent['kind'] | undefined, string | undefined];
        if (!kind || raw === undefined) continue;
        if ((kind === 'introduced' && raw === '0') || (kind === 'limit' && raw === '*')) {
          events.push({ kind, version: raw });
          continue;
        }
        const version = eco.version(raw);
        if (version === null || !eco.ranged(version)) readable = false;
        else events.push({ kind, version });
      }
      if (!readable) unreadableRanges++;
      else ranges.push(events.sort((a, b) => compareEvents(eco.compare, a, b)));
    }
    const versions = (affected.versions ?? []).map((v) => eco.version(v)).filter((v): v is string => v !== null && eco.ranged(v));
    packages.push({ advisory: record.id, ecosystem: eco.name, name: eco.normalizeName(affected.package.name), ranges, versions, unreadableRanges });
  }
  if (packages.length === 0) return null;
  const { severity, cvss } = advisorySeverity(record);
  return {
    advisory: {
      id: record.id,
      aliases: [...new Set(record.aliases ?? [])].filter((a) => a !== record.id),
      summary: record.summary ?? record.details?.split('\n')[0]?.slice(0, 200) ?? '',
      severity,
      cvss,
      modified: record.modified ?? null,
      published: record.published ?? null,
    },
    packages,
  };
}

function eventOrder(compare: (a: string, b: string) => number, a: string, b: string): number {
  if (a === b) return 0;
  if (a === '0') return -1;
  if (b === '0') return 1;
  if (a === '*') return 1;
  if (b === '*') return -1;
  return compare(a, b);
}

function compareEvents(compare: (a: string, b: string) => number, a: RangeEvent, b: RangeEvent): number {
  return eventOrder(compare, a.version, b.version);
}

/**
 * Whether `version` (in the ecosystem's form) falls in the entry: listed,
 * or inside any of its ranges. A range is walked in version order: an
 * `introduced` at or below the version opens it, a `fixed` at or below or a
 * `last_affected` below closes it; a range with limits holds only below
 * one of them.
 */
export function affects(entry: AdvisoryPackage, version: string, eco: Ecosystem = ecosystem(entry.ecosystem)!): boolean {
  if (entry.versions.length > 0 && entry.versions.some((v) => eco.compare(v, version) === 0)) return true;
  return entry.ranges.some((events) => inRange(eco.compare, events, version));
}

function inRange(compare: (a: string, b: string) => number, events: RangeEvent[], version: string): boolean {
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((l) => eventOrder(compare, version, l.version) < 0)) return false;
  let affected = false;
  for (const event of events) {
    const order = eventOrder(compare, version, event.version);
    if (event.kind === 'introduced' && order >= 0) affected = true;
    else if (event.kind === 'fixed' && order >= 0) affected = false;
    else if (event.kind === 'last_affected' && order > 0) affected = false;
  }
  return affected;
}

/**
 * The smallest version above `installed` that none of `entries` (every
 * advisory of the package, not only those that match) affects, among the
 * versions they name as fixed; null when none is. One sweep: the candidates
 * in order against the union of every range's affected stretches, so an
 * advisory of many ranges and events costs its size, not its size squared.
 */
export function smallestFix(entries: AdvisoryPackage[], installed: string): string | null {
  return fixFinder(entries)(installed);
}

/**
 * smallestFix for one package's advisories, for any installed version: what
 * does not depend on the version (the fixes in order, where the ranges
 * affect) is worked out once.
 */
export function fixFinder(entries: AdvisoryPackage[]): (installed: string) => string | null {
  if (entries.length === 0) return () => null;
  const eco = ecosystem(entries[0]!.ecosystem)!;
  const order = (a: string, b: string) => eventOrder(eco.compare, a, b);
  const fixes = [
    ...new Set(
      entries.flatMap((e) =>
        e.ranges
          .flat()
          .filter((ev) => ev.kind === 'fixed')
          .map((ev) => ev.version),
      ),
    ),
  ].sort(eco.compare);
  const affected = affectedStretches(
    entries.flatMap((e) => e.ranges),
    order,
  );
  const listed = entries.flatMap((e) => e.versions).sort(eco.compare);
  return (installed) => {
    const candidates = fixes.filter((v) => eco.compare(v, installed) > 0);
    let j = 0;
    let k = 0;
    for (const candidate of candidates) {
      while (j < affected.length && order(affected[j]!.version, candidate) < 0) j++;
      while (k < listed.length && eco.compare(listed[k]!, candidate) < 0) k++;
      const inRanges = j < affected.length && order(affected[j]!.version, candidate) === 0 ? affected[j]!.at : j > 0 && affected[j - 1]!.above;
      const inList = k < listed.length && eco.compare(listed[k]!, candidate) === 0;
      if (!inRanges && !inList) return candidate;
    }
    return null;
  };
}

/** Where a range (or a union of them) is affected: at a version, and in the stretch just above it up to the next breakpoint. */
interface Breakpoint {
  version: string;
  at: boolean;
  above: boolean;
}

/**
 * A range's breakpoints, as inRange walks it: at a version, the events
 * there that apply to it (introduced, fixed; a last_affected applies only
 * above); just above it, every event there. A range with limits holds only
 * below the largest one.
 */
function rangeBreakpoints(events: RangeEvent[], order: (a: string, b: string) => number): Breakpoint[] {
  const limits = events.filter((e) => e.kind === 'limit').map((e) => e.version);
  const ceiling = limits.length === 0 ? null : limits.reduce((a, b) => (order(a, b) >= 0 ? a : b));
  const points: Breakpoint[] = [];
  let above = false;
  for (let i = 0; i < events.length;) {
    const version = events[i]!.version;
    if (ceiling !== null && order(version, ceiling) >= 0) break;
    let at = above;
    for (; i < events.length && order(events[i]!.version, version) === 0; i++) {
      const kind = events[i]!.kind;
      if (kind === 'introduced') at = above = true;
      else if (kind === 'fixed') at = above = false;
      else if (kind === 'last_affected') above = false;
    }
    points.push({ version, at, above });
  }
  if (ceiling !== null) points.push({ version: ceiling, at: false, above: false });
  return points;
}

/** The union of ranges as one list of breakpoints in version order: affected where any range is. */
function affectedStretches(ranges: RangeEvent[][], order: (a: string, b: string) => number): Breakpoint[] {
  const all = ranges.flatMap((events, range) => rangeBreakpoints(events, order).map((point) => ({ ...point, range })));
  all.sort((a, b) => order(a.version, b.version));
  const aboveOf = new Array<boolean>(ranges.length).fill(false);
  let count = 0;
  const merged: Breakpoint[] = [];
  for (let i = 0; i < all.length;) {
    const version = all[i]!.version;
    let atCount = count;
    for (; i < all.length && order(all[i]!.version, version) === 0; i++) {
      const point = all[i]!;
      atCount += Number(point.at) - Number(aboveOf[point.range]);
      count += Number(point.above) - Number(aboveOf[point.range]);
      aboveOf[point.range] = point.above;
    }
    merged.push({ version, at: atCount > 0, above: count > 0 });
  }
  return merged;
}
