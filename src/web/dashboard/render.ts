import { failingHeadline } from '../../connections/status.js';
import { CHECK_COUNTS_HEADING, checkCountsText, CONTROL_STATUS_ORDER, summaryText } from '../../compliance/report.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionUser } from '../../service/users.js';
import { readableData } from '../../text.js';
import { VERSION } from '../../version.js';

/** Who may reach a dashboard route: anyone (sign-in, setup), any signed-in user, or admins only. */
export type Access = 'public' | 'viewer' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    user?: SessionUser | null;
    /** The session cookie's secret, for signing out. */
    sessionSecret?: string;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** A POST that changes nothing (the SQL console): viewers may send it (with the CSRF token like any POST). */
    readOnly?: boolean;
  }
}

export const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/integrations', label: 'Integrations' },
  { href: '/apps', label: 'Apps' },
  { href: '/findings', label: 'Findings' },
  { href: '/compliance', label: 'Compliance' },
  { href: '/vulnerabilities', label: 'Vulnerabilities' },
  { href: '/audit', label: 'Audit trail' },
  { href: '/datasets', label: 'Datasets' },
  { href: '/runs', label: 'Runs' },
  { href: '/settings', label: 'Settings' },
] as const;

/** Formatting the templates share; every value they print is escaped by the engine. */
export const helpers = {
  /** The headline of a failing connection test, agreeing with its diagnosis. */
  failingHeadline,
  /** A path from segments, each URL-encoded: `path('apps', connection, app)`. */
  path: (...segments: (string | number)[]): string => `/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`,
  /** A query string from the set values of `params` (with the leading ?), or ''. */
  query: (params: Record<string, string | number | boolean | null | undefined>): string => {
    const set = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
    return set.length === 0 ? '' : `?${new URLSearchParams(set.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  },
  time: (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—'),
  day: (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '—'),
  ago: (iso: string | null | undefined, now: Date = new Date()): string => {
    if (!iso) return 'never';
    const s = Math.round((now.getTime() - Date.parse(iso)) / 1000);
    if (!Number.isFinite(s)) return iso;
    if (s < 90) return 'just now';
    if (s < 5400) return `${Math.round(s / 60)} min ago`;
    if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86_400)} days ago`;
  },
  number: (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n.toLocaleString('en-US')),
  bytes: (n: number | null | undefined): string =>
    n === null || n === undefined ? '—' : n < 1024 ? `${n} B` : n < 1_048_576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1_048_576).toFixed(1)} MB`,
  plural: (n: number, word: string, many = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`,
  text: (value: unknown): string => (value === null || value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value)),
  /** A report's counts, its check counts and their heading, in the one order every door uses. */
  statusOrder: CONTROL_STATUS_ORDER,
  summary: summaryText,
  checkCounts: checkCountsText,
  checkCountsHeading: CHECK_COUNTS_HEADING,
  /** Data from outside (an audit event's) as `key: value; key: value`, bounded. */
  readable: readableData,
  /** A list as people write one (`a, b`); anything else as `text` prints it. */
  list: (value: unknown): string => (Array.isArray(value) ? value.map(String).join(', ') || '—' : helpers.text(value)),
};

export interface PageData {
  title: string;
  [key: string]: unknown;
}

/** What a CSRF token is bound to: the session, or (signing in, setting up) its absence; never empty, which the library refuses. */
export const csrfUserInfo = (request: FastifyRequest): string => (request.user ? `session:${request.user.sessionId}` : 'anonymous');

/** Renders a page in the layout, with what every page needs: the user, the CSRF token for its forms, the navigation. */
export async function page(request: FastifyRequest, reply: FastifyReply, template: string, data: PageData, status = 200): Promise<FastifyReply> {
  const csrf = reply.generateCsrf({ userInfo: csrfUserInfo(request) });
  const html = await reply.viewAsync(template, {
    ...data,
    user: request.user ?? null,
    csrf,
    nav: NAV,
    current: request.url.split('?')[0],
    h: helpers,
    version: VERSION,
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** A fragment for htmx to swap in (no layout). */
export async function fragment(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  status = 200,
): Promise<FastifyReply> {
  const csrf = reply.generateCsrf({ userInfo: csrfUserInfo(request) });
  const html = await reply.viewAsync(template, { ...data, user: request.user ?? null, csrf, h: helpers });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** Text made safe to put in HTML, for the few strings built outside the templates (charts, an htmx error). */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Whether the request came from htmx (it then wants a fragment, not a page). */
export const fromHtmx = (request: FastifyRequest): boolean => request.headers['hx-request'] === 'true';

/** A local path to return to after signing in: anything else (another site, `//host`, a backslash trick) becomes /. */
export function localPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : '/';
}
