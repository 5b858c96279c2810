import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import staticFiles from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ForbiddenError, HerowatchError, TRANSPORT } from '../../errors.js';
import type { Herowatch } from '../../service/herowatch.js';
import { cookieSecret, sessionUser } from '../../service/users.js';
import { pageRemedy, remedyHtml, type PageRemedy } from './remedy.js';
import { registerAuthPages, SESSION_COOKIE } from './auth-pages.js';
import { registerComplianceAndFindings } from './findings.js';
import { registerDataPages } from './data.js';
import { registerIntegrations } from './integrations.js';
import { registerAppPages } from './apps.js';
import { registerOverview } from './overview.js';
import { registerSettings } from './settings.js';
import { csrfUserInfo, escapeHtml, page, type Access } from './render.js';
import { registerRuns } from './runs.js';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'assets', 'web');
const HTMX = join(dirname(createRequire(import.meta.url).resolve('htmx.org/package.json')), 'dist');

/** One route as the security tests enumerate them: its method, path and who may reach it. */
export interface DashboardRoute {
  method: string;
  url: string;
  access: Access;
  readOnly: boolean;
}

/**
 * The dashboard: server-rendered pages (Eta, escaping by default) over the
 * service layer, with htmx (served from the app, no inline script: the
 * content security policy allows scripts from 'self' only) for the few
 * partial updates; every form works without JavaScript too. Every route
 * says who may reach it (public, viewer, admin): a route without that is a
 * start-up error, and `routes` lists them for the security tests. Sessions
 * are server-side (service/users.ts); every state-changing request carries a
 * CSRF token bound to the session.
 */
export async function registerDashboard(app: FastifyInstance, hw: Herowatch): Promise<{ routes: DashboardRoute[] }> {
  const routes: DashboardRoute[] = [];
  const secret = await cookieSecret(hw);
  await app.register(async (web) => {
    web.addHook('onRoute', (route: RouteOptions) => {
      // @fastify/static's route serves the public assets.
      const access = route.config?.access ?? (route.url.startsWith('/assets/') ? 'public' : undefined);
      // Pages are not part of the REST API's OpenAPI document.
      route.schema = { ...route.schema, hide: true };
      if (access === undefined) throw new Error(`Dashboard route ${String(route.method)} ${route.url} does not say who may reach it (config.access).`);
      for (const method of [route.method].flat())
        if (method !== 'HEAD') routes.push({ method, url: route.url, access, readOnly: route.config?.readOnly === true });
    });
    await web.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // Pages are never framed and never leak their URL (finding ids, filters) to other sites.
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    });
    await web.register(cookie, { secret });
    await web.register(formbody, { bodyLimit: 256 * 1024 });
    await web.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: 'auto' },
      getUserInfo: csrfUserInfo,
      csrfOpts: { hmacKey: secret },
    });
    await web.register(rateLimit, { global: false });
    await web.register(view, { engine: { eta: new Eta({ views: join(ASSETS, 'views'), cache: true, autoEscape: true }) }, templates: join(ASSETS, 'views') });
    // The stylesheet, the page script and htmx (from its package: the app serves it, no CDN).
    await web.register(staticFiles, {
      root: [join(ASSETS, 'public'), HTMX],
      prefix: '/assets/',
      decorateReply: false,
      maxAge: '1h',
      index: false,
      list: false,
    });

    web.addHook('onRequest', async (request: FastifyRequest) => {
      const token = request.cookies[SESSION_COOKIE];
      request.user = await sessionUser(hw, token);
      if (request.user) request.sessionSecret = token;
    });
    web.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const access = request.routeOptions.config?.access ?? 'public';
      if (access !== 'public' && !request.user) {
        if (request.method === 'GET' && !request.headers['hx-request']) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
        return reply.code(401).type('text/plain; charset=utf-8').send('Sign in first.');
      }
      return undefined;
    });
    // Every state-changing request carries the CSRF token of its page (a form field, or htmx's header).
    web.addHook('preHandler', (request, reply, done) => {
      if (request.method === 'GET' || request.method === 'HEAD') return done();
      web.csrfProtection(request, reply, done);
    });
    web.addHook('preHandler', async (request: FastifyRequest) => {
      if (request.routeOptions.config?.access === 'admin' && request.user?.role !== 'admin')
        throw new ForbiddenError('HW_FORBIDDEN', 'Only an admin may do this: ask an admin, or sign in as one.');
    });

    web.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const failure = error as { statusCode?: number; code?: string; validation?: unknown; message?: string };
      let status = 500;
      let message = 'herowatch failed to answer; its log says why.';
      let fix: PageRemedy | null = null;
      if (error instanceof HerowatchError) {
        status = TRANSPORT[error.kind].http;
        message = error.message;
        fix = error.remedy ? pageRemedy(error.remedy) : null;
      } else if (failure.code?.startsWith('FST_CSRF_')) {
        status = 403;
        message = 'This form has expired or did not come from herowatch: reload the page and send it again.';
      } else if (failure.statusCode === 429) {
        status = 429;
        message = 'Too many attempts: wait a few minutes and try again.';
      } else if (failure.validation || failure.statusCode === 400) {
        status = 400;
        message = `The request is not one herowatch understands: ${failure.message ?? 'invalid input'}`;
      } else {
        request.log.error({ err: error }, 'dashboard request failed');
      }
      if (request.headers['hx-request'])
        return reply
          .code(status)
          .type('text/html; charset=utf-8')
          .send(`<p class="alert alert-error" role="alert">${escapeHtml(message)}${fix ? ` ${remedyHtml(fix)}` : ''}</p>`);
      return page(request, reply, 'error', { title: status === 404 ? 'Not found' : 'Something went wrong', status, message, fix }, status);
    });
    web.setNotFoundHandler({ preHandler: async () => {} }, async (request, reply) =>
      page(request, reply, 'error', { title: 'Not found', status: 404, message: 'There is no such page here.' }, 404),
    );

    await registerAuthPages(web, hw);
    await registerOverview(web, hw);
    await registerIntegrations(web, hw);
    await registerAppPages(web, hw);
    await registerComplianceAndFindings(web, hw);
    await registerDataPages(web, hw);
    await registerRuns(web, hw);
    await registerSettings(web, hw);
  });
  return { routes };
}
