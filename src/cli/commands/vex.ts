import type { Command } from 'commander';
import { importVex, listVex, removeVex, type VexImport } from '../../service/vex.js';
import { MAX_VEX_BYTES, VexError } from '../../vulns/vex.js';
import { withHerowatch } from '../context.js';
import type { Output } from '../output.js';
import { wholeNumber } from '../parse.js';
import { readBounded } from '../read-bounded.js';
import { table } from '../table.js';

const STATEMENT_ID = wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a statement id (herowatch vex list gives them): a whole number');

export function registerVex(program: Command, output: Output): void {
  const vex = program
    .command('vex')
    .description('VEX statements: what is known of a vulnerability in what runs (not affected and why, affected, fixed, under investigation)');
  vex
    .command('import')
    .description(
      'Import an OpenVEX 0.2 or CycloneDX VEX document: a not_affected statement takes the findings it names out of the counts, with its justification; later advisory revisions keep it',
    )
    .argument('<file>', 'the VEX document (JSON), or - for standard input')
    .option('--connection <name>', "only this connection's findings (default: every connection's)")
    .option('--app <app>', "only this app's findings (by name or id)")
    .option('--json', 'say what was imported as JSON')
    .action(async (file: string, flags: { connection?: string; app?: string; json?: boolean }) => {
      const document = await readBounded(file, MAX_VEX_BYTES, (message: string) => new VexError(message));
      const result = await withHerowatch({}, (hw) =>
        importVex(hw, { document, connection: flags.connection, app: flags.app, by: `cli:${process.env.USER ?? 'unknown'}` }),
      );
      if (flags.json) return output.json(result);
      printImport(output, result);
    });
  vex
    .command('list')
    .description('The statements kept, newest last')
    .option('--json', 'print them as JSON')
    .action(async (flags: { json?: boolean }) => {
      const statements = await withHerowatch({}, (hw) => listVex(hw));
      if (flags.json) return output.json(statements);
      if (statements.length === 0) return output.out('No VEX statement (herowatch vex import FILE imports some).');
      output.out(
        table(
          ['ID', 'VULNERABILITY', 'STATUS', 'JUSTIFICATION', 'PACKAGE', 'WHERE', 'ISSUED'],
          statements.map((s) => [
            s.id,
            s.ids.join(' '),
            s.status,
            s.justification ?? '',
            s.package ? `${s.package}${s.version ? `@${s.version}` : ''}` : 'any',
            `${s.connection ?? 'every connection'}${s.app ? `, app ${s.app}` : ''}`,
            s.issued_at?.slice(0, 10) ?? '',
          ]),
          { width: process.stdout.columns },
        ),
      );
    });
  vex
    .command('remove')
    .description('Remove a statement: the findings it stood for count again (unless another stands for them)')
    .argument('<id>', 'the statement id (herowatch vex list)', STATEMENT_ID)
    .action(async (id: number) => {
      await withHerowatch({}, (hw) => removeVex(hw, id));
      output.out(`Removed VEX statement ${id}.`);
    });
}

function printImport(output: Output, result: VexImport): void {
  const where = result.connection ? `connection ${result.connection}${result.app ? `, app ${result.app}` : ''}` : 'every connection';
  output.out(
    `Imported ${result.statements} statement${result.statements === 1 ? '' : 's'} of ${result.format} document ${result.document}${result.author ? ` by ${result.author}` : ''} (${where}): ${result.findings === 1 ? '1 finding now carries one' : `${result.findings} findings now carry one`}, ${result.notAffected} not affected.`,
  );
  for (const skip of result.skipped) output.out(`  not kept: ${skip.count} ${skip.reason}`);
}
