import { InvalidArgumentError, type Command } from 'commander';
import { advisoryDatabaseStatus, FAIL_ON, loadAdvisories, reaches, reportScan, scanPath, storedAdvisoryIndex, updateAdvisories, type ScanReport } from '../../service/vulns.js';
import { withHerowatch } from '../context.js';
import type { Severity } from '../../vulns/severity.js';
import { UsageError, type Output } from '../output.js';
import { table } from '../table.js';

interface ScanFlags {
  db?: string;
  json?: boolean;
  failOn?: Exclude<Severity, 'unknown'>;
  includeDev?: boolean;
}

export function registerVulns(program: Command, output: Output, setExitCode: (code: number) => void): void {
  const vulns = program.command('vulns').description('Known vulnerabilities of the packages apps deploy (OSV advisories)');

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
        if (advisories.records === 0) throw new UsageError(`--db ${flags.db} holds no OSV advisory${advisories.skipped.length > 0 ? ` (${advisories.skipped.length} files could not be read, e.g. ${advisories.skipped[0]!.source}: ${advisories.skipped[0]!.problem})` : ''}.`);
        skippedAdvisories = advisories.skipped.length;
        report = reportScan(await scanPath(path), advisories.index, { includeDev: flags.includeDev });
      } else {
        report = await withHerowatch({}, async (hw) => {
          if ((await advisoryDatabaseStatus(hw)).every((e) => e.advisories === 0)) {
            throw new UsageError('The advisory database is empty: import advisories first (herowatch vulns db update --from PATH), or give --db PATH.');
          }
          const scan = await scanPath(path);
          return reportScan(scan, await storedAdvisoryIndex(hw, scan.packages), { includeDev: flags.includeDev });
        });
      }
      if (flags.json) {
        output.json({
          packages: report.scan.packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version, dev: p.dev, locations: p.locations })),
          vulnerabilities: report.vulnerabilities.map((v) => ({ id: v.id, aliases: [...v.advisories.filter((a) => a !== v.id), ...v.aliases.filter((a) => a !== v.id)], ecosystem: v.ecosystem, package: v.package, version: v.version, severity: v.severity, fixed: v.fixed })),
        });
        for (const gap of report.scan.gaps) output.err(`herowatch: not read: ${gap.path}: ${gap.reason}`);
      } else {
        printScan(output, report, skippedAdvisories);
      }
      if (flags.failOn && reaches(report.vulnerabilities, flags.failOn)) setExitCode(1);
    });

  const db = vulns.command('db').description('The advisory database vulnerabilities are matched against (OSV format)');
  db.command('update')
    .description('Import OSV advisories: new ones are added, revised ones replaced, withdrawn ones removed')
    .requiredOption('--from <path>', 'a folder of OSV JSON files or zips (such as the OSV export\'s per-ecosystem all.zip), or one of them')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { from: string; json?: boolean }) => {
      const update = await withHerowatch({}, (hw) => updateAdvisories(hw, flags.from));
      if (flags.json) return output.json(update);
      output.out(`Imported ${update.records} advisories from ${update.source} in ${(update.durationMs / 1000).toFixed(1)}s: ${update.added} new, ${update.updated} revised, ${update.unchanged} unchanged, ${update.withdrawn} withdrawn${update.ignored > 0 ? `, ${update.ignored} for ecosystems herowatch does not match` : ''}.`);
      if (update.ecosystems.length > 0) output.out(`  ecosystems: ${update.ecosystems.join(', ')}`);
      for (const skip of update.skipped.slice(0, 10)) output.out(`  not read: ${skip.source}: ${skip.problem}`);
      if (update.skipped.length > 10) output.out(`  ... and ${update.skipped.length - 10} more files not read`);
    });
  db.command('status')
    .description('Which ecosystems the advisory database holds, how many advisories each, and how old')
    .option('--json', 'print the status as JSON')
    .action(async (flags: { json?: boolean }) => {
      const status = await withHerowatch({}, (hw) => advisoryDatabaseStatus(hw));
      if (flags.json) return output.json(status);
      if (status.length === 0) return output.out('The advisory database is empty: herowatch vulns db update --from PATH imports OSV advisories.');
      const now = Date.now();
      const age = (at: string | null) => (at ? `${Math.max(0, Math.floor((now - Date.parse(at)) / 86_400_000))} days` : '');
      output.out(table(['ECOSYSTEM', 'ADVISORIES', 'IMPORTED', 'AGO', 'NEWEST ADVISORY', 'FROM'], status.map((e) => [e.ecosystem, e.advisories, e.importedAt?.slice(0, 16).replace('T', ' '), age(e.importedAt), e.newestModified?.slice(0, 10), e.source])));
    });
}

function failOn(value: string): Exclude<Severity, 'unknown'> {
  const severity = value.toLowerCase();
  if (!(FAIL_ON as string[]).includes(severity)) throw new InvalidArgumentError(`Use one of ${FAIL_ON.join(', ')}.`);
  return severity as Exclude<Severity, 'unknown'>;
}

function printScan(output: Output, report: ScanReport, skippedAdvisories: number): void {
  const { scan, vulnerabilities } = report;
  if (vulnerabilities.length > 0) {
    output.out(
      table(
        ['SEVERITY', 'PACKAGE', 'VERSION', 'VULNERABILITY', 'FIXED IN', 'WHERE'],
        vulnerabilities.map((v) => [v.severity, `${v.package}${v.dev ? ' (dev)' : ''}`, v.version, [v.id, ...v.advisories.filter((a) => a !== v.id)].join(' '), v.fixed ?? 'no fix yet', v.locations.join(', ')]),
        { width: process.stdout.columns },
      ),
    );
    output.out();
  }
  const counts = ['critical', 'high', 'medium', 'low', 'unknown'].map((s) => [s, vulnerabilities.filter((v) => v.severity === s).length] as const).filter(([, n]) => n > 0);
  const used = scan.files.filter((f) => f.used);
  output.out(`${scan.packages.length} packages from ${used.length} file${used.length === 1 ? '' : 's'}; ${vulnerabilities.length === 0 ? 'no known vulnerability' : `${vulnerabilities.length} vulnerabilit${vulnerabilities.length === 1 ? 'y' : 'ies'} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})`}.`);
  for (const file of scan.files) output.out(`  ${file.used ? 'read' : 'set aside'}: ${file.path} (${file.format}, ${file.packages} packages${file.used ? '' : '; what is installed beside it was read instead'})`);
  if (report.devOnly > 0) output.out(`  ${report.devOnly} vulnerabilit${report.devOnly === 1 ? 'y' : 'ies'} of dev-only packages left out (--include-dev shows them).`);
  if (report.unknownVersions > 0) output.out(`  ${report.unknownVersions} package${report.unknownVersions === 1 ? '' : 's'} without a pinned version: not matched (pin them, or scan what is installed).`);
  for (const gap of scan.gaps) output.out(`  not read: ${gap.path}: ${gap.reason}`);
  if (skippedAdvisories > 0) output.out(`  ${skippedAdvisories} advisory files could not be read and were skipped.`);
}
