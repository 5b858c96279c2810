import type { FastifyInstance } from 'fastify';
import { HerowatchError, InputError, NotFoundError } from '../../errors.js';
import { datasetPreview, datasetRows, EXPORT_FORMATS, formatRows, runReadOnlySql, type ExportFormat } from '../../service/datasets.js';
import type { Herowatch } from '../../service/herowatch.js';
import { EVERYTHING } from '../../service/scope.js';
import { auditEventsView, datasetsView, datasetView, vulnerabilitiesView } from '../../service/views.js';
import { whyNoEvents } from '../../service/audit.js';
import { vulnerablePackages } from '../../service/vuln-views.js';
import { field } from './form.js';
import { page } from './render.js';
import { errorText } from './remedy.js';
import { connectionNames } from '../../service/connections.js';

const PREVIEW_ROWS = 20;
/** The console answers in a page: a few hundred rows at most, in a few seconds, a few megabytes at most. */
const CONSOLE_LIMITS = { maxRows: 500, timeoutMs: 10_000, maxCellChars: 4_096, maxResultBytes: 2 * 1024 * 1024 };
const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export async function registerDataPages(web: FastifyInstance, hw: Herowatch): Promise<void> {
  web.get<{ Querystring: { view?: string } }>('/vulnerabilities', { config: { access: 'viewer' } }, async (request, reply) => {
    const byPackage = request.query.view === 'package';
    const apps = (await vulnerabilitiesView(hw, EVERYTHING, {}, { limit: Number.MAX_SAFE_INTEGER })).items;
    const packages = byPackage ? await vulnerablePackages(hw) : null;
    return page(request, reply, 'vulnerabilities', { title: 'Vulnerabilities', apps, packages, byPackage });
  });

  web.get<{ Querystring: Record<string, string | undefined> }>('/audit', { config: { access: 'viewer' } }, async (request, reply) => {
    const q = request.query;
    const filter = {
      connection: q.connection || undefined,
      actor: q.actor || undefined,
      action: q.action || undefined,
      type: q.type || undefined,
      app: q.app || undefined,
      since: q.since || undefined,
      until: q.until || undefined,
    };
    let result = null;
    let error = null;
    try {
      result = await auditEventsView(hw, EVERYTHING, filter, { limit: 100, cursor: q.cursor || undefined });
    } catch (caught) {
      if (!(caught instanceof HerowatchError) || caught.kind !== 'input') throw caught;
      error = errorText(caught);
    }
    // No event: say why (nothing collected, an app that does not exist, or filters that match nothing), as the CLI does.
    const empty = result && result.total === 0 ? await whyNoEvents(hw, filter) : null;
    const next = result?.nextCursor
      ? `/audit?${new URLSearchParams({ ...(Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<string, string>), cursor: result.nextCursor }).toString()}`
      : null;
    return page(
      request,
      reply,
      'audit',
      { title: 'Audit trail', result, filter, error, empty, next, connections: await connectionNames(hw) },
      error ? 400 : 200,
    );
  });

  web.get('/datasets', { config: { access: 'viewer' } }, async (request, reply) => {
    return page(request, reply, 'datasets', {
      title: 'Datasets',
      datasets: await datasetsView(hw, EVERYTHING),
      sql: 'SELECT name, region, stack FROM apps ORDER BY name LIMIT 20',
      result: null,
      error: null,
    });
  });

  web.post('/datasets/sql', { config: { access: 'viewer', readOnly: true } }, async (request, reply) => {
    const query = field(request, 'sql', { raw: true }).slice(0, 20_000);
    let result = null;
    let error = null;
    try {
      if (!query.trim()) throw new InputError('HW_SQL_REFUSED', 'Write a SELECT over the dataset views.');
      result = await runReadOnlySql(hw, query, CONSOLE_LIMITS);
    } catch (caught) {
      if (!(caught instanceof HerowatchError) || (caught.kind !== 'input' && caught.kind !== 'forbidden')) throw caught;
      error = errorText(caught);
    }
    return page(request, reply, 'datasets', { title: 'Datasets', datasets: await datasetsView(hw, EVERYTHING), sql: query, result, error }, error ? 400 : 200);
  });

  web.get<{ Params: { name: string } }>('/datasets/:name', { config: { access: 'viewer' } }, async (request, reply) => {
    const dataset = await datasetView(hw, EVERYTHING, request.params.name);
    const preview = await datasetPreview(hw, dataset.name, PREVIEW_ROWS);
    return page(request, reply, 'dataset', { title: `Dataset ${dataset.name}`, dataset, preview, formats: EXPORT_FORMATS });
  });

  web.get<{ Params: { name: string; format: string } }>('/datasets/:name/export.:format', { config: { access: 'viewer' } }, async (request, reply) => {
    const format = request.params.format as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new NotFoundError('HW_NOT_FOUND', `Datasets are downloaded as ${EXPORT_FORMATS.join(', ')}.`);
    const dataset = await datasetView(hw, EVERYTHING, request.params.name);
    const { dataset: definition, rows } = await datasetRows(hw, dataset.name);
    return reply
      .type(EXPORT_TYPES[format])
      .header('content-disposition', `attachment; filename="${dataset.name}.${format}"`)
      .send(formatRows(definition, rows, format));
  });
}
