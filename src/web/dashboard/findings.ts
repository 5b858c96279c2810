import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { SEVERITIES, type Severity } from '../../severity.js';
import { exportFindings, FINDING_EXPORT_TYPES, FINDING_EXPORTS, type FindingExport } from '../../compliance/finding-export.js';
import { FINDING_STATUSES, type FindingViewStatus } from '../../compliance/finding-view.js';
import { frameworks } from '../../compliance/frameworks.js';
import { InputError, NotFoundError } from '../../errors.js';
import { findingDetail, frameworkReports, suppressFinding, unsuppressFinding } from '../../service/compliance.js';
import { createStoredBundle, storedBundlePath, storedBundles, verifyEvidence } from '../../service/evidence.js';
import type { Herowatch } from '../../service/herowatch.js';
import { EVERYTHING } from '../../service/scope.js';
import { findingsView, frameworkViewByConnection, type FindingsRequest } from '../../service/views.js';
import { DAY_MS, parseDay } from '../../time.js';
import { field } from './form.js';
import { page } from './render.js';
import { errorText } from './remedy.js';
import { connectionNames } from '../../service/connections.js';

const PAGE_SIZE = 50;
/** What the findings page shows unless asked: what is wrong now. */
const CURRENT: FindingViewStatus[] = ['open', 'suppressed', 'unknown'];
const GROUPS = ['check', 'app'] as const;
/** Grouping reads the findings it groups: the most severe this many at most (the page says how many match). */
const GROUPED = 500;

type FindingsQuery = Record<string, string | string[] | undefined>;

/** The filters of the findings page, from its query string; anything not a known value is refused, naming the field. */
function findingsRequest(q: FindingsQuery): FindingsRequest {
  const one = (k: string): string | undefined => {
    const v = q[k];
    const s = Array.isArray(v) ? v[0] : v;
    return s === '' ? undefined : s;
  };
  const statuses = [q.status ?? []].flat().filter((s) => s !== '');
  for (const s of statuses)
    if (!(FINDING_STATUSES as string[]).includes(s))
      throw new InputError('HW_INVALID_INPUT', `A finding's status is one of ${FINDING_STATUSES.join(', ')}, not "${s.slice(0, 40)}".`);
  const severity = one('severity');
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity))
    throw new InputError('HW_INVALID_INPUT', `A severity is one of ${SEVERITIES.join(', ')}.`);
  return {
    connection: one('connection'),
    status: statuses.length ? (statuses as FindingViewStatus[]) : CURRENT,
    severity: severity as Severity | undefined,
    check: one('check'),
    app: one('app'),
    framework: one('framework'),
  };
}

export async function registerComplianceAndFindings(web: FastifyInstance, hw: Herowatch): Promise<void> {
  web.get<{ Querystring: FindingsQuery }>('/findings', { config: { access: 'viewer' } }, async (request, reply) => {
    const q = request.query;
    const filter = findingsRequest(q);
    const cursor = typeof q.cursor === 'string' && q.cursor ? q.cursor : undefined;
    const group = GROUPS.find((g) => g === q.group) ?? null;
    const result = await findingsView(hw, EVERYTHING, filter, { limit: group ? GROUPED : PAGE_SIZE, cursor: group ? undefined : cursor });
    const groups = group ? groupFindings(result.items, group) : null;
    const exportQuery = {
      connection: filter.connection,
      status: filter.status?.join(','),
      severity: filter.severity,
      check: filter.check,
      app: filter.app,
      framework: filter.framework,
    };
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({
      connection: filter.connection,
      severity: filter.severity,
      check: filter.check,
      app: filter.app,
      framework: filter.framework,
    }))
      if (v) next.append(k, v);
    for (const s of filter.status ?? []) next.append('status', s);
    if (result.nextCursor) next.append('cursor', result.nextCursor);
    return page(request, reply, 'findings', {
      title: 'Findings',
      grouped: GROUPED,
      nextHref: `/findings?${next.toString()}`,
      result,
      groups,
      group,
      filter,
      q,
      connections: await connectionNames(hw),
      statuses: FINDING_STATUSES,
      severities: SEVERITIES,
      frameworks: frameworks().map((f) => ({ id: f.id, name: f.name })),
      exports: FINDING_EXPORTS,
      exportQuery,
    });
  });

  // The filtered view, whole, as a file.
  web.get<{ Params: { format: string }; Querystring: FindingsQuery }>('/findings/export.:format', { config: { access: 'viewer' } }, async (request, reply) => {
    const format = request.params.format as FindingExport;
    if (!(FINDING_EXPORTS as readonly string[]).includes(format))
      throw new NotFoundError('HW_NOT_FOUND', `Findings are exported as ${FINDING_EXPORTS.join(', ')}.`);
    const q = { ...request.query, status: typeof request.query.status === 'string' ? request.query.status.split(',') : request.query.status };
    const { items } = await findingsView(hw, EVERYTHING, findingsRequest(q), { limit: Number.MAX_SAFE_INTEGER });
    const type = FINDING_EXPORT_TYPES[format];
    return reply
      .type(type.mime)
      .header('content-disposition', `attachment; filename="herowatch-findings.${type.extension}"`)
      .send(exportFindings(items, format));
  });

  web.get<{ Params: { id: string }; Querystring: { suppressed?: string } }>('/findings/:id', { config: { access: 'viewer' } }, async (request, reply) => {
    const finding = await findingDetail(hw, findingId(request.params.id));
    return page(request, reply, 'finding', {
      title: `Finding ${finding.id}`,
      finding,
      notice:
        request.query.suppressed === '1'
          ? 'Suppressed: it is shown as such and not notified until the expiry, when it reopens.'
          : request.query.suppressed === '0'
            ? 'The suppression was lifted.'
            : null,
      error: null,
    });
  });

  web.post<{ Params: { id: string } }>('/findings/:id/suppress', { config: { access: 'admin' } }, async (request, reply) => {
    const id = findingId(request.params.id);
    const reason = field(request, 'reason');
    const expires = parseDay(field(request, 'expires'));
    try {
      if (!expires)
        throw new InputError('HW_RISK_ACCEPTANCE_INVALID', 'Give the day the suppression ends (YYYY-MM-DD): every accepted risk is looked at again.');
      await suppressFinding(hw, id, { reason, by: request.user!.email, expiresAt: expires });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return page(request, reply, 'finding', { title: `Finding ${id}`, finding: await findingDetail(hw, id), notice: null, error: errorText(error) }, 400);
    }
    return reply.redirect(`/findings/${id}?suppressed=1`, 303);
  });

  web.post<{ Params: { id: string } }>('/findings/:id/unsuppress', { config: { access: 'admin' } }, async (request, reply) => {
    const id = findingId(request.params.id);
    await unsuppressFinding(hw, id, request.user!.email);
    return reply.redirect(`/findings/${id}?suppressed=0`, 303);
  });

  web.get<{ Querystring: { generated?: string } }>('/compliance', { config: { access: 'viewer' } }, async (request, reply) => {
    // Over every connection at once: a control fails if it fails anywhere.
    const reports = (
      await frameworkReports(
        hw,
        frameworks().map((f) => f.id),
      )
    ).map((r) => ({ ...r.framework, controls: r.controls.length, summary: r.summary }));
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const monthAgo = new Date(now.getTime() - 30 * DAY_MS).toISOString().slice(0, 10);
    return page(request, reply, 'compliance', {
      title: 'Compliance',
      reports,
      bundles: await storedBundles(hw),
      connections: await connectionNames(hw),
      defaults: { from: monthAgo, to: today },
      generated: request.query.generated ?? null,
      verification: null,
      error: null,
    });
  });

  web.get<{ Params: { framework: string } }>('/compliance/:framework', { config: { access: 'viewer' } }, async (request, reply) => {
    const framework = frameworks().find((f) => f.id === request.params.framework);
    if (!framework) throw new NotFoundError('HW_FRAMEWORK_UNKNOWN', `There is no framework "${request.params.framework.slice(0, 60)}".`);
    const reports = await frameworkViewByConnection(hw, EVERYTHING, framework.id);
    return page(request, reply, 'framework', { title: framework.name, framework, reports });
  });

  web.post('/compliance/evidence', { config: { access: 'admin' } }, async (request, reply) => {
    const from = parseDay(field(request, 'from'));
    const toDay = parseDay(field(request, 'to'));
    const connection = field(request, 'connection') || undefined;
    if (!from || !toDay) throw new InputError('HW_PERIOD_INVALID', 'Give the period as two days, YYYY-MM-DD.');
    // The period ends at the end of its last day, or now if that is today.
    const to = new Date(Math.min(toDay.getTime() + DAY_MS, Date.now()));
    const bundle = await createStoredBundle(hw, { from, to, connection });
    return reply.redirect(`/compliance?generated=${encodeURIComponent(bundle.name)}#evidence`, 303);
  });

  web.get<{ Params: { name: string } }>('/compliance/evidence/:name', { config: { access: 'viewer' } }, async (request, reply) => {
    const path = storedBundlePath(hw, request.params.name);
    const bundle = (await storedBundles(hw)).find((b) => b.name === request.params.name);
    if (!bundle) throw new NotFoundError('HW_EVIDENCE_UNKNOWN', `There is no evidence bundle "${request.params.name}".`);
    return reply.type('application/zip').header('content-disposition', `attachment; filename="${bundle.name}"`).send(createReadStream(path));
  });

  web.post<{ Params: { name: string } }>('/compliance/evidence/:name/verify', { config: { access: 'viewer', readOnly: true } }, async (request, reply) => {
    const verification = await verifyEvidence(storedBundlePath(hw, request.params.name), { home: hw.config.home, keys: hw.config.keys });
    return page(request, reply, 'verification', { title: 'Evidence verification', name: request.params.name, verification });
  });
}

function findingId(text: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new NotFoundError('HW_FINDING_UNKNOWN', `There is no finding "${text.slice(0, 40)}".`, { remedy: { do: 'list', what: 'findings' } });
  return Number(text);
}

function groupFindings<T extends { check_id: string; check_title: string; resource_name: string; severity: string }>(
  items: T[],
  by: 'check' | 'app',
): { key: string; label: string; items: T[] }[] {
  const groups = new Map<string, { key: string; label: string; items: T[] }>();
  for (const f of items) {
    const key = by === 'check' ? f.check_id : f.resource_name;
    const group = groups.get(key) ?? { key, label: by === 'check' ? f.check_title : f.resource_name, items: [] };
    group.items.push(f);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.items.length - a.items.length || a.label.localeCompare(b.label));
}
