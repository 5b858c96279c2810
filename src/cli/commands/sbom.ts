import { InvalidArgumentError, type Command } from 'commander';
import { writeOutputFile } from '../../export/write-file.js';
import { describeImport, importSbom, type SbomImport } from '../../service/sbom-import.js';
import { appSbom } from '../../service/vuln-views.js';
import { SBOM_FORMATS, type SbomFormat } from '../../vulns/sbom-format.js';
import { MAX_SBOM_BYTES, SbomError } from '../../vulns/sbom-import.js';
import { withHerowatch } from '../context.js';
import { readBounded } from '../read-bounded.js';
import type { Output } from '../output.js';

export function registerSbom(program: Command, output: Output): void {
  const sbom = program
    .command('sbom')
    .description('SBOMs of monitored apps: export what herowatch read of one (the default), or import the SBOM a build produced');
  sbom
    .command('export', { isDefault: true })
    .description('An SBOM of what a monitored app runs (the packages its last test read), as CycloneDX 1.6 or SPDX 2.3 JSON')
    .argument('<app>', 'a monitored app')
    .option('--connection <name>', 'connection, when the app is monitored on several')
    .option('--format <format>', `${SBOM_FORMATS.join(' or ')}`, sbomFormat, 'cyclonedx')
    .option('--out <file>', 'write it to this file instead of standard output')
    .option('--json', 'the SBOM is JSON already; with --out, what was written is said as JSON')
    .action(async (app: string, flags: { connection?: string; format: SbomFormat; out?: string; json?: boolean }) => {
      const sbom = await withHerowatch({}, (hw) => appSbom(hw, app, { connection: flags.connection, format: flags.format }));
      if (!flags.out) return output.raw(sbom.document);
      await writeOutputFile(flags.out, sbom.document);
      if (flags.json) return output.json({ app: sbom.app, release: sbom.release, packages: sbom.packages, format: flags.format, file: flags.out });
      output.err(
        `Wrote the ${flags.format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'} SBOM of ${sbom.app}${sbom.release === null ? '' : ` v${sbom.release}`} (${sbom.packages} packages) to ${flags.out}`,
      );
    });
  sbom
    .command('import')
    .description(
      "Import the SBOM a build produced (CycloneDX 1.4-1.6 or SPDX 2.3 JSON) for a monitored app herowatch cannot read itself (a Fir app's OCI image, a container app): attributed to the release of the commit it names, matched like a slug's packages",
    )
    .argument('<file>', 'the SBOM (JSON), or - for standard input')
    .requiredOption('--app <app>', 'the monitored app it was built for')
    .option('--connection <name>', 'connection (default: the only one)')
    .option('--commit <sha>', 'the commit the build was made from, when the SBOM does not name it (in CI: $GITHUB_SHA)')
    .option('--json', 'say what was imported as JSON')
    .action(async (file: string, flags: { app: string; connection?: string; commit?: string; json?: boolean }) => {
      const document = await readBounded(file, MAX_SBOM_BYTES, (message: string) => new SbomError(message));
      const result = await withHerowatch({}, (hw) =>
        importSbom(hw, { connection: flags.connection, app: flags.app, document, commit: flags.commit, by: `cli:${process.env.USER ?? 'unknown'}` }),
      );
      if (flags.json) return output.json(result);
      printImport(output, result);
    });
}

function printImport(output: Output, result: SbomImport): void {
  output.out(describeImport(result));
  for (const skip of result.skipped) output.out(`  not matched: ${skip.count} ${skip.reason}`);
  const test = result.test;
  if (!test) return;
  if (test.outcome === 'gap') output.out(`  ${result.app} is not judged from it: ${test.reason}`);
  else if (test.unjudged) output.out(`  cannot be judged: ${test.unjudged.reason}${test.unjudged.fix ? ` (fix: ${test.unjudged.fix})` : ''}`);
  else output.out(`  ${test.open} open vulnerabilit${test.open === 1 ? 'y' : 'ies'} (herowatch vulns show ${result.app})`);
}

function sbomFormat(value: string): SbomFormat {
  if (!(SBOM_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`Use ${SBOM_FORMATS.join(' or ')}.`);
  return value as SbomFormat;
}
