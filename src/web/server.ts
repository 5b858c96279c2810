import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { mountMcp, requireAllowedHost } from '../mcp/http.js';
import { silentLogger, type Logger } from '../log.js';
import type { Herowatch } from '../service/herowatch.js';
import { health, metricsRefusal, metricsText } from '../service/metrics.js';
import { createSetupLink } from '../service/users.js';
import { registerApi } from './api.js';
import { registerDashboard, type DashboardRoute } from './dashboard/index.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** Host names clients use when listening beyond loopback: every route checks the Host header against them (loopback names by default). */
  allowedHosts?: string[];
  /** Addresses (or CIDR ranges) of the proxies in front: their X-Forwarded-For says who the client is (sign-in limits key on it). None by default: the header is ignored. */
  trustedProxies?: string[];
  /** Where unexpected errors are logged (their answer says only that the log has them). */
  logger?: Logger;
}

export interface Server {
  url: string;
  /** The one-time link that creates the first admin, when there are no users yet. */
  setupUrl: string | null;
  close: () => Promise<void>;
}

/**
 * `herowatch serve`: one fastify process with the dashboard (/), the REST
 * API (/api/v1) and the MCP endpoint (/mcp), over the same service layer.
 * Sessions, users and tokens live in the database, so any number of these
 * processes can serve one installation.
 */
export async function buildServer(
  hw: Herowatch,
  options: Omit<ServeOptions, 'host' | 'port'> = {},
): Promise<{ app: FastifyInstance; routes: DashboardRoute[] }> {
  // Requests are not logged (a setup or sign-in link carries its secret in the URL); failures are.
  const app = Fastify({
    loggerInstance: (options.logger ?? silentLogger) as FastifyBaseLogger,
    // Requests are not logged (fastify 5's way of saying so: the top-level option is deprecated).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? options.trustedProxies : false,
  }) as unknown as FastifyInstance;
  requireAllowedHost(app, options.allowedHosts);
  // The dashboard first: the REST API's OpenAPI document then sees only its own routes.
  const { routes } = await registerDashboard(app, hw);
  await registerApi(app, hw);
  await mountMcp(app, hw, { allowedHosts: options.allowedHosts });
  // For load balancers and Prometheus: no session, no state; /metrics is for loopback or HEROWATCH_METRICS_TOKEN.
  app.get('/healthz', async (_request, reply) => {
    const state = await health(hw);
    return reply.code(state.ok ? 200 : 503).send(state);
  });
  app.get('/metrics', async (request, reply) => {
    const refusal = metricsRefusal(hw.config.metricsToken, request.socket.remoteAddress, request.headers.authorization);
    if (refusal) return reply.code(refusal.status).send({ error: refusal.message });
    const metrics = await metricsText(hw);
    return reply.type(metrics.contentType).send(metrics.body);
  });
  return { app, routes };
}

export async function startServer(hw: Herowatch, options: ServeOptions): Promise<Server> {
  const { app } = await buildServer(hw, options);
  const url = await app.listen({ host: options.host, port: options.port });
  const token = await createSetupLink(hw);
  return { url, setupUrl: token ? `${url}/setup?token=${token}` : null, close: () => app.close() };
}
