import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createEvidence, evidenceSigningKey, verifyEvidence } from '../../service/evidence.js';
import { loadConfig } from '../../config.js';
import { DAY_MS, parseDayOrTime } from '../../time.js';
import { confirm } from '../confirm.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';

function day(value: string, flag: string, endOfDay: boolean): Date {
  const parsed = parseDayOrTime(value, { endOfDay });
  if (!parsed) throw new UsageError(`${flag} takes a real day (YYYY-MM-DD) or an ISO time (2026-11-01T10:00:00Z), not ${value}`);
  return parsed;
}

export function registerEvidence(program: Command, output: Output, setExitCode: (code: number) => void): void {
  const evidence = program
    .command('evidence')
    .description('Write an evidence bundle for auditors (a zip with a report, findings, inventory, audit trail, runs and a signed manifest of hashes)')
    .option('--out <file>', 'the zip to write, e.g. evidence-2026-q4.zip')
    .option('--yes', 'replace --out if it exists, without asking')
    .option('--from <day>', 'start of the period (default: 30 days before --to)')
    .option('--to <day>', 'end of the period, included (default: now; a day still to come means up to now)')
    .option('--connection <name>', 'one connection (default: all)')
    .option('--no-sign', "leave the bundle unsigned (by default the manifest is signed with the installation's key)")
    .option('--json', 'print JSON')
    .action(async (flags: { out?: string; yes?: boolean; from?: string; to?: string; connection?: string; sign: boolean; json?: boolean }) => {
      if (!flags.out)
        throw new UsageError('Say where to write the bundle: herowatch evidence --out FILE.zip (or herowatch evidence verify FILE.zip to check one)');
      if (!flags.yes && existsSync(flags.out)) await confirm(`${flags.out} exists. Replace it?`, 'evidence --out');
      const now = new Date();
      // A --to still to come (today, the end of the quarter) means: up to now, which is all there is to show.
      const end = flags.to ? day(flags.to, '--to', true) : now;
      const to = end > now ? now : end;
      if (end > now && flags.to !== now.toISOString().slice(0, 10)) output.err(`--to ${flags.to} is still to come: the bundle covers the period up to now.`);
      const from = flags.from ? day(flags.from, '--from', false) : new Date(to.getTime() - 30 * DAY_MS);
      const result = await withHerowatch({}, (hw) => createEvidence(hw, { out: flags.out!, from, to, connection: flags.connection, sign: flags.sign }));
      if (flags.json) return output.json(result);
      for (const warning of result.warnings) output.err(`warning: ${warning}`);
      output.out(
        `Wrote ${result.out}: ${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB, ${result.period.from.slice(0, 10)} to ${result.period.to.slice(0, 10)}, ${result.openFindings} open findings.`,
      );
      output.out(`Manifest SHA-256: ${result.manifestHash}`);
      if (result.signer) output.out(`Signed by ${result.signer}. Check it with: herowatch evidence verify ${result.out} --signer ${result.signer}`);
      else output.out(`Unsigned. Check it with: herowatch evidence verify ${result.out}`);
    });

  evidence
    .command('verify')
    .argument('<file>', 'an evidence bundle')
    .description(
      "Check that no file of a bundle was changed, added or removed, and that the key you trust signed it: exits 0 only then (an unsigned bundle, or one signed by a key not named with --signer and not this installation's own, exits 1)",
    )
    .option(
      '--signer <key>',
      "the key that must have signed it: its fingerprint (SHA256:...) or a file with its PEM public key (default: this installation's own key)",
    )
    .option('--json', 'print JSON')
    .action(async (file: string, flags: { signer?: string; json?: boolean }) => {
      const config = loadConfig(process.env);
      const result = await verifyEvidence(file, { signer: flags.signer, home: config.home, keys: config.keys });
      if (flags.json)
        output.json({
          ok: result.ok,
          intact: result.intact,
          trusted: result.trusted,
          problems: result.problems,
          files: result.files,
          manifestHash: result.manifestHash,
          signer: result.signer,
          period: result.manifest?.period ?? null,
          generated_at: result.manifest?.generated_at ?? null,
        });
      else if (result.ok) {
        output.out(`${file}: verified, ${result.files} files unchanged (manifest SHA-256 ${result.manifestHash}).`);
        output.out(
          `Period ${result.manifest!.period.from.slice(0, 10)} to ${result.manifest!.period.to.slice(0, 10)}, generated ${result.manifest!.generated_at} by ${result.manifest!.generated_by}.`,
        );
        output.out(flags.signer ? `Signed by ${result.signer}, the expected key.` : `Signed by ${result.signer}, this installation's own key.`);
      } else {
        output.err(result.intact ? `${file}: intact (${result.files} files agree with the manifest), but NOT verified:` : `${file}: NOT verified:`);
        for (const problem of result.problems) output.err(`  ${problem}`);
      }
      setExitCode(result.ok ? 0 : 1);
    });

  evidence
    .command('signing-key')
    .description('The key this installation signs evidence with: its fingerprint and public key, to give to auditors (created on first use)')
    .option('--pem', 'print only the PEM public key (e.g. > herowatch-evidence.pub)')
    .option('--json', 'print JSON')
    .action(async (flags: { pem?: boolean; json?: boolean }) => {
      const key = await withHerowatch({}, async (hw) => evidenceSigningKey(hw));
      if (flags.json) return output.json({ fingerprint: key.fingerprint, public_key: key.publicKeyPem, source: key.source });
      if (flags.pem) return output.raw(key.publicKeyPem);
      output.out(`Fingerprint: ${key.fingerprint}`);
      output.out(`Key: ${key.source === 'env' ? 'HEROWATCH_EVIDENCE_KEY' : "evidence-signing.key in herowatch's home (keep a copy with your backups)"}`);
      output.out(key.publicKeyPem.trimEnd());
    });
}
