import { Option, type Command } from 'commander';
import { exportFindings, FINDING_EXPORTS } from '../../compliance/finding-export.js';
import { SEVERITIES, type Severity } from '../../severity.js';
import { checksMarkdown } from '../../compliance/docs.js';
import { CHECK_COUNT_ORDER, summaryText } from '../../compliance/report.js';
import {
  configuredCatalog,
  evaluateConnections,
  findingDetail,
  FINDING_STATUSES,
  frameworkReport,
  listFindings,
  suppressFinding,
  unsuppressFinding,
  type EvaluationSummary,
  type FindingDetail,
  type FindingView,
  type FindingViewStatus,
} from '../../service/compliance.js';
import { DAY_MS, parseDay } from '../../time.js';
import { writeOutputFile } from '../../export/write-file.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { listOf, wholeNumber } from '../parse.js';
import { table } from '../table.js';

const FORMATS = ['table', ...FINDING_EXPORTS] as const;
type FindingFormat = (typeof FORMATS)[number];

export function registerCompliance(program: Command, output: Output, setExitCode: (code: number) => void): void {
  program
    .command('checks')
    .description('The compliance check catalog: severity, what each one guards against, the fix, and framework controls')
    .option('--json', 'print JSON')
    .option('--markdown', 'print the reference documentation of every check and framework (docs/checks.md)')
    .action(async (flags: { json?: boolean; markdown?: boolean }) => {
      if (flags.markdown) return output.raw(checksMarkdown());
      const catalog = await withHerowatch({}, async (hw) => configuredCatalog(hw));
      if (flags.json) return output.json(catalog);
      output.out(
        table(
          ['check', 'severity', 'title', 'frameworks'],
          catalog.map((c) => [`${c.id}${c.enabled ? '' : ' (disabled)'}`, c.severity, c.title, c.frameworks.join(', ')]),
        ),
      );
    });

  program
    .command('evaluate')
    .description('Evaluate the checks over the last synced inventory now (a sync does this by itself)')
    .option('--connection <name>', 'one connection (default: every synced one)')
    .option('--json', 'print JSON')
    .action(async (flags: { connection?: string; json?: boolean }) => {
      const summaries = await withHerowatch({}, (hw) => evaluateConnections(hw, flags.connection));
      if (flags.json) return output.json(flags.connection ? summaries[0] : summaries);
      for (const summary of summaries) printEvaluation(output, summary);
    });

  const findings = program
    .command('findings')
    .description('Compliance findings: one per check and resource, with first and last seen, status and suppression')
    .option('--connection <name>', "one connection's findings")
    .option(
      '--status <list>',
      `comma-separated: ${FINDING_STATUSES.join(', ')}, or all (default: the current problems: open, suppressed, unknown)`,
      listOf(FINDING_STATUSES),
    )
    .addOption(new Option('--severity <level>', 'this severity and above').choices(SEVERITIES))
    .option('--check <id>', "one check's findings")
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--json', 'same as --format json')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(
      async (flags: {
        connection?: string;
        status?: FindingViewStatus[];
        severity?: Severity;
        check?: string;
        format: FindingFormat;
        json?: boolean;
        out?: string;
      }) => {
        const format = flags.json ? 'json' : flags.format;
        const status = flags.status ?? CURRENT_PROBLEMS;
        const list = await withHerowatch({}, (hw) => listFindings(hw, { connection: flags.connection, status, severity: flags.severity, check: flags.check }));
        const text = formatFindings(list, format, new Date(), flags.out ? undefined : process.stdout.columns);
        if (flags.out) {
          await writeOutputFile(flags.out, text);
          output.err(`Wrote ${list.length} findings to ${flags.out}`);
        } else output.raw(text);
      },
    );

  findings
    .command('show')
    .argument('<id>', 'finding id (herowatch findings shows them)', FINDING_ID)
    .description('One finding in full: what failed, why it matters, how to fix it, and its history')
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { json?: boolean }) => {
      const detail = await withHerowatch({}, (hw) => findingDetail(hw, id));
      if (flags.json) return output.json(detail);
      printFinding(output, detail);
    });

  findings
    .command('suppress')
    .argument('<id>', 'finding id (herowatch findings shows them)', FINDING_ID)
    .description('Accept a failing finding until a date, with a reason: it shows as suppressed and reopens when the date passes')
    .requiredOption('--reason <text>', 'why it is accepted, for the auditor')
    .requiredOption('--by <name>', 'who decides')
    .requiredOption('--expires <date>', 'YYYY-MM-DD, or a number of days such as 90d (at most a year)')
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { reason: string; by: string; expires: string; json?: boolean }) => {
      const expiresAt = parseExpiry(flags.expires);
      const suppression = await withHerowatch({}, (hw) => suppressFinding(hw, id, { reason: flags.reason, by: flags.by, expiresAt }));
      if (flags.json) return output.json(suppression);
      output.out(`Suppressed finding ${id} (${suppression.finding}) until ${suppression.expires_at.slice(0, 10)}.`);
    });

  findings
    .command('unsuppress')
    .argument('<id>', 'finding id', FINDING_ID)
    .description("End a finding's suppression now")
    .requiredOption('--by <name>', 'who decides')
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { by: string; json?: boolean }) => {
      await withHerowatch({}, (hw) => unsuppressFinding(hw, id, flags.by));
      if (flags.json) return output.json({ id, suppressed: false, by: flags.by });
      output.out(`Finding ${id} is no longer suppressed.`);
    });

  program
    .command('report')
    .description("A framework's controls with their checks and current results")
    .requiredOption('--framework <id>', 'soc2, iso27001 or cis-v8')
    .option('--connection <name>', 'one connection (default: all)')
    .option('--json', 'print JSON')
    .action(async (flags: { framework: string; connection?: string; json?: boolean }) => {
      const report = await withHerowatch({}, (hw) => frameworkReport(hw, flags.framework, { connection: flags.connection }));
      if (flags.json) return output.json(report);
      output.out(`${report.framework.name} (${report.framework.version}) for ${report.connections.join(', ') || 'no connections'}`);
      output.out(`  Controls: ${summaryText(report.summary)}`);
      if (report.summary.not_evaluated === report.controls.length) {
        output.out('  Nothing has been evaluated yet: sync a connection (herowatch sync), and the checks run after it.');
        return;
      }
      for (const control of report.controls) {
        output.out('');
        output.out(`${control.id}  ${control.status.toUpperCase().replace('_', ' ')}  ${control.title}`);
        for (const check of control.checks) {
          output.out(`    ${check.id}: ${CHECK_COUNT_ORDER.map((k) => `${check[k]} ${k}`).join(', ')}`);
        }
      }
      setExitCode(0);
    });
}

export function printEvaluation(output: Output, summary: EvaluationSummary): void {
  const { opened, reopened, resolved } = summary.changeCounts;
  output.out(
    `Compliance of "${summary.connection}": ${summary.failed} failing, ${summary.unknown} unknown, ${summary.passed} passing over ${summary.checks} checks (${opened + reopened} new or reopened, ${resolved} resolved); herowatch findings --connection ${summary.connection} lists them.`,
  );
  if (summary.warningCount === 0) return;
  output.out(`${summary.warningCount} warning${summary.warningCount === 1 ? '' : 's'} (passing for now):`);
  for (const warning of summary.warnings.slice(0, 10)) output.out(`  ${warning.checkId}: ${warning.message}`);
  if (summary.warningCount > 10)
    output.out(
      `  ... and ${summary.warningCount - 10} more (herowatch findings --connection ${summary.connection} --status pass --check CHECK lists a check's passing results, these among them)`,
    );
}

const FINDING_ID = wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a finding id (herowatch findings shows them): a whole number');

export function parseExpiry(value: string, now = new Date()): Date {
  const days = /^(\d+)d$/.exec(value);
  if (days) return new Date(now.getTime() + Number(days[1]) * DAY_MS);
  const date = parseDay(value);
  if (date) return date;
  throw new UsageError(`--expires takes a real day (YYYY-MM-DD) or a number of days (90d), not ${value}`);
}

/** What `findings` shows unless asked: what is wrong now (not what passes, nor what was fixed). */
const CURRENT_PROBLEMS: FindingViewStatus[] = ['open', 'suppressed', 'unknown'];

export function formatFindings(list: FindingView[], format: FindingFormat, now = new Date(), width?: number): string {
  if (format !== 'table') return exportFindings(list, format, now);
  if (list.length === 0) return 'No findings match.\n';
  const day = (time: string | null): string => time?.slice(0, 10) ?? '';
  const rows = list.map((f) => [
    f.id,
    f.severity,
    f.suppression ? `suppressed to ${day(f.suppression.expires_at)}` : f.status,
    f.connection,
    f.check_id,
    f.resource_name,
    day(f.first_seen_at),
    day(f.last_seen_at),
    f.message,
  ]);
  return `${table(['id', 'severity', 'status', 'connection', 'check', 'resource', 'first seen', 'last seen', 'message'], rows, { width })}\nherowatch findings show ID gives one in full, with its fix.\n`;
}

function printFinding(output: Output, f: FindingDetail): void {
  output.out(`Finding ${f.id}: ${f.check_title}`);
  output.out(
    `  ${f.severity}, ${f.suppression ? `suppressed until ${f.suppression.expires_at.slice(0, 10)} by ${f.suppression.by}: ${f.suppression.reason}` : f.status} (result ${f.result})`,
  );
  output.out(`  connection ${f.connection}${f.account_email ? ` (${f.account_email})` : ''}; ${f.resource_type} ${f.resource_name}`);
  output.out(`  first seen ${f.first_seen_at ?? 'never failed'}, last seen ${f.last_seen_at ?? '-'}${f.resolved_at ? `, resolved ${f.resolved_at}` : ''}`);
  output.out(`  the data behind it was read from Heroku ${f.data_as_of ?? '(not recorded)'}`);
  output.out('');
  output.out(f.message);
  output.out('');
  output.out(`Why it matters: ${f.risk}`);
  output.out(`Fix: ${f.remediation.text}`);
  if (f.remediation.command) output.out(`  ${f.remediation.command}`);
  if (f.frameworks.length > 0) output.out(`Controls: ${f.frameworks.join(', ')}`);
  if (f.references.length > 0) output.out(`See: ${f.references.join(' ')}`);
  if (f.history.length > 0) {
    output.out('');
    output.out('History:');
    for (const event of f.history) output.out(`  ${event.at}  ${event.event}${event.detail ? `: ${event.detail}` : ''}`);
  }
}
