import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HerowatchError } from '../../errors.js';
import type { Herowatch } from '../../service/herowatch.js';
import { completeSetup, hasUsers, SESSION_MAX_MS, setupLinkValid, signIn, signInWithLink, signOut } from '../../service/users.js';
import { field } from './form.js';
import { localPath, page } from './render.js';

export const SESSION_COOKIE = 'herowatch_session';

/**
 * Sign-in attempts allowed in the window, per client address and email:
 * enough for typos, too few to guess; one person's mistakes (or an
 * attacker's) do not lock out the others behind the same address. The
 * address is the client's: the socket's, or X-Forwarded-For's when the
 * request comes through a trusted proxy (HEROWATCH_TRUSTED_PROXIES).
 */
const SIGN_IN_LIMIT = {
  max: 10,
  timeWindow: '15 minutes',
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `${request.ip}\u0000${signInEmail(request)}`,
};
/** Setup and sign-in links: per client address. */
const LINK_LIMIT = { max: 10, timeWindow: '15 minutes' };

function signInEmail(request: FastifyRequest): string {
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
}

function startSession(reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: Math.floor(SESSION_MAX_MS / 1000) });
}

export async function registerAuthPages(web: FastifyInstance, hw: Herowatch): Promise<void> {
  web.get<{ Querystring: { next?: string } }>('/login', { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect(localPath(request.query.next), 303);
    return page(request, reply, 'login', { title: 'Sign in', next: localPath(request.query.next), noUsers: !(await hasUsers(hw)) });
  });

  web.post('/login', { config: { access: 'public', rateLimit: SIGN_IN_LIMIT } }, async (request, reply) => {
    const email = field(request, 'email');
    const next = localPath(field(request, 'next'));
    try {
      const session = await signIn(hw, { email, password: field(request, 'password', { raw: true }), userAgent: request.headers['user-agent'] });
      startSession(reply, session.secret);
      return reply.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof HerowatchError) || error.kind !== 'unauthenticated') throw error;
      return page(request, reply, 'login', { title: 'Sign in', next, email, error: error.message, noUsers: !(await hasUsers(hw)) }, 401);
    }
  });

  // A one-time sign-in link (herowatch users link, demo --serve).
  web.get<{ Querystring: { token?: string } }>('/login/link', { config: { access: 'public', rateLimit: LINK_LIMIT } }, async (request, reply) => {
    try {
      const session = await signInWithLink(hw, request.query.token ?? '', { userAgent: request.headers['user-agent'] });
      startSession(reply, session.secret);
      return reply.redirect('/', 303);
    } catch (error) {
      if (!(error instanceof HerowatchError) || error.kind !== 'unauthenticated') throw error;
      return page(request, reply, 'login', { title: 'Sign in', next: '/', error: error.message, noUsers: !(await hasUsers(hw)) }, 401);
    }
  });

  web.post('/logout', { config: { access: 'viewer' } }, async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.sessionSecret) await signOut(hw, request.sessionSecret);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  web.get<{ Querystring: { token?: string } }>('/setup', { config: { access: 'public' } }, async (request, reply) => {
    const token = request.query.token ?? '';
    const valid = await setupLinkValid(hw, token);
    return page(request, reply, 'setup', { title: 'Create the first admin', token, valid }, valid ? 200 : 410);
  });

  web.post('/setup', { config: { access: 'public', rateLimit: LINK_LIMIT } }, async (request, reply) => {
    const token = field(request, 'token');
    const email = field(request, 'email');
    const password = field(request, 'password', { raw: true });
    try {
      await completeSetup(hw, { token, email, password });
    } catch (error) {
      if (!(error instanceof HerowatchError) || (error.kind !== 'input' && error.kind !== 'unauthenticated')) throw error;
      const valid = await setupLinkValid(hw, token);
      return page(request, reply, 'setup', { title: 'Create the first admin', token, valid, email, error: error.message }, 400);
    }
    const session = await signIn(hw, { email, password, userAgent: request.headers['user-agent'] });
    startSession(reply, session.secret);
    return reply.redirect('/integrations', 303);
  });
}
