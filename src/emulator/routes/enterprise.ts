import { archiveBlob, monthlyArchives } from '../blobs/archive-blob.js';
import { errors } from '../http/errors.js';
import { auditEventJson, enterpriseJson, enterpriseMemberJson, teamJson } from '../representations/people.js';
import type { Json } from '../representations/context.js';
import { utcDay } from '../world/time.js';
import { enterpriseFor } from './lookup.js';
import { get, type RouteContext, type RouteSpec } from './route.js';

function archiveJson(ctx: RouteContext, archive: ReturnType<typeof monthlyArchives>[number]): Json {
  const enterprise = enterpriseFor(ctx, 'manage');
  const blob = archiveBlob(enterprise, archive, auditEventJson);
  return {
    created_at: archive.createdAt,
    month: archive.month,
    year: archive.year,
    url: `${ctx.baseUrl}/__emulator/blobs/archives/${enterprise.id}/${archive.year}/${archive.month}.zip`,
    checksum: blob.checksum,
    size: blob.bytes.length,
  };
}

/** `YYYY-MM-DD` naming a day that exists (not 2026-02-30). */
function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}

export const enterpriseRoutes: RouteSpec[] = [
  get('/enterprise-accounts', 'read', (ctx) => ({
    list: ctx.viewer.enterpriseMemberships.map((m) => enterpriseJson(m.enterprise, ctx)),
  })),
  get('/enterprise-accounts/:enterprise', 'read', (ctx) => ({ json: enterpriseJson(enterpriseFor(ctx), ctx) })),
  get('/enterprise-accounts/:enterprise/members', 'read', (ctx) => ({
    list: enterpriseFor(ctx, 'view').members.map(enterpriseMemberJson),
  })),
  get('/enterprise-accounts/:enterprise/teams', 'read', (ctx) => ({
    list: enterpriseFor(ctx, 'view').teams.map((team) => teamJson(team, ctx)),
  })),
  // Not range-paginated: all events of one UTC day, filtered by query parameters.
  get('/enterprise-accounts/:enterprise/events', 'read', (ctx) => {
    const enterprise = enterpriseFor(ctx, 'view');
    const { day = utcDay(ctx.world.now()), order = 'asc', actor, action, type } = ctx.query;
    if (!isCalendarDay(day)) {
      throw errors.invalidParams(`Day must be a date formatted YYYY-MM-DD, not "${day}".`);
    }
    if (order !== 'asc' && order !== 'desc') throw errors.invalidParams(`Order must be asc or desc, not "${order}".`);
    let events = enterprise.auditTrail.on(day);
    if (actor) events = events.filter((e) => e.actor?.email === actor.toLowerCase());
    if (action) events = events.filter((e) => e.action === action);
    if (type) events = events.filter((e) => e.type === type);
    const json = events.map(auditEventJson);
    return { json: order === 'desc' ? json.reverse() : json };
  }),
  get(
    '/enterprise-accounts/:enterprise/archives',
    'read',
    (ctx) => {
      const enterprise = enterpriseFor(ctx, 'manage');
      return { list: monthlyArchives(enterprise, ctx.world.now()).map((a) => archiveJson(ctx, a)) };
    },
    { ranges: ['id'] },
  ),
  get('/enterprise-accounts/:enterprise/archives/:year/:month', 'read', (ctx) => {
    const enterprise = enterpriseFor(ctx, 'manage');
    const { year, month } = ctx.params;
    const archive = monthlyArchives(enterprise, ctx.world.now()).find((a) => String(a.year) === year && a.month === month!.padStart(2, '0'));
    if (!archive) throw errors.notFound('archive');
    return { json: archiveJson(ctx, archive) };
  }),
];
