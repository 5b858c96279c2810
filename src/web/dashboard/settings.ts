import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HerowatchError } from '../../errors.js';
import { accessTokens, createAccessToken, revokeToken, type AccessScope, type IssuedToken } from '../../service/access.js';
import type { Herowatch } from '../../service/herowatch.js';
import { addUser, removeUser, revokeSession, ROLES, sessions, setRole, users } from '../../service/users.js';
import { field, fields } from './form.js';
import { page } from './render.js';
import { errorText } from './remedy.js';

/** A webhook URL as shown: its origin only (a path or query may hold a secret, as Slack's do). */
const webhookOrigin = (url: string): string => {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return 'set';
  }
};

const TOKEN_SCOPES: AccessScope[] = ['read', 'write'];

export async function registerSettings(web: FastifyInstance, hw: Herowatch): Promise<void> {
  const settingsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { issued?: IssuedToken & { name: string }; notice?: string | null; error?: string | null } = {},
    code = 200,
  ) => {
    const s = hw.config.settings;
    const webhook = s.notifications.webhook;
    const admin = request.user?.role === 'admin';
    return page(
      request,
      reply,
      'settings',
      {
        title: 'Settings',
        schedule: s.schedule,
        sync: s.sync,
        webhook: webhook ? { url: webhookOrigin(webhook.url), format: webhook.format, events: webhook.events, signed: webhook.secret_env !== undefined } : null,
        thresholds: Object.entries(s.compliance).filter(([, v]) => typeof v === 'number'),
        disabledChecks: s.compliance.disabled_checks,
        users: admin ? await users(hw) : [],
        sessions: admin ? await sessions(hw) : [],
        tokens: admin ? await accessTokens(hw) : [],
        roles: ROLES,
        scopes: TOKEN_SCOPES,
        issued: extra.issued ?? null,
        notice: extra.notice ?? null,
        error: extra.error ?? null,
      },
      code,
    );
  };
  /** Runs a change and shows the page with what happened: a mistake the user can fix is said on the page, anything else is an error. */
  const change = async (request: FastifyRequest, reply: FastifyReply, act: () => Promise<string>) => {
    try {
      const notice = await act();
      return settingsPage(request, reply, { notice });
    } catch (error) {
      if (!(error instanceof HerowatchError) || !['input', 'conflict', 'not_found'].includes(error.kind)) throw error;
      return settingsPage(request, reply, { error: errorText(error) }, error.kind === 'not_found' ? 404 : 400);
    }
  };

  web.get('/settings', { config: { access: 'viewer' } }, async (request, reply) => settingsPage(request, reply));

  web.post('/settings/users', { config: { access: 'admin' } }, async (request, reply) =>
    change(request, reply, async () => {
      const user = await addUser(hw, { email: field(request, 'email'), password: field(request, 'password', { raw: true }), role: field(request, 'role') });
      return `Added ${user.email} (${user.role}).`;
    }),
  );

  web.post('/settings/users/role', { config: { access: 'admin' } }, async (request, reply) =>
    change(request, reply, async () => {
      const user = await setRole(hw, field(request, 'email'), field(request, 'role'));
      return `${user.email} is now ${user.role}.`;
    }),
  );

  web.post('/settings/users/remove', { config: { access: 'admin' } }, async (request, reply) =>
    change(request, reply, async () => {
      await removeUser(hw, field(request, 'email'));
      return `Removed ${field(request, 'email')}; their sessions ended.`;
    }),
  );

  web.post('/settings/sessions/revoke', { config: { access: 'admin' } }, async (request, reply) =>
    change(request, reply, async () => {
      await revokeSession(hw, field(request, 'id'));
      return 'The session was ended.';
    }),
  );

  web.post('/settings/tokens', { config: { access: 'admin' } }, async (request, reply) => {
    try {
      const name = field(request, 'name');
      const days = Number(field(request, 'days') || '90');
      const issued = await createAccessToken(hw, { name, scopes: fields(request, 'scope') as AccessScope[], connections: null, expiresInDays: days });
      return settingsPage(request, reply, { issued: { ...issued, name } });
    } catch (error) {
      if (!(error instanceof HerowatchError) || error.kind !== 'input') throw error;
      return settingsPage(request, reply, { error: errorText(error) }, 400);
    }
  });

  web.post('/settings/tokens/revoke', { config: { access: 'admin' } }, async (request, reply) =>
    change(request, reply, async () => {
      const id = Number(field(request, 'id'));
      await revokeToken(hw, Number.isSafeInteger(id) ? id : 0);
      return `Access token ${id} was revoked.`;
    }),
  );
}
