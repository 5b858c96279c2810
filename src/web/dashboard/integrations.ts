import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectionStatus } from '../../connections/status.js';
import { HerowatchError, InputError } from '../../errors.js';
import { connect, ConnectionRefused, disconnect, storedTokenHint, tryToken } from '../../service/connect.js';
import { lastStatus } from '../../service/connection-status.js';
import type { Herowatch } from '../../service/herowatch.js';
import { EVERYTHING } from '../../service/scope.js';
import { connectionsView, testConnectionView } from '../../service/views.js';
import { field } from './form.js';
import { fragment, fromHtmx, page } from './render.js';
import { errorText } from './remedy.js';
import { connectionNamed, connectionNames } from '../../service/connections.js';

/** "Test connection" sends a dozen requests to Heroku from the account's pool: a few a minute per user is plenty. */
const TEST_LIMIT = { max: 10, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => request.user?.sessionId ?? request.ip };

interface ConnectForm {
  name: string;
  token: string;
  enterprise: string;
}

function connectForm(request: FastifyRequest): ConnectForm {
  return { name: field(request, 'name'), token: field(request, 'token'), enterprise: field(request, 'enterprise') };
}

function requireToken(form: ConnectForm): void {
  if (!form.token)
    throw new InputError(
      'HW_CONNECTION_NO_TOKEN',
      'Paste a Heroku API key or authorization token (heroku authorizations:create --scope identity,read-protected --description herowatch makes a least-privilege one).',
    );
}

export async function registerIntegrations(web: FastifyInstance, hw: Herowatch): Promise<void> {
  const apiUrl = hw.config.apiUrl;

  /** The list with the connect form, optionally holding what was typed (never the token) and a test result or error. */
  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { form?: Partial<ConnectForm>; status?: ConnectionStatus | null; error?: string | null; stored?: boolean } = {},
    code = 200,
  ) => {
    const { connections } = await connectionsView(hw, EVERYTHING);
    return page(
      request,
      reply,
      'integrations',
      {
        title: 'Integrations',
        connections,
        form: { name: extra.form?.name ?? '', enterprise: extra.form?.enterprise ?? '' },
        status: extra.status ?? null,
        error: extra.error ?? null,
        apiUrl,
      },
      code,
    );
  };

  web.get('/integrations', { config: { access: 'viewer' } }, async (request, reply) => listPage(request, reply));

  // Tests what was typed, storing nothing; htmx swaps the status box in and the form keeps its fields.
  web.post('/integrations/test', { config: { access: 'admin', rateLimit: TEST_LIMIT } }, async (request, reply) => {
    const form = connectForm(request);
    let status: ConnectionStatus | null = null;
    let error: string | null = null;
    try {
      requireToken(form);
      status = await tryToken(hw, { name: form.name || 'new-connection', token: form.token, apiUrl, enterprise: form.enterprise || null });
    } catch (caught) {
      if (!(caught instanceof HerowatchError) || caught.kind !== 'input') throw caught;
      error = errorText(caught);
    }
    if (fromHtmx(request)) return fragment(request, reply, 'status-box', { status, error, tested: true, stored: false });
    return listPage(request, reply, { form, status, error }, error ? 400 : 200);
  });

  web.post('/integrations', { config: { access: 'admin' } }, async (request, reply) => {
    const form = connectForm(request);
    try {
      requireToken(form);
      await connect(hw, { name: form.name, token: form.token, apiUrl, enterprise: form.enterprise || null });
    } catch (caught) {
      if (caught instanceof ConnectionRefused)
        return listPage(request, reply, { form, status: caught.status, error: 'Heroku did not accept this token. Nothing was stored.' }, 400);
      if (caught instanceof HerowatchError && caught.kind === 'input') return listPage(request, reply, { form, error: errorText(caught) }, 400);
      throw caught;
    }
    return reply.redirect(`/integrations/${encodeURIComponent(form.name)}?connected=1`, 303);
  });

  const detailPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    name: string,
    extra: { notice?: string | null; error?: string | null; status?: ConnectionStatus } = {},
    code = 200,
  ) => {
    const connection = await connectionNamed(hw, name);
    const status = extra.status ?? lastStatus(connection);
    return page(
      request,
      reply,
      'integration',
      {
        title: `Integration ${name}`,
        connection: {
          name: connection.name,
          state: connection.state,
          api_url: connection.api_url,
          enterprise: connection.enterprise,
          account_email: connection.account_email,
          disabled_at: connection.disabled_at,
        },
        status,
        hint: await storedTokenHint(hw, name),
        notice: extra.notice ?? null,
        error: extra.error ?? null,
      },
      code,
    );
  };

  web.get<{ Params: { name: string }; Querystring: { connected?: string; disconnected?: string; updated?: string } }>(
    '/integrations/:name',
    { config: { access: 'viewer' } },
    async (request, reply) => {
      const q = request.query;
      const notice = q.connected
        ? 'Connected: the token works and is stored encrypted. Sync it from Runs, or wait for the schedule.'
        : q.updated
          ? 'The token was replaced; the history is kept.'
          : q.disconnected
            ? 'Disconnected: the token was deleted, the monitored apps deactivated, the history kept.'
            : null;
      return detailPage(request, reply, request.params.name, { notice });
    },
  );

  web.post<{ Params: { name: string } }>('/integrations/:name/test', { config: { access: 'admin', rateLimit: TEST_LIMIT } }, async (request, reply) => {
    const status = await testConnectionView(hw, EVERYTHING, request.params.name);
    if (fromHtmx(request)) return fragment(request, reply, 'status-box', { status, error: null, tested: true, stored: true });
    return detailPage(request, reply, request.params.name, { status });
  });

  // Edit credentials: the new token is tested and must belong to the same account; the old one stays until it passes.
  web.post<{ Params: { name: string } }>('/integrations/:name/token', { config: { access: 'admin' } }, async (request, reply) => {
    const name = request.params.name;
    const existing = await connectionNamed(hw, name);
    const form = connectForm(request);
    try {
      requireToken(form);
      await connect(hw, { name, token: form.token, apiUrl: existing.api_url, enterprise: form.enterprise === '' ? existing.enterprise : form.enterprise });
    } catch (caught) {
      if (caught instanceof ConnectionRefused)
        return detailPage(request, reply, name, { status: caught.status, error: 'Heroku did not accept the new token; the stored one was kept.' }, 400);
      if (caught instanceof HerowatchError && caught.kind === 'input') return detailPage(request, reply, name, { error: errorText(caught) }, 400);
      throw caught;
    }
    return reply.redirect(`/integrations/${encodeURIComponent(name)}?${existing.state === 'disabled' ? 'connected' : 'updated'}=1`, 303);
  });

  web.post<{ Params: { name: string } }>('/integrations/:name/disconnect', { config: { access: 'admin' } }, async (request, reply) => {
    const name = request.params.name;
    if (!(await connectionNames(hw)).includes(name)) return detailPage(request, reply, name);
    if (field(request, 'confirm') !== name) {
      return detailPage(request, reply, name, { error: `Type the connection's name, ${name}, to confirm the disconnect.` }, 400);
    }
    await disconnect(hw, name);
    return reply.redirect(`/integrations/${encodeURIComponent(name)}?disconnected=1`, 303);
  });
}
