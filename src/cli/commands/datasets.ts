import { Option, type Command } from 'commander';
import { datasetsMarkdown } from '../../datasets/docs.js';
import { datasetRows, formatRows, listDatasets, runReadOnlySql, type ExportFormat } from '../../service/datasets.js';
import { connectionChanges, syncRuns } from '../../service/history.js';
import { inventoryFreshness } from '../../service/freshness.js';
import { writeOutputFile } from '../../export/write-file.js';
import { withHerowatch } from '../context.js';
import { EXIT, type Output } from '../output.js';
import { toCsv } from '../../export/csv.js';
import { runNumber, wholeNumber } from '../parse.js';
import { table } from '../table.js';

const FORMATS: ExportFormat[] = ['csv', 'json', 'ndjson'];

/** What `herowatch sql` answers at most, unless --limit says otherwise. */
const SQL_ROWS = 10_000;
const SQL_BYTES = 64 * 1024 * 1024;

export function registerDatasets(program: Command, output: Output, setExitCode: (code: number) => void): void {
  program
    .command('datasets')
    .description('List the datasets with their row counts')
    .option('--connection <name>', "count one connection's rows only")
    .option('--columns', 'also describe every column')
    .option('--markdown', 'print the reference documentation of every dataset (docs/datasets.md)')
    .option('--json', 'print JSON')
    .action(async (flags: { connection?: string; columns?: boolean; markdown?: boolean; json?: boolean }) => {
      if (flags.markdown) return output.raw(datasetsMarkdown());
      const summaries = await withHerowatch({}, (hw) => listDatasets(hw, flags.connection));
      if (flags.json) return output.json(summaries);
      output.out(
        table(
          ['dataset', 'rows', 'description'],
          summaries.map((d) => [d.name, d.rows, d.description]),
        ),
      );
      if (flags.columns) {
        for (const d of summaries) {
          output.out(`\n${d.name}: ${d.description}`);
          output.out(
            table(
              ['column', 'type', 'description'],
              d.columns.map((c) => [c.name, c.type, c.description]),
            ),
          );
        }
      }
    });

  program
    .command('export')
    .argument('<dataset>', 'dataset name, e.g. apps, addons, addon-services, teams (herowatch datasets lists them)')
    .description('Export a dataset as CSV, JSON or NDJSON')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('csv'))
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--connection <name>', "one connection's rows only")
    .option('--json', 'the same as --format json')
    .action(async (name: string, flags: { format: ExportFormat; out?: string; connection?: string; json?: boolean }) => {
      const { dataset, rows } = await withHerowatch({}, (hw) => datasetRows(hw, name, flags.connection));
      const text = formatRows(dataset, rows, flags.json ? 'json' : flags.format);
      if (flags.out) {
        await writeOutputFile(flags.out, text);
        output.err(`Wrote ${rows.length} rows of ${dataset.name} to ${flags.out}`);
      } else {
        output.raw(text);
      }
    });

  program
    .command('sql')
    .argument('<query>', 'one read-only SQL query over the datasets')
    .description('Query the datasets with SQL (read-only)')
    .option(
      '--limit <n>',
      `rows at most (default ${SQL_ROWS.toLocaleString('en-US')}; more rows than asked for is then not a failure)`,
      wholeNumber(1, 1_000_000),
    )
    .addOption(new Option('--format <format>', 'table on a terminal, or csv, json, ndjson').choices(['table', ...FORMATS]).default('table'))
    .option('--json', 'print {columns, rows, truncated, truncated_by, cut_cells} as JSON')
    .action(async (query: string, flags: { limit?: number; format: 'table' | ExportFormat; json?: boolean }) => {
      const answer = await withHerowatch({}, (hw) => runReadOnlySql(hw, query, { maxRows: flags.limit ?? SQL_ROWS, maxResultBytes: SQL_BYTES }));
      const format = flags.json ? 'json' : flags.format;
      if (format === 'json')
        output.json({ columns: answer.columns, rows: answer.rows, truncated: answer.truncated, truncated_by: answer.truncatedBy, cut_cells: answer.cutCells });
      else if (format === 'csv')
        output.raw(
          toCsv(
            answer.columns,
            answer.rows.map((row) => answer.columns.map((c) => row[c])),
          ),
        );
      else if (format === 'ndjson') output.raw(answer.rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
      else
        output.out(
          table(
            answer.columns,
            answer.rows.map((row) => answer.columns.map((c) => row[c] as string)),
            { width: process.stdout.isTTY ? process.stdout.columns : undefined },
          ),
        );
      const count = `${answer.rows.length.toLocaleString('en-US')} row${answer.rows.length === 1 ? '' : 's'}`;
      if (answer.cutCells > 0)
        output.err(
          `${answer.cutCells} value${answer.cutCells === 1 ? ' was' : 's were'} longer than ${answer.limits.maxCellChars.toLocaleString('en-US')} characters and cut.`,
        );
      if (answer.truncatedBy === 'bytes') {
        output.err(
          `(${count}) The answer stopped at ${answer.limits.maxResultBytes / 1024 / 1024} MiB: the query matched more. Select fewer or shorter columns, page with LIMIT and OFFSET, or export whole datasets (herowatch export DATASET --out FILE).`,
        );
        setExitCode(EXIT.failed);
      } else if (answer.truncatedBy === 'rows' && flags.limit === undefined) {
        output.err(
          `(${count}) The query matched more than ${answer.limits.maxRows.toLocaleString('en-US')} rows and the answer was cut: add a WHERE, page with LIMIT and OFFSET, raise the cap with --limit N, or export whole datasets (herowatch export DATASET --out FILE).`,
        );
        setExitCode(EXIT.failed);
      } else {
        output.err(`(${count}${answer.truncatedBy === 'rows' ? `, the first ${flags.limit} as asked; there are more` : ''})`);
      }
    });

  program
    .command('changes')
    .description('What was added, changed and removed since a sync run')
    .requiredOption('--since <run>', 'a complete sync run (herowatch runs lists them)', runNumber)
    .option('--until <run>', 'a later complete run (default: the latest)', runNumber)
    .option('--connection <name>', 'connection (default: the only one)')
    .option('--json', 'print JSON')
    .action(async (flags: { since: number; until?: number; connection?: string; json?: boolean }) => {
      const result = await withHerowatch({}, (hw) => connectionChanges(hw, { connection: flags.connection, since: flags.since, until: flags.until }));
      if (flags.json) return output.json(result);
      output.out(`Changes from run ${result.since} to run ${result.until}: ${result.changes.length}`);
      const values = (c: (typeof result.changes)[number]): string => c.values?.map((v) => `${v.field}: ${v.before} → ${v.after}`).join('; ') ?? '';
      if (result.changes.length > 0)
        output.out(
          table(
            ['dataset', 'change', 'what', 'before → after'],
            result.changes.map((c) => [c.resource, c.kind, c.label, values(c)]),
            { width: process.stdout.columns },
          ),
        );
    });

  program
    .command('runs')
    .description('List sync runs')
    .option('--connection <name>', "one connection's runs only")
    .option('--limit <n>', 'how many, newest first', wholeNumber(1, 100_000), 20)
    .option('--json', 'print JSON')
    .action(async (flags: { connection?: string; limit: number; json?: boolean }) => {
      const runs = await withHerowatch({}, (hw) => syncRuns(hw, { connection: flags.connection, limit: flags.limit }));
      if (flags.json) return output.json(runs);
      output.out(
        table(
          ['run', 'started', 'mode', 'status', 'requests', '304s', 'retries', 'pool low', 'records', 'error'],
          runs.map((r) => [
            r.id,
            r.started_at,
            r.kind === 'audit' ? 'audit' : r.mode,
            r.status,
            r.requests,
            r.not_modified,
            r.retries,
            r.rate_limit_low,
            r.items,
            r.error,
          ]),
        ),
      );
    });

  program
    .command('freshness')
    .description("How long ago each dataset's lists were last read from Heroku, against the maximum staleness (settings: sync)")
    .option('--connection <name>', 'one connection only')
    .option('--json', 'print JSON (ages in milliseconds)')
    .action(async (flags: { connection?: string; json?: boolean }) => {
      const report = await withHerowatch({}, (hw) => inventoryFreshness(hw, { connection: flags.connection }));
      if (flags.json) return output.json(report);
      const age = (ms: number): string =>
        ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : ms < 172_800_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${(ms / 86_400_000).toFixed(1)} d`;
      for (const c of report) {
        output.out(`${c.connection}: lists last read from Heroku (maximum staleness ${age(c.maxStalenessMs)})`);
        if (c.resources.length === 0) output.out('  never synced');
        else
          output.out(
            table(
              ['dataset', 'lists', 'median age', '95th percentile', 'oldest', 'past the maximum'],
              c.resources.map((r) => [r.resource, r.lists, age(r.p50Ms), age(r.p95Ms), age(r.maxMs), r.overMax]),
            ),
          );
      }
    });
}
