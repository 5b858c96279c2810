import { ecosystem } from './ecosystems.js';
import type { Vulnerability } from './match.js';

/** A vulnerability finding as stored: what the plan needs to know of it. */
export interface KnownVulnerability {
  id: number;
  key: string;
  vulnId: string;
  advisories: string[];
  aliases: string[];
  ecosystem: string;
  package: string;
  version: string;
  status: 'open' | 'resolved';
}

/** A change worth telling people about. */
export interface VulnerabilityChange {
  event: 'opened' | 'reopened' | 'resolved';
  key: string;
  vulnerability: Pick<Vulnerability, 'id' | 'ecosystem' | 'package' | 'version' | 'severity' | 'fixed' | 'summary'>;
}

export interface VulnerabilityPlan {
  /** New findings, keyed. */
  insert: { key: string; vulnerability: Vulnerability }[];
  /** Findings seen again (their version, severity, fix or ids may have moved), reopened when they had been resolved. */
  update: { id: number; vulnerability: Vulnerability; reopen: boolean }[];
  /** Open findings no longer seen: fixed by `release`. */
  resolve: number[];
  changes: VulnerabilityChange[];
}

/** The package part of a finding's key: ecosystem and normalised name (neither holds a space). */
function packageKey(eco: string, name: string): string {
  return `${eco} ${ecosystem(eco)?.normalizeName(name) ?? name}`;
}

/**
 * What one test of an app changes in its vulnerability findings. A finding
 * is one vulnerability of one package: it stays the same finding while the
 * package's version moves and while the vulnerability gains aliases (it is
 * recognised by any id it shares); it resolves when the package no longer
 * has it, and reopens if it comes back. Pure: the store writes the plan.
 */
export function planVulnerabilities(known: KnownVulnerability[], current: Vulnerability[]): VulnerabilityPlan {
  const plan: VulnerabilityPlan = { insert: [], update: [], resolve: [], changes: [] };
  const claimed = new Set<number>();
  const byPackage = new Map<string, KnownVulnerability[]>();
  for (const k of known) {
    const pkg = packageKey(k.ecosystem, k.package);
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), k]);
  }
  const keys = new Set(known.map((k) => k.key));
  const inserted = new Set<string>();
  for (const vulnerability of current) {
    const pkg = packageKey(vulnerability.ecosystem, vulnerability.package);
    const ids = new Set([vulnerability.id, ...vulnerability.advisories, ...vulnerability.aliases]);
    const candidates = (byPackage.get(pkg) ?? []).filter((k) => !claimed.has(k.id) && [k.vulnId, ...k.advisories, ...k.aliases].some((id) => ids.has(id)));
    const match = candidates.find((k) => k.status === 'open') ?? candidates[0];
    const summary = {
      id: vulnerability.id,
      ecosystem: vulnerability.ecosystem,
      package: vulnerability.package,
      version: vulnerability.version,
      severity: vulnerability.severity,
      fixed: vulnerability.fixed,
      summary: vulnerability.summary,
    };
    if (!match) {
      const key = `${pkg} ${vulnerability.id}`;
      // Two groups of one package cannot share a key: the second keeps its own first advisory id.
      const unique = inserted.has(key) || keys.has(key) ? `${key} ${vulnerability.advisories[0]}` : key;
      inserted.add(unique);
      plan.insert.push({ key: unique, vulnerability });
      plan.changes.push({ event: 'opened', key: unique, vulnerability: summary });
      continue;
    }
    claimed.add(match.id);
    const reopen = match.status === 'resolved';
    plan.update.push({ id: match.id, vulnerability, reopen });
    if (reopen) plan.changes.push({ event: 'reopened', key: match.key, vulnerability: summary });
  }
  for (const finding of known) {
    if (finding.status !== 'open' || claimed.has(finding.id)) continue;
    plan.resolve.push(finding.id);
    plan.changes.push({
      event: 'resolved',
      key: finding.key,
      vulnerability: {
        id: finding.vulnId,
        ecosystem: finding.ecosystem as Vulnerability['ecosystem'],
        package: finding.package,
        version: finding.version,
        severity: 'unknown',
        fixed: null,
        summary: '',
      },
    });
  }
  return plan;
}
