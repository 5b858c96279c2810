import { changeCounts } from '../../compliance/findings.js';
import { ADVISORY_UPDATE_COMMAND } from '../../vulns/advisory-coverage.js';
import { InvalidArgumentError, type Command } from 'commander';
import { appVulnerabilities, ignoreVulnerability, unignoreVulnerability, vulnerabilityRecords, vulnerabilitySummary } from '../../service/vuln-views.js';
import { importAdvisories, importAdvisoriesOnline, sbomLabel, testMonitoredApps, type AppTest } from '../../service/vuln-monitor.js';
import { VERSION } from '../../version.js';
import { ECOSYSTEMS } from '../../vulns/ecosystems.js';
import { vulnerabilityToOcsf } from '../../vulns/ocsf.js';
import { wholeNumber } from '../parse.js';
import { parseExpiry } from './compliance.js';
import { advisoryDatabase, advisoryDatabaseStatus, givenAdvisories, loadAdvisories, storedAdvisoryIndex } from '../../service/advisories.js';
import { FAIL_ON, reaches, reportScan, scanPath, type ScanReport } from '../../service/scan.js';
import { updatePriorities } from '../../service/priorities.js';
import { withHerowatch } from '../context.js';
import type { Severity } from '../../severity.js';
import { EXIT, UsageError, type Output } from '../output.js';
import { table } from '../table.js';

const VULNERABILITY_ID = wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a vulnerability id (herowatch vulns show APP --json gives them): a whole number');

interface ScanFlags {
  db?: string;
  json?: boolean;
  failOn?: Severity;
  includeDev?: boolean;
}

export function registerVulns(program: Command, output: Output, setExitCode: (code: number) => void): void {
  const vulns = program
    .command('vulns')
    .description('Known vulnerabilities of what monitored apps deploy: per app, open vulnerabilities by severity and what the last test read')
    .option('--connection <name>', "only this connection's apps")
    .option('--json', 'print the summary as JSON')
    .option('--ocsf', 'print every vulnerability finding (open and resolved) as an OCSF Vulnerability Finding, one JSON object a line')
    .action(async (flags: { connection?: string; json?: boolean; ocsf?: boolean }) => {
      if (flags.ocsf) {
        const now = new Date();
        const records = await withHerowatch({}, (hw) => vulnerabilityRecords(hw, { connection: flags.connection }));
        for (const record of records) output.json(vulnerabilityToOcsf(record, { version: VERSION }, now));
        return;
      }
      const summary = await withHerowatch({}, (hw) => vulnerabilitySummary(hw, { connection: flags.connection }));
      if (flags.json) return output.json(summary);
      if (summary.length === 0)
        return output.out('No app is monitored: herowatch apps add CONNECTION APP monitors one (herowatch apps available CONNECTION lists them).');
      output.out(
        table(
          ['CONNECTION', 'APP', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'TESTED', 'RELEASE', 'READ'],
          summary.map((s) => [
            s.connection,
            `${s.app}${s.monitored ? '' : ' (inactive)'}`,
            s.open.critical,
            s.open.high,
            s.open.medium,
            s.open.low + s.open.unknown,
            s.test?.testedAt.slice(0, 16).replace('T', ' ') ?? 'never',
            s.test?.release === null || s.test === null ? '' : `v${s.test.release}`,
            s.test === null
              ? 'not tested yet: herowatch vulns test'
              : s.test.outcome === 'gap'
                ? `gap: ${s.test.reason}`
                : `${readSummary(s.test)}${s.unjudged ? `; NOT JUDGED: ${s.unjudged.reason}${s.unjudged.fix ? ` (${s.unjudged.fix})` : ''}` : ''}`,
          ]),
          { width: process.stdout.columns },
        ),
      );
      const unjudged = summary.filter((s) => s.unjudged !== null).length;
      if (unjudged > 0)
        output.err(
          `${unjudged} of ${summary.length} monitored app${summary.length === 1 ? ' is' : 's are'} not judged: their counts are not "no vulnerability".`,
        );
    });

  vulns
    .command('test')
    .description(
      'Test monitored apps now: each current slug is read once (an unchanged one is not downloaded again) and matched against the advisory database; exits 1 when a slug could not be downloaded or read',
    )
    .argument('[apps...]', "monitored apps to test (default: all of the connection's)")
    .option('--connection <name>', 'connection (default: the only one)')
    .option('--json', "print each app's test as a JSON line")
    .action(async (apps: string[], flags: { connection?: string; json?: boolean }) => {
      const tests = await withHerowatch({}, (hw, config) =>
        testMonitoredApps(hw, {
          connection: flags.connection,
          apps,
          token: config.herokuApiKey?.token,
          tokenApiUrl: config.herokuApiKey?.apiUrl,
          onApp: (test) => (flags.json ? output.json(test) : printTest(output, test)),
        }),
      );
      if (tests.length === 0 && !flags.json) output.out('No app is monitored on this connection: herowatch apps add CONNECTION APP monitors one.');
      // A slug that could not be downloaded or read is a failure to retry; an app with none to read is reported, not failed.
      if (tests.some((t) => t.failed)) setExitCode(1);
      // Read, but matched against no advisories (or stale ones): "no vulnerability" would not be an answer.
      const unjudged = tests.filter((t) => t.outcome !== 'gap' && t.unjudged !== null);
      if (unjudged.length > 0) {
        const fix = unjudged.find((t) => t.unjudged!.fix)?.unjudged!.fix;
        output.err(
          `herowatch: ${unjudged.length} of ${tests.length} app${tests.length === 1 ? '' : 's'} cannot be judged: ${unjudged[0]!.unjudged!.reason}${fix ? `. Fix: ${fix}` : ''}.`,
        );
        setExitCode(1);
      }
    });

  vulns
    .command('show')
    .description(
      "One monitored app's vulnerabilities: package, installed version, where found, advisories and aliases, severity, the fix and the upgrade to make",
    )
    .argument('<app>', 'a monitored app')
    .option('--connection <name>', 'connection, when the app is monitored on several')
    .option('--all', 'resolved vulnerabilities too')
    .option('--kev', "only those in CISA's Known Exploited Vulnerabilities catalog")
    .option('--min-epss <score>', 'only those with an EPSS score of at least this (0 to 1)', epssScore)
    .option('--json', 'print them as JSON')
    .action(async (app: string, flags: { connection?: string; all?: boolean; kev?: boolean; minEpss?: number; json?: boolean }) => {
      const detail = await withHerowatch({}, (hw) =>
        appVulnerabilities(hw, app, { connection: flags.connection, all: flags.all, kev: flags.kev, minEpss: flags.minEpss }),
      );
      if (flags.json) return output.json(detail);
      const test = detail.test;
      output.out(
        `${detail.app} (connection "${detail.connection}"): ${test === null ? 'not tested yet (herowatch vulns test)' : test.outcome === 'gap' ? `not read at the last test: ${test.reason}` : `release v${test.release ?? '?'}, ${readSummary(test)}, tested ${test.testedAt.slice(0, 16).replace('T', ' ')}`}`,
      );
      if (test?.outcome === 'scanned' && test.reason) output.out(`  not read: ${test.reason}`);
      if (detail.unjudged)
        output.out(
          `NOT JUDGED: ${detail.unjudged.reason}${detail.unjudged.fix ? ` (fix: ${detail.unjudged.fix})` : ''}; no vulnerability listed is not "none".`,
        );
      else if (detail.vulnerabilities.length === 0 && test?.outcome === 'scanned' && test.packages > 0)
        output.out('No known vulnerability in the packages read.');
      for (const v of detail.vulnerabilities) {
        output.out();
        output.out(
          `${v.severity.toUpperCase()}  ${v.package} ${v.version} (${v.ecosystem})  ${v.vulnerability}  [id ${v.id}]${v.status === 'resolved' ? `  resolved ${v.resolvedAt?.slice(0, 10)}${v.fixedRelease ? ` in v${v.fixedRelease}` : ''}` : ''}`,
        );
        output.out(`  ${v.summary}`);
        output.out(`  advisories: ${[...v.advisories, ...v.aliases].filter((id) => id !== v.vulnerability).join(', ') || v.vulnerability}`);
        output.out(`  fix: ${v.upgrade}`);
        output.out(`  found in: ${v.locations.join(', ')}`);
        output.out(
          `  first seen ${v.firstSeenAt.slice(0, 10)}${v.introducedRelease ? ` (v${v.introducedRelease})` : ''}, last seen ${v.lastSeenAt.slice(0, 10)}${v.cvss ? `; ${v.cvss}` : ''}`,
        );
        if (v.ignored) output.out(`  ignored until ${v.ignored.until.slice(0, 10)} by ${v.ignored.by}: ${v.ignored.reason}`);
        if (v.kev || v.epss)
          output.out(
            `  ${[
              v.kev ? `KNOWN EXPLOITED (CISA KEV${v.kev.added ? ` since ${v.kev.added}` : ''}${v.kev.ransomware ? ', used by ransomware' : ''})` : null,
              v.epss ? `EPSS ${v.epss.score.toFixed(3)} (percentile ${Math.floor(v.epss.percentile * 100)})` : null,
            ]
              .filter(Boolean)
              .join('; ')}`,
          );
        if (v.vex)
          output.out(
            `  VEX: ${v.vex.status.replace('_', ' ')}${v.vex.justification ? ` (${v.vex.justification.replaceAll('_', ' ')})` : ''}${v.vex.statement ? `: ${v.vex.statement}` : ''}${v.vex.status === 'not_affected' ? '; not counted' : ''}`,
          );
      }
    });

  vulns
    .command('scan')
    .description('Scan a folder, a slug tarball or one lockfile for packages and their known vulnerabilities (for a checkout or CI: needs no connection)')
    .argument('<path>', 'a folder, a gzipped tarball (a slug) or a package file (package-lock.json, Gemfile.lock, poetry.lock, go.mod, ...)')
    .option('--db <path>', 'use exactly the OSV advisories here (a folder of OSV JSON files or zips, or one of them) instead of the imported database')
    .option('--fail-on <severity>', `exit 1 when a vulnerability reaches this severity (${FAIL_ON.join(', ')}; an unknown severity reaches low only)`, failOn)
    .option('--include-dev', 'report vulnerabilities of dev-only packages too (left out by default: they do not run)')
    .option('--json', 'print {"packages": [...], "vulnerabilities": [...]}')
    .action(async (path: string, flags: ScanFlags) => {
      let report: ScanReport;
      let skippedAdvisories = 0;
      if (flags.db) {
        const advisories = await loadAdvisories(flags.db);
        if (advisories.records === 0)
          throw new UsageError(
            `--db ${flags.db} holds no OSV advisory${advisories.skipped.length > 0 ? ` (${advisories.skipped.length} files could not be read, e.g. ${advisories.skipped[0]!.source}: ${advisories.skipped[0]!.problem})` : ''}.`,
          );
        skippedAdvisories = advisories.skipped.length;
        report = reportScan(await scanPath(path), advisories.index, givenAdvisories(advisories.index), { includeDev: flags.includeDev });
      } else {
        report = await withHerowatch({}, async (hw) => {
          if ((await advisoryDatabaseStatus(hw)).every((e) => e.advisories === 0)) {
            throw new UsageError(
              'The advisory database is empty: import advisories first (herowatch vulns db update downloads them from the OSV export; --from PATH reads files), or give --db PATH.',
            );
          }
          const scan = await scanPath(path);
          return reportScan(scan, await storedAdvisoryIndex(hw, scan.packages), await advisoryDatabase(hw), { includeDev: flags.includeDev });
        });
      }
      if (flags.json) {
        output.json({
          packages: report.scan.packages.map((p) => ({
            ecosystem: p.ecosystem,
            name: p.name,
            version: p.version,
            dev: p.dev,
            source: p.source ?? 'registry',
            locations: p.locations,
          })),
          vulnerabilities: report.vulnerabilities.map((v) => ({
            id: v.id,
            aliases: [...v.advisories.filter((a) => a !== v.id), ...v.aliases.filter((a) => a !== v.id)],
            ecosystem: v.ecosystem,
            package: v.package,
            version: v.version,
            severity: v.severity,
            fixed: v.fixed,
          })),
        });
        for (const gap of report.scan.gaps) output.err(`herowatch: not read: ${gap.path}: ${gap.reason}`);
      } else {
        printScan(output, report, skippedAdvisories);
      }
      if (flags.failOn && reaches(report.vulnerabilities, flags.failOn)) setExitCode(1);
      // What could not be read, or could not be matched, fails the scan whatever --fail-on says: a gate must not pass on it.
      if (report.scan.gaps.length > 0) {
        if (!flags.json) for (const gap of report.scan.gaps.slice(0, 5)) output.err(`herowatch: not read: ${gap.path}: ${gap.reason}`);
        setExitCode(1);
      }
      if (report.unjudged) {
        output.err(`herowatch: the packages cannot be judged: ${report.unjudged}${flags.db ? '' : `. Fix: ${ADVISORY_UPDATE_COMMAND}`}.`);
        setExitCode(1);
      }
    });

  vulns
    .command('ignore')
    .argument('<id>', 'vulnerability id (herowatch vulns show APP --json gives them)', VULNERABILITY_ID)
    .description('Accept an open vulnerability until a date, with a reason: it shows as ignored and counts again when the date passes')
    .requiredOption('--reason <text>', 'why it is accepted, for the auditor')
    .requiredOption('--by <name>', 'who decides')
    .requiredOption('--expires <date>', 'YYYY-MM-DD, or a number of days such as 90d (at most a year)')
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { reason: string; by: string; expires: string; json?: boolean }) => {
      const ignored = await withHerowatch({}, (hw) =>
        ignoreVulnerability(hw, id, { reason: flags.reason, by: flags.by, expiresAt: parseExpiry(flags.expires) }),
      );
      if (flags.json) return output.json(ignored);
      output.out(`Ignored ${ignored.vulnerability} in ${ignored.app} until ${ignored.until.slice(0, 10)}.`);
    });

  vulns
    .command('unignore')
    .argument('<id>', 'vulnerability id', VULNERABILITY_ID)
    .description('End an ignore now')
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { json?: boolean }) => {
      await withHerowatch({}, (hw) => unignoreVulnerability(hw, id));
      if (flags.json) return output.json({ id, ignored: false });
      output.out(`Vulnerability ${id} counts again.`);
    });

  const db = vulns.command('db').description('The advisory database vulnerabilities are matched against (OSV format)');
  db.command('update')
    .description(
      'Import OSV advisories from the OSV export (or --from files): new ones are added, revised ones replaced, withdrawn ones removed; the tested apps they concern are matched again',
    )
    .option('--from <path>', "offline: a folder of OSV JSON files or zips (such as the OSV export's per-ecosystem all.zip), or one of them")
    .option('--ecosystem <names>', `online: the ecosystems to update, comma-separated (default: all of ${ECOSYSTEMS.join(', ')})`, ecosystemList)
    .option('--full', "online: download each ecosystem's whole archive, even when only a few advisories changed")
    .option('--json', 'print the result as JSON')
    .action(async (flags: { from?: string; ecosystem?: string[]; full?: boolean; json?: boolean }) => {
      if (flags.from === undefined) return updateOnline(output, setExitCode, flags);
      if (flags.ecosystem || flags.full)
        throw new UsageError('--ecosystem and --full choose what to download; with --from, herowatch reads exactly the files given.');
      const { update, rematched } = await withHerowatch({}, (hw) => importAdvisories(hw, flags.from!));
      const { opened, resolved } = changeCounts(rematched.flatMap((t) => t.changes));
      if (flags.json) {
        const { touched: _touched, ...rest } = update;
        output.json({ ...rest, rematched: { apps: rematched.length, opened, resolved } });
        return reportUnreadAdvisories(output, setExitCode, flags.from!, update);
      }
      output.out(
        `Imported ${update.records} advisories from ${update.source} in ${(update.durationMs / 1000).toFixed(1)}s: ${update.added} new, ${update.updated} revised, ${update.unchanged} unchanged, ${update.withdrawn} withdrawn${update.ignored > 0 ? `, ${update.ignored} for ecosystems herowatch does not match` : ''}.`,
      );
      if (update.ecosystems.length > 0) output.out(`  ecosystems: ${update.ecosystems.join(', ')}`);
      if (rematched.length > 0)
        output.out(
          `  matched again: ${rematched.length} tested app${rematched.length === 1 ? '' : 's'} (no slug downloaded): ${opened} vulnerabilities opened, ${resolved} resolved.`,
        );
      for (const skip of update.skipped.slice(0, 10)) output.out(`  not read: ${skip.source}: ${skip.problem}`);
      if (update.skipped.length > 10) output.out(`  ... and ${update.skipped.length - 10} more files not read`);
      reportUnreadAdvisories(output, setExitCode, flags.from!, update);
    });
  db.command('priorities')
    .description(
      "Replace CISA's Known Exploited Vulnerabilities catalog and FIRST's EPSS scores (downloaded, or --from files): findings whose CVE is in KEV are flagged and listed first, each carries its EPSS score",
    )
    .option('--from <path>', 'offline: a folder holding known_exploited_vulnerabilities.json and epss_scores-current.csv(.gz), or one of them')
    .option('--json', 'say what was imported as JSON')
    .action(async (flags: { from?: string; json?: boolean }) => {
      const update = await withHerowatch({}, (hw) => updatePriorities(hw, { from: flags.from }));
      if (flags.json) return output.json(update);
      if (update.kev) output.out(`CISA KEV: ${update.kev.cves} CVEs${update.kev.version ? ` (catalog ${update.kev.version})` : ''} from ${update.kev.source}.`);
      if (update.epss)
        output.out(
          `EPSS: ${update.epss.cves} CVEs scored${update.epss.scoreDate ? ` on ${update.epss.scoreDate.slice(0, 10)}` : ''} from ${update.epss.source}.`,
        );
      output.out(`${update.findings.kev} finding${update.findings.kev === 1 ? '' : 's'} in KEV, ${update.findings.epss} with an EPSS score.`);
    });
  db.command('status')
    .description('Which ecosystems the advisory database holds, how many advisories each, and how old')
    .option('--json', 'print the status as JSON')
    .action(async (flags: { json?: boolean }) => {
      const status = await withHerowatch({}, (hw) => advisoryDatabaseStatus(hw));
      if (flags.json) return output.json(status);
      if (status.length === 0)
        return output.out('The advisory database is empty: herowatch vulns db update downloads OSV advisories (or reads them from files with --from PATH).');
      const now = Date.now();
      const age = (at: string | null) => (at ? `${Math.max(0, Math.floor((now - Date.parse(at)) / 86_400_000))} days` : '');
      output.out(
        table(
          ['ECOSYSTEM', 'ADVISORIES', 'IMPORTED', 'AGO', 'NEWEST ADVISORY', 'FROM'],
          status.map((e) => [
            e.ecosystem,
            e.advisories,
            e.importedAt?.slice(0, 16).replace('T', ' '),
            age(e.importedAt),
            e.newestModified?.slice(0, 10),
            e.source,
          ]),
        ),
      );
    });
}

/** Files that could not be read, or none to read at all, fail the import: a gate that read nothing must not pass. */
function reportUnreadAdvisories(
  output: Output,
  setExitCode: (code: number) => void,
  from: string,
  update: { records: number; skipped: { source: string; problem: string }[] },
): void {
  if (update.skipped.length > 0) {
    output.err(
      `herowatch: ${update.skipped.length} file${update.skipped.length === 1 ? '' : 's'} of ${from} could not be read as OSV advisories (first: ${update.skipped[0]!.source}: ${update.skipped[0]!.problem}).`,
    );
    setExitCode(EXIT.failed);
  } else if (update.records === 0) {
    output.err(`herowatch: ${from} holds no OSV advisory (JSON files or zips of them).`);
    setExitCode(EXIT.failed);
  }
}

function ecosystemList(value: string): string[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(ECOSYSTEMS as readonly string[]).includes(name))
      throw new InvalidArgumentError(
        `${JSON.stringify(name)} is not an ecosystem herowatch matches; use any of ${ECOSYSTEMS.join(', ')} (as OSV spells them).`,
      );
  }
  return names;
}

async function updateOnline(
  output: Output,
  setExitCode: (code: number) => void,
  flags: { ecosystem?: string[]; full?: boolean; json?: boolean },
): Promise<void> {
  const { ecosystems, rematched } = await withHerowatch({}, (hw) => importAdvisoriesOnline(hw, { ecosystems: flags.ecosystem, full: flags.full }));
  const { opened, resolved } = changeCounts(rematched.flatMap((t) => t.changes));
  if (ecosystems.some((e) => e.error !== null)) setExitCode(EXIT.failed);
  if (flags.json) {
    return output.json({
      ecosystems: ecosystems.map(({ update, ...rest }) => {
        if (!update) return { ...rest, update: null };
        const { touched: _touched, ...counts } = update;
        return { ...rest, update: counts };
      }),
      rematched: { apps: rematched.length, opened, resolved },
    });
  }
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  output.out(
    table(
      ['ECOSYSTEM', 'READ', 'DOWNLOADED', 'NEW', 'REVISED', 'WITHDRAWN', 'UNCHANGED', 'PROBLEM'],
      ecosystems.map((e) => [
        e.ecosystem,
        e.error ? '' : e.mode === 'archive' ? 'whole archive' : e.mode === 'changes' ? `${e.requests - 1} changed` : 'up to date',
        e.error ? '' : mb(e.bytes),
        e.update?.added,
        e.update?.updated,
        e.update?.withdrawn,
        e.update?.unchanged,
        e.error ?? (e.update && e.update.skipped.length > 0 ? `${e.update.skipped.length} files not read` : ''),
      ]),
    ),
  );
  if (rematched.length > 0)
    output.out(
      `Matched again: ${rematched.length} tested app${rematched.length === 1 ? '' : 's'} (no slug downloaded): ${opened} vulnerabilities opened, ${resolved} resolved.`,
    );
}

function failOn(value: string): Severity {
  const severity = value.toLowerCase();
  if (!(FAIL_ON as readonly string[]).includes(severity)) throw new InvalidArgumentError(`Use one of ${FAIL_ON.join(', ')}.`);
  return severity as Severity;
}

function printScan(output: Output, report: ScanReport, skippedAdvisories: number): void {
  const { scan, vulnerabilities } = report;
  if (vulnerabilities.length > 0) {
    output.out(
      table(
        ['SEVERITY', 'PACKAGE', 'VERSION', 'VULNERABILITY', 'FIXED IN', 'WHERE'],
        vulnerabilities.map((v) => [
          v.severity,
          `${v.package}${v.dev ? ' (dev)' : ''}`,
          v.version,
          [v.id, ...v.advisories.filter((a) => a !== v.id)].join(' '),
          v.fixed ?? 'no fix yet',
          v.locations.join(', '),
        ]),
        { width: process.stdout.columns },
      ),
    );
    output.out();
  }
  const counts = ['critical', 'high', 'medium', 'low', 'unknown']
    .map((s) => [s, vulnerabilities.filter((v) => v.severity === s).length] as const)
    .filter(([, n]) => n > 0);
  const used = scan.files.filter((f) => f.used);
  output.out(
    `${scan.packages.length} packages from ${used.length} file${used.length === 1 ? '' : 's'}; ${vulnerabilities.length === 0 ? 'no known vulnerability' : `${vulnerabilities.length} vulnerabilit${vulnerabilities.length === 1 ? 'y' : 'ies'} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})`}.`,
  );
  for (const file of scan.files)
    output.out(
      `  ${file.used ? 'read' : 'set aside'}: ${file.path} (${file.format}, ${file.packages} packages${file.used ? '' : '; what is installed beside it was read instead'})`,
    );
  if (report.devOnly > 0)
    output.out(`  ${report.devOnly} vulnerabilit${report.devOnly === 1 ? 'y' : 'ies'} of dev-only packages left out (--include-dev shows them).`);
  if (report.unknownVersions > 0)
    output.out(
      `  ${report.unknownVersions} package${report.unknownVersions === 1 ? '' : 's'} without a pinned version: not matched (pin them, or scan what is installed).`,
    );
  const unregistered = scan.packages.filter((p) => p.source !== undefined).length;
  if (unregistered > 0)
    output.out(
      `  ${unregistered} package${unregistered === 1 ? '' : 's'} not from a registry (a folder, a link, a workspace, git or an archive): listed, not matched against registry advisories.`,
    );
  for (const gap of scan.gaps) output.out(`  not read: ${gap.path}: ${gap.reason}`);
  if (skippedAdvisories > 0) output.out(`  ${skippedAdvisories} advisory files could not be read and were skipped.`);
}

/** What a test read, in a few words: the packages and the kind of files they came from (or the SBOM, named for its commit). */
function readSummary({
  packages,
  files,
  source,
}: {
  packages: number;
  files: { path: string; used: boolean; evidence: string }[];
  source: 'slug' | 'sbom';
}): string {
  if (source === 'sbom') return `${packages} packages from ${files[0]?.path ?? 'an SBOM'}`;
  const used = files.filter((f) => f.used);
  const kinds = [...new Set(used.map((f) => f.evidence))];
  return `${packages} packages from ${used.length} file${used.length === 1 ? '' : 's'}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`;
}

/** Where a test's packages came from, in words. */
const FROM: Record<Exclude<AppTest['outcome'], 'gap'>, (test: AppTest) => string> = {
  reused: () => 'slug read before, not downloaded again',
  scanned: () => 'slug downloaded and read',
  sbom: (test) => `from ${sbomLabel(test.commit ?? null, test.release)}`,
};

function printTest(output: Output, test: AppTest): void {
  if (test.outcome === 'gap') {
    output.out(`${test.app}: not read: ${test.reason}${test.unjudged?.fix ? ` (fix: ${test.unjudged.fix})` : ''}`);
    return;
  }
  const opened = test.changes.filter((c) => c.event !== 'resolved').length;
  const resolved = test.changes.filter((c) => c.event === 'resolved').length;
  const verdict = test.unjudged
    ? 'not judged'
    : `${test.open} open vulnerabilit${test.open === 1 ? 'y' : 'ies'}${opened + resolved > 0 ? ` (${opened} new, ${resolved} resolved)` : ''}`;
  output.out(`${test.app}: release v${test.release ?? '?'}, ${test.packages} packages (${FROM[test.outcome](test)}); ${verdict}`);
  if (test.reason) output.out(`  not read: ${test.reason}`);
  if (test.unjudged) output.out(`  cannot be judged: ${test.unjudged.reason}${test.unjudged.fix ? ` (fix: ${test.unjudged.fix})` : ''}`);
}

function epssScore(value: string): number {
  const score = Number(value);
  if (value.trim() === '' || !(score >= 0 && score <= 1)) throw new InvalidArgumentError('Give an EPSS score from 0 to 1, such as 0.1.');
  return score;
}
