import { InputError, NotFoundError } from '../errors.js';
import { riskAcceptance } from './policy.js';
import { listConnections, listMonitoredApps, type ConnectionRecord } from '../store/connections.js';

import { setVulnerabilityIgnore, slugEcosystems, slugScan, vulnerabilityById, vulnerabilityRows, vulnTests } from '../store/vulnerabilities.js';
import type { VulnerabilityRecord } from '../vulns/ocsf.js';
import type { SbomFormat } from '../vulns/sbom-format.js';
import { VERSION } from '../version.js';
import { byCodePoint, type Package } from '../vulns/packages.js';
import { severityRank, type AdvisorySeverity } from '../severity.js';
import { SCANNER_RULES } from '../vulns/scan.js';
import { requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';
import { advisoryDatabase } from './advisories.js';
import { ignoredAt, judge, SBOM_SCANNER, type Unjudged } from './vuln-monitor.js';
import { countsAsOpen } from '../vulns/standing.js';

/*
 * What herowatch knows of the monitored apps' vulnerabilities, as the doors
 * show it: a summary per app (judged or not, and why), one app's open
 * vulnerabilities, the packages most apps share, an app's SBOM; and the
 * accepted risks (ignores).
 */

/** A package file a test read (or set aside for what was installed beside it). */
export interface TestedFile {
  path: string;
  format: string;
  evidence: string;
  packages: number;
  used: boolean;
}

/** A monitored app's vulnerability state: its last test and its open vulnerabilities by severity. */
export interface AppVulnerabilities {
  connection: string;
  app: string;
  monitored: boolean;
  test: {
    testedAt: string;
    release: number | null;
    outcome: 'scanned' | 'gap';
    reason: string | null;
    packages: number;
    files: TestedFile[];
    /** Where the packages came from: the slug, or an SBOM imported for the build (`herowatch sbom import`). */
    source: 'slug' | 'sbom';
    /** The commit the packages were built from, when known. */
    commit: string | null;
  } | null;
  open: Record<'critical' | 'high' | 'medium' | 'low' | 'unknown', number>;
  ignored: number;
  /** Open findings a VEX statement says the app is not affected by: not counted in `open`. */
  notAffected: number;
  /** Open findings (counted ones) in CISA's Known Exploited Vulnerabilities catalog, and the highest EPSS score among them. */
  kev: number;
  maxEpss: number | null;
  /** Why the app's open vulnerabilities are not the whole answer (not tested, nothing read, no or stale advisories), and what fixes it; null when they are. */
  unjudged: Unjudged | null;
}

/** Each monitored app of the connection (or of every connection) with its last test and open vulnerabilities. */
export async function vulnerabilitySummary(hw: Herowatch, options: { connection?: string; now?: Date } = {}): Promise<AppVulnerabilities[]> {
  const now = options.now ?? new Date();
  const connections = options.connection ? [await requireConnection(hw.store, options.connection)] : await listConnections(hw.store);
  const ids = connections.map((c) => c.id);
  const tests = await vulnTests(hw.store, ids);
  const open = await vulnerabilityRows(hw.store, { connectionIds: ids, status: ['open'] });
  const database = await advisoryDatabase(hw);
  const ecosystemsOf = await slugEcosystems(
    hw.store,
    tests.flatMap((t) => (t.status === 'scanned' && t.checksum ? [t.checksum] : [])),
  );
  const summary: AppVulnerabilities[] = [];
  for (const connection of connections) {
    for (const app of await listMonitoredApps(hw.store, connection.id)) {
      const test = tests.find((t) => t.connection_id === connection.id && t.app_id === app.app_id);
      const mine = open.filter((v) => v.connection_id === connection.id && v.app_id === app.app_id);
      const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
      const counted = mine.filter((v) => countsAsOpen(v, now));
      for (const v of counted) counts[v.severity as keyof typeof counts]++;
      summary.push({
        connection: connection.name,
        app: test?.app_name ?? app.app_name,
        monitored: Number(app.active) === 1,
        test: test
          ? {
              testedAt: test.tested_at,
              release: test.release_version,
              outcome: test.status === 'scanned' ? 'scanned' : 'gap',
              reason: test.reason,
              packages: test.packages,
              files: test.files as TestedFile[],
              source: test.source === 'sbom' ? 'sbom' : 'slug',
              commit: test.commit,
            }
          : null,
        open: counts,
        ignored: mine.filter((v) => ignoredAt(v, now)).length,
        notAffected: mine.filter((v) => v.vex_status === 'not_affected').length,
        kev: counted.filter((v) => v.kev_added !== null).length,
        maxEpss: counted.reduce<number | null>((top, v) => (v.epss !== null && (top === null || Number(v.epss) > top) ? Number(v.epss) : top), null),
        unjudged: !test
          ? { reason: 'not tested yet', fix: `herowatch vulns test ${test === undefined ? app.app_name : ''}`.trim() }
          : test.status !== 'scanned'
            ? { reason: test.reason ?? 'nothing could be read', fix: null }
            : judge(database, test.checksum ? (ecosystemsOf.get(test.checksum) ?? []) : [], now),
      });
    }
  }
  return summary;
}

/** One vulnerability of an app as `vulns show` gives it. */
export interface VulnerabilityDetail {
  id: number;
  vulnerability: string;
  advisories: string[];
  aliases: string[];
  ecosystem: string;
  package: string;
  version: string;
  severity: string;
  cvss: string | null;
  summary: string;
  fixed: string | null;
  /** The upgrade to make, in words. */
  upgrade: string;
  locations: string[];
  status: 'open' | 'resolved';
  ignored: { reason: string; by: string; until: string } | null;
  /** What the VEX statement standing for it says (herowatch vex import): `not_affected` takes it out of the counts. */
  vex: { status: string; justification: string | null; statement: string | null } | null;
  /** Whether it counts as an open vulnerability now (open, not ignored, not declared not affected). */
  counted: boolean;
  /** In CISA's Known Exploited Vulnerabilities catalog: since when, and whether ransomware campaigns use it. */
  kev: { added: string | null; ransomware: boolean } | null;
  /** FIRST's EPSS: the probability of exploitation in the next 30 days, and its percentile. */
  epss: { score: number; percentile: number } | null;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  introducedRelease: number | null;
  fixedRelease: number | null;
}

/** A monitored app by name or id: its summary, its connection and its monitored row; one connection must be named when several monitor it. */
async function monitoredAppNamed(
  hw: Herowatch,
  app: string,
  options: { connection?: string; now?: Date },
): Promise<{ chosen: AppVulnerabilities; connection: ConnectionRecord; appId: string }> {
  const summary = await vulnerabilitySummary(hw, { connection: options.connection, now: options.now });
  const matches = summary.filter((s) => s.app === app);
  if (matches.length === 0) {
    throw new InputError(
      'HW_APP_NOT_MONITORED',
      `"${app}" is not a monitored app${options.connection ? ` of connection "${options.connection}"` : ''} (monitored: ${summary.map((s) => s.app).join(', ') || 'none'}).`,
      { remedy: { do: 'monitor', connection: options.connection, app } },
    );
  }
  if (matches.length > 1)
    throw new InputError('HW_APP_AMBIGUOUS', `"${app}" is monitored on several connections.`, {
      remedy: { do: 'choose-connection', choices: matches.map((m) => m.connection) },
    });
  const [chosen] = matches as [AppVulnerabilities];
  const connection = await requireConnection(hw.store, chosen.connection);
  const monitored = (await listMonitoredApps(hw.store, connection.id)).find((a) => a.app_name === app || a.app_id === app)!;
  return { chosen, connection, appId: monitored.app_id };
}

/**
 * An app's vulnerabilities, open ones first (resolved ones too with `all`),
 * then those attackers are known to exploit (CISA KEV), then by severity,
 * then by EPSS score; `kev` keeps only those in KEV, `minEpss` those scored
 * at least that.
 */
export async function appVulnerabilities(
  hw: Herowatch,
  app: string,
  options: { connection?: string; all?: boolean; kev?: boolean; minEpss?: number; now?: Date } = {},
): Promise<{ connection: string; app: string; test: AppVulnerabilities['test']; unjudged: Unjudged | null; vulnerabilities: VulnerabilityDetail[] }> {
  const now = options.now ?? new Date();
  const { chosen, connection, appId } = await monitoredAppNamed(hw, app, { connection: options.connection, now });
  const rows = await vulnerabilityRows(hw.store, { connectionIds: [connection.id], appId, status: options.all ? undefined : ['open'] });
  const rank = ['critical', 'high', 'medium', 'low', 'unknown'];
  const vulnerabilities = rows
    .map((r): VulnerabilityDetail => ({
      id: r.id,
      vulnerability: r.vuln_id,
      advisories: r.advisories,
      aliases: r.aliases,
      ecosystem: r.ecosystem,
      package: r.package,
      version: r.version,
      severity: r.severity,
      cvss: r.cvss,
      summary: r.summary,
      fixed: r.fixed,
      upgrade: r.fixed ? `upgrade ${r.package} from ${r.version} to ${r.fixed} or later` : `no fixed version of ${r.package} yet: remove it or accept the risk`,
      locations: r.locations,
      status: r.status === 'open' ? 'open' : 'resolved',
      ignored: ignoredAt(r, now) ? { reason: r.ignored_reason!, by: r.ignored_by!, until: r.ignored_until! } : null,
      vex: r.vex_status === null ? null : { status: r.vex_status, justification: r.vex_justification, statement: r.vex_statement },
      counted: countsAsOpen(r, now),
      kev: r.kev_added === null ? null : { added: r.kev_added || null, ransomware: Number(r.kev_ransomware) === 1 },
      epss: r.epss === null ? null : { score: Number(r.epss), percentile: Number(r.epss_percentile) },
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      resolvedAt: r.resolved_at,
      introducedRelease: r.introduced_release,
      fixedRelease: r.fixed_release,
    }))
    .filter((v) => (!options.kev || v.kev !== null) && (options.minEpss === undefined || (v.epss !== null && v.epss.score >= options.minEpss)))
    .sort(
      (a, b) =>
        (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) ||
        (a.kev === null ? 1 : 0) - (b.kev === null ? 1 : 0) ||
        rank.indexOf(a.severity) - rank.indexOf(b.severity) ||
        (b.epss?.score ?? -1) - (a.epss?.score ?? -1) ||
        (a.package < b.package ? -1 : a.package > b.package ? 1 : 0),
    );
  return { connection: chosen.connection, app: chosen.app, test: chosen.test, unjudged: chosen.unjudged, vulnerabilities };
}

/**
 * Ignores an open vulnerability until a date, with a reason and who
 * decided (the terms findings' suppressions are held to). It stays listed
 * as ignored, and counts again when the date passes; if it is resolved and
 * comes back, it is reported again.
 */
export async function ignoreVulnerability(
  hw: Herowatch,
  id: number,
  request: { reason: string; by: string; expiresAt: Date; now?: Date },
): Promise<{ id: number; vulnerability: string; app: string; until: string }> {
  const now = request.now ?? new Date();
  const row = await vulnerabilityById(hw.store, id);
  if (!row) throw new NotFoundError('HW_VULNERABILITY_UNKNOWN', `There is no vulnerability ${id}.`, { remedy: { do: 'list', what: 'vulnerabilities' } });
  if (row.status !== 'open')
    throw new InputError(
      'HW_NOT_APPLICABLE',
      `Vulnerability ${id} (${row.vuln_id} in ${row.package} of ${row.app_name}) is resolved: only an open one can be ignored, and one that comes back is reported.`,
    );
  const { reason, by } = riskAcceptance('ignore', request, now);
  await setVulnerabilityIgnore(hw.store, id, { reason, by, at: now.toISOString(), until: request.expiresAt.toISOString() });
  return { id, vulnerability: row.vuln_id, app: row.app_name, until: request.expiresAt.toISOString() };
}

/** Ends an ignore now. */
export async function unignoreVulnerability(hw: Herowatch, id: number): Promise<void> {
  const row = await vulnerabilityById(hw.store, id);
  if (!row) throw new NotFoundError('HW_VULNERABILITY_UNKNOWN', `There is no vulnerability ${id}.`, { remedy: { do: 'list', what: 'vulnerabilities' } });
  if (row.ignored_until === null) throw new InputError('HW_NOT_APPLICABLE', `Vulnerability ${id} is not ignored.`);
  await setVulnerabilityIgnore(hw.store, id, null);
}

/** Every vulnerability finding (open and resolved) of the connection, or of all, with its connection's name: for exports (OCSF, evidence). */
export async function vulnerabilityRecords(hw: Herowatch, options: { connection?: string } = {}): Promise<VulnerabilityRecord[]> {
  const connections = options.connection ? [await requireConnection(hw.store, options.connection)] : await listConnections(hw.store);
  const names = new Map(connections.map((c) => [c.id, c.name]));
  const rows = await vulnerabilityRows(hw.store, { connectionIds: connections.map((c) => c.id) });
  // A stored row holds every field of a record; the connection is named, not numbered.
  return rows.map((r) => ({ ...r, connection: names.get(r.connection_id)! }));
}

/** Open vulnerabilities grouped by package: the worst severity among them, the versions, advisories, fixes and apps. */
export interface VulnerablePackage {
  ecosystem: string;
  package: string;
  severity: AdvisorySeverity;
  versions: string[];
  vulnerabilities: string[];
  fixed: string[];
  apps: string[];
}

/** The open vulnerabilities by package, worst first, then by how many apps have them. */
export async function vulnerablePackages(hw: Herowatch, now: Date = new Date()): Promise<VulnerablePackage[]> {
  const grouped = new Map<
    string,
    {
      ecosystem: string;
      package: string;
      severity: AdvisorySeverity;
      versions: Set<string>;
      vulnerabilities: Set<string>;
      fixed: Set<string>;
      apps: Set<string>;
    }
  >();
  for (const v of await vulnerabilityRecords(hw)) {
    if (!countsAsOpen(v, now)) continue;
    const key = `${v.ecosystem}\u0000${v.package}`;
    const group = grouped.get(key) ?? {
      ecosystem: v.ecosystem,
      package: v.package,
      severity: v.severity as AdvisorySeverity,
      versions: new Set(),
      vulnerabilities: new Set(),
      fixed: new Set(),
      apps: new Set(),
    };
    group.versions.add(v.version);
    group.vulnerabilities.add(v.vuln_id);
    group.apps.add(`${v.connection}/${v.app_name}`);
    if (v.fixed) group.fixed.add(v.fixed);
    if (severityRank(v.severity as AdvisorySeverity) < severityRank(group.severity)) group.severity = v.severity as AdvisorySeverity;
    grouped.set(key, group);
  }
  return [...grouped.values()]
    .map((g) => ({ ...g, versions: [...g.versions], vulnerabilities: [...g.vulnerabilities], fixed: [...g.fixed], apps: [...g.apps] }))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.apps.length - a.apps.length || byCodePoint(a.package, b.package));
}

/**
 * An SBOM of what a monitored app runs: the packages its last test read
 * (of the slug, or of the SBOM imported for its build; nothing is
 * downloaded), as CycloneDX 1.6 or SPDX 2.3 JSON.
 */
export async function appSbom(
  hw: Herowatch,
  app: string,
  options: { connection?: string; format: SbomFormat },
): Promise<{ app: string; release: number | null; packages: number; document: string }> {
  const { chosen: detail, connection, appId } = await monitoredAppNamed(hw, app, { connection: options.connection });
  const test = (await vulnTests(hw.store, [connection.id])).find((t) => t.app_id === appId);
  if (!test) throw new InputError('HW_APP_NOT_TESTED', `${detail.app} has not been tested yet.`, { remedy: { do: 'test-app', app: detail.app } });
  if (test.status !== 'scanned' || test.checksum === null)
    throw new InputError('HW_APP_NOT_TESTED', `${detail.app}'s last test read nothing, so there is no SBOM to give: ${test.reason ?? 'no slug'}.`);
  const scan = await slugScan(hw.store, test.checksum, test.source === 'sbom' ? SBOM_SCANNER : SCANNER_RULES);
  if (!scan) throw new InputError('HW_APP_NOT_TESTED', `The slug of ${detail.app} was read with older rules.`, { remedy: { do: 'test-app', app: detail.app } });
  const subject = { connection: connection.name, app: detail.app, appId, release: test.release_version, checksum: test.checksum, scannedAt: scan.scanned_at };
  const packages = scan.packages as Package[];
  // The SBOM writers load the CycloneDX library: only this command needs it.
  const { cycloneDx, spdx } = await import('../vulns/sbom.js');
  const document = options.format === 'spdx' ? spdx(subject, packages, { version: VERSION }) : cycloneDx(subject, packages, { version: VERSION });
  return { app: detail.app, release: test.release_version, packages: packages.length, document };
}
