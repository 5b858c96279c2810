import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/fastify';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import Fastify, { type FastifyInstance } from 'fastify';
import { HerowatchError } from '../errors.js';
import { authenticate, bearerToken } from '../service/access.js';
import type { Herowatch } from '../service/herowatch.js';
import type { Scope } from '../service/scope.js';
import { createMcpServer } from './server.js';

export interface McpHttpOptions {
  /** Host names the Host header may carry (DNS rebinding protection); loopback names by default. */
  allowedHosts?: string[];
  /** Origin host names a browser may send from; loopback names by default. A request without Origin passes. */
  allowedOrigins?: string[];
  /** Narrows every token further (a server started for some connections). */
  scope?: Scope;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Every route of `app` answers only a Host header naming one of `hosts`
 * (loopback names by default): a page opened from another site that
 * resolves its name to this server (DNS rebinding) is refused, whatever it
 * asks for. Installed at the root, before any route runs.
 */
export function requireAllowedHost(app: FastifyInstance, hosts: string[] | undefined): void {
  app.addHook('onRequest', hostHeaderValidation(hosts ?? LOOPBACK));
}

/** The narrower of two scopes: what both allow. */
function intersect(a: Scope, b: Scope | undefined): Scope {
  if (!b) return a;
  const both = (x: string[] | null, y: string[] | null): string[] | null => (x === null ? y : y === null ? x : x.filter((v) => y.includes(v)));
  return { connections: both(a.connections, b.connections), apps: both(a.apps, b.apps) };
}

/**
 * Mounts MCP's Streamable HTTP endpoint at /mcp on a fastify instance, in a
 * scope of its own: Host and Origin validated, a bearer access token with
 * the mcp:read scope required (401 otherwise), and one stateless server per
 * request bound to the token's scope. GET and DELETE (sessions, server
 * streams) are not offered: 405.
 */
export async function mountMcp(app: FastifyInstance, hw: Herowatch, options: McpHttpOptions = {}): Promise<void> {
  await app.register(async (scoped) => {
    // Checked here too, for an app that mounts MCP without requireAllowedHost at its root.
    scoped.addHook('onRequest', hostHeaderValidation(options.allowedHosts ?? LOOPBACK));
    scoped.addHook('onRequest', originValidation(options.allowedOrigins ?? LOOPBACK));
    scoped.post('/mcp', async (request, reply) => {
      const bearer = bearerToken(request.headers.authorization);
      let who: Awaited<ReturnType<typeof authenticate>>;
      try {
        who = await authenticate(hw, bearer, ['mcp:read', 'read']);
      } catch (error) {
        if (!(error instanceof HerowatchError) || (error.kind !== 'unauthenticated' && error.kind !== 'forbidden')) throw error;
        const status = error.kind === 'forbidden' ? 403 : 401;
        return reply
          .code(status)
          .header('WWW-Authenticate', `Bearer realm="herowatch"${status === 403 ? ', error="insufficient_scope"' : ''}, scope="mcp:read"`)
          .send({ jsonrpc: '2.0', error: { code: -32001, message: error.message }, id: null });
      }
      const server = createMcpServer(hw, { scope: intersect(who.scope, options.scope), transport: 'http', tokenId: who.tokenId });
      const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      reply.hijack();
      await transport.handleRequest(request.raw, reply.raw, request.body);
    });
    for (const method of ['GET', 'DELETE'] as const) {
      scoped.route({
        method,
        url: '/mcp',
        handler: async (_request, reply) =>
          reply
            .code(405)
            .header('Allow', 'POST')
            .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: herowatch serves MCP statelessly over POST.' }, id: null }),
      });
    }
  });
}

/** `herowatch mcp --http`: a fastify server with only the MCP endpoint. */
export async function startMcpHttp(
  hw: Herowatch,
  options: McpHttpOptions & { host: string; port: number },
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  requireAllowedHost(app, options.allowedHosts);
  await mountMcp(app, hw, options);
  const address = await app.listen({ host: options.host, port: options.port });
  return { url: `${address}/mcp`, close: () => app.close() };
}
