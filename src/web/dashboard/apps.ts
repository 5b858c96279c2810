import type { FastifyInstance } from 'fastify';
import { HerowatchError, InputError } from '../../errors.js';
import { appDetail, listApps, type AppFilter } from '../../service/apps.js';
import { addMonitoredApps, availableApps, removeMonitoredApps } from '../../service/monitored-apps.js';
import type { Herowatch } from '../../service/herowatch.js';
import { EVERYTHING } from '../../service/scope.js';
import { appChanges } from '../../service/history.js';
import { appVulnerabilitiesView, findingsView } from '../../service/views.js';
import { appSbom } from '../../service/vuln-views.js';
import { DAY_MS } from '../../time.js';
import { SBOM_FORMATS, type SbomFormat } from '../../vulns/sbom-format.js';
import { field, fields } from './form.js';
import { page } from './render.js';
import { connectionNames } from '../../service/connections.js';

const PAGE_SIZE = 50;
const CHECKLIST = 300;

export async function registerAppPages(web: FastifyInstance, hw: Herowatch): Promise<void> {
  web.get<{ Querystring: Record<string, string | undefined> }>('/apps', { config: { access: 'viewer' } }, async (request, reply) => {
    const q = request.query;
    const filter: AppFilter = {
      connection: q.connection || undefined,
      team: q.team || undefined,
      region: q.region || undefined,
      stack: q.stack || undefined,
      stage: q.stage || undefined,
      monitored: q.monitored === 'yes' ? true : q.monitored === 'no' ? false : undefined,
      search: q.search || undefined,
    };
    const result = await listApps(hw, EVERYTHING, filter, { limit: PAGE_SIZE, cursor: q.cursor || undefined });
    const connections = await connectionNames(hw);
    return page(request, reply, 'apps', { title: 'Apps', result, q, connections });
  });

  web.get<{ Querystring: { connection?: string; search?: string; saved?: string } }>('/apps/add', { config: { access: 'viewer' } }, async (request, reply) => {
    const connections = await connectionNames(hw, 'synced');
    const connection = request.query.connection && connections.includes(request.query.connection) ? request.query.connection : connections[0];
    const search = (request.query.search ?? '').toLowerCase();
    const matching = connection ? (await availableApps(hw, connection)).filter((a) => !search || a.name.toLowerCase().includes(search)) : [];
    // A checklist of thousands helps no one: the first ones, and a search for the rest.
    const apps = matching.slice(0, CHECKLIST);
    const saved = /^(\d+)-(\d+)$/.exec(request.query.saved ?? '');
    const notice = saved
      ? `Saved: ${saved[1]} app${saved[1] === '1' ? '' : 's'} added, ${saved[2]} removed. The next sync tests what the added apps deployed.`
      : null;
    return page(request, reply, 'apps-add', {
      title: 'Add projects',
      matching: matching.length,
      connections,
      connection: connection ?? null,
      apps,
      search: request.query.search ?? '',
      notice,
    });
  });

  web.post('/apps/add', { config: { access: 'admin' } }, async (request, reply) => {
    const connection = field(request, 'connection');
    const wanted = new Set(fields(request, 'app'));
    const current = (await availableApps(hw, connection)).filter((a) => a.monitored).map((a) => a.name);
    // The checklist is the truth for the apps it showed: what is ticked is monitored, what is not stops being; apps a search hid stay as they are.
    const shown = new Set(fields(request, 'shown'));
    const add = [...wanted].filter((a) => !current.includes(a));
    const remove = current.filter((a) => shown.has(a) && !wanted.has(a));
    if (add.length > 0) await addMonitoredApps(hw, connection, add);
    if (remove.length > 0) await removeMonitoredApps(hw, connection, remove);
    return reply.redirect(`/apps/add?connection=${encodeURIComponent(connection)}&saved=${add.length}-${remove.length}`, 303);
  });

  web.get<{ Params: { connection: string; app: string } }>('/apps/:connection/:app', { config: { access: 'viewer' } }, async (request, reply) => {
    const { connection, app } = request.params;
    const detail = await appDetail(hw, EVERYTHING, app, { connection });
    const findings = await findingsView(hw, EVERYTHING, { connection, app, status: ['open', 'suppressed', 'unknown'] }, { limit: 100 });
    let vulnerabilities = null;
    if (detail.app.monitored) {
      try {
        vulnerabilities = await appVulnerabilitiesView(hw, EVERYTHING, app, { connection });
      } catch (error) {
        if (!(error instanceof HerowatchError)) throw error;
      }
    }
    const changes = await appChanges(hw, { connection, appId: detail.app.id, since: new Date(Date.now() - 30 * DAY_MS) });
    return page(request, reply, 'app', { title: app, connection, detail, findings, vulnerabilities, changes, sbomFormats: SBOM_FORMATS });
  });

  web.get<{ Params: { connection: string; app: string }; Querystring: { format?: string } }>(
    '/apps/:connection/:app/sbom',
    { config: { access: 'viewer' } },
    async (request, reply) => {
      const format = (request.query.format ?? 'cyclonedx') as SbomFormat;
      if (!(SBOM_FORMATS as readonly string[]).includes(format)) throw new InputError('HW_INVALID_INPUT', `An SBOM is ${SBOM_FORMATS.join(' or ')}.`);
      const sbom = await appSbom(hw, request.params.app, { connection: request.params.connection, format });
      const file = `${sbom.app}-v${sbom.release ?? 0}.${format}.json`.replace(/[^\w.-]/g, '_');
      return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`).send(sbom.document);
    },
  );
}
