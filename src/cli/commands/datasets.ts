import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { datasetsMarkdown } from '../../datasets/docs.js';
import { findConnection } from '../../service/connections.js';
import { datasetRows, formatRows, listDatasets, runReadOnlySql, type ExportFormat } from '../../service/datasets.js';
import { changesBetween } from '../../service/history.js';
import { listRuns } from '../../store/runs.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { table } from '../table.js';

const FORMATS: ExportFormat[] = ['csv', 'json', 'ndjson'];

export function registerDatasets(program: Command, output: Output): void {
  program
    .command('datasets')
    .description('List the datasets with their row counts')
    .option('--connection <name>', 'count one connection\'s rows only')
    .option('--columns', 'also describe every column')
    .option('--markdown', 'print the reference documentation of every dataset (docs/datasets.md)')
    .option('--json', 'print JSON')
    .action(async (flags: { connection?: string; columns?: boolean; markdown?: boolean; json?: boolean }) => {
      if (flags.markdown) return output.raw(datasetsMarkdown());
      const summaries = await withHerowatch({}, (hw) => listDatasets(hw, flags.connection));
      if (flags.json) return output.json(summaries);
      output.out(table(['dataset', 'rows', 'description'], summaries.map((d) => [d.name, d.rows, d.description])));
      if (flags.columns) {
        for (const d of summaries) {
          output.out(`\n${d.name}: ${d.description}`);
          output.out(table(['column', 'type', 'description'], d.columns.map((c) => [c.name, c.type, c.description])));
        }
      }
    });

  program
    .command('export')
    .argument('<dataset>', 'dataset name, e.g. apps, addons, addon-services, teams (herowatch datasets lists them)')
    .description('Export a dataset as CSV, JSON or NDJSON')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'csv')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--connection <name>', 'one connection\'s rows only')
    .action(async (name: string, flags: { format: string; out?: string; connection?: string }) => {
      if (!FORMATS.includes(flags.format as ExportFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${flags.format}`);
      const { dataset, rows } = await withHerowatch({}, (hw) => datasetRows(hw, name, flags.connection));
      const text = formatRows(dataset, rows, flags.format as ExportFormat);
      if (flags.out) {
        await writeFile(flags.out, text);
        output.err(`Wrote ${rows.length} rows of ${dataset.name} to ${flags.out}`);
      } else {
        output.raw(text);
      }
    });

  program
    .command('sql')
    .argument('<query>', 'one read-only SQL query over the datasets')
    .description('Query the datasets with SQL (read-only)')
    .option('--json', 'print the rows as JSON')
    .action(async (query: string, flags: { json?: boolean }) => {
      const { columns, rows } = await withHerowatch({}, (hw) => runReadOnlySql(hw, query));
      if (flags.json) return output.json(rows);
      output.out(table(columns, rows.map((row) => columns.map((c) => row[c] as string))));
      output.err(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
    });

  program
    .command('changes')
    .description('What was added, changed and removed since a sync run')
    .requiredOption('--since <run>', 'a complete sync run (herowatch runs lists them)')
    .option('--until <run>', 'a later complete run (default: the latest)')
    .option('--connection <name>', 'connection', 'default')
    .option('--json', 'print JSON')
    .action(async (flags: { since: string; until?: string; connection: string; json?: boolean }) => {
      const since = runNumber(flags.since, '--since');
      const until = flags.until === undefined ? undefined : runNumber(flags.until, '--until');
      const result = await withHerowatch({}, async (hw) => {
        const connection = await findConnection(hw.store, flags.connection);
        if (!connection) throw new UsageError(`There is no connection "${flags.connection}" (herowatch sync creates it).`);
        return changesBetween(hw.store, connection.id, since, until);
      });
      if (flags.json) return output.json(result);
      output.out(`Changes from run ${result.since} to run ${result.until}: ${result.changes.length}`);
      if (result.changes.length > 0) output.out(table(['dataset', 'change', 'what', 'fields'], result.changes.map((c) => [c.resource, c.kind, c.label, c.fields?.join(', ') ?? ''])));
    });

  program
    .command('runs')
    .description('List sync runs')
    .option('--connection <name>', 'one connection\'s runs only')
    .option('--limit <n>', 'how many, newest first', '20')
    .option('--json', 'print JSON')
    .action(async (flags: { connection?: string; limit: string; json?: boolean }) => {
      const runs = await withHerowatch({}, async (hw) => {
        let id: number | undefined;
        if (flags.connection) {
          const connection = await findConnection(hw.store, flags.connection);
          if (!connection) throw new UsageError(`There is no connection "${flags.connection}".`);
          id = connection.id;
        }
        return listRuns(hw.store, id, runNumber(flags.limit, '--limit'));
      });
      if (flags.json) return output.json(runs);
      output.out(table(['run', 'started', 'status', 'requests', '304s', 'retries', 'pool low', 'records', 'error'], runs.map((r) => [r.id, r.started_at, r.status, r.requests, r.not_modified, r.retries, r.rate_limit_low, r.items, r.error])));
    });
}

function runNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a run number, not ${value}`);
  return n;
}
