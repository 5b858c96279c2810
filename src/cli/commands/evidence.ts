import type { Command } from 'commander';
import { createEvidence, verifyEvidence } from '../../service/evidence.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';

const DAY = 86_400_000;

function parseDay(value: string, flag: string, endOfDay: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)) return endOfDay ? new Date(date.getTime() + DAY - 1) : date;
  }
  const time = Date.parse(value);
  if (/T/.test(value) && !Number.isNaN(time)) return new Date(time);
  throw new UsageError(`${flag} takes a day (YYYY-MM-DD) or an ISO time, not ${value}`);
}

export function registerEvidence(program: Command, output: Output, setExitCode: (code: number) => void): void {
  const evidence = program
    .command('evidence')
    .description('Write an evidence bundle for auditors (a zip with a report, findings, inventory, audit trail, runs and a manifest of hashes)')
    .option('--out <file>', 'the zip to write, e.g. evidence-2026-q4.zip')
    .option('--from <day>', 'start of the period (default: 30 days before --to)')
    .option('--to <day>', 'end of the period, included (default: now)')
    .option('--connection <name>', 'one connection (default: all)')
    .option('--json', 'print JSON')
    .action(async (flags: { out?: string; from?: string; to?: string; connection?: string; json?: boolean }) => {
      if (!flags.out) throw new UsageError('Say where to write the bundle: herowatch evidence --out FILE.zip (or herowatch evidence verify FILE.zip to check one)');
      const to = flags.to ? parseDay(flags.to, '--to', true) : new Date();
      const from = flags.from ? parseDay(flags.from, '--from', false) : new Date(to.getTime() - 30 * DAY);
      const result = await withHerowatch({}, (hw) => createEvidence(hw, { out: flags.out!, from, to, connection: flags.connection }));
      if (flags.json) return output.json(result);
      output.out(`Wrote ${result.out}: ${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB, ${result.period.from.slice(0, 10)} to ${result.period.to.slice(0, 10)}, ${result.openFindings} open findings.`);
      output.out(`Manifest SHA-256: ${result.manifestHash}`);
      output.out(`Check it with: herowatch evidence verify ${result.out}`);
    });

  evidence
    .command('verify')
    .argument('<file>', 'an evidence bundle')
    .description('Check that no file of a bundle was changed, added or removed')
    .option('--json', 'print JSON')
    .action(async (file: string, flags: { json?: boolean }) => {
      const result = await verifyEvidence(file);
      if (flags.json) output.json({ ok: result.ok, problems: result.problems, files: result.files, manifestHash: result.manifestHash, period: result.manifest?.period ?? null, generated_at: result.manifest?.generated_at ?? null });
      else if (result.ok) {
        output.out(`${file}: verified, ${result.files} files unchanged (manifest SHA-256 ${result.manifestHash}).`);
        output.out(`Period ${result.manifest!.period.from.slice(0, 10)} to ${result.manifest!.period.to.slice(0, 10)}, generated ${result.manifest!.generated_at} by ${result.manifest!.generated_by}.`);
      } else {
        output.err(`${file}: NOT verified:`);
        for (const problem of result.problems) output.err(`  ${problem}`);
      }
      setExitCode(result.ok ? 0 : 1);
    });
}
