import Fastify from 'fastify';
import { mountMcp } from '../mcp/http.js';
import type { Herowatch } from '../service/herowatch.js';
import { registerApi } from './api.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** Host names clients use when listening beyond loopback (the MCP endpoint checks them). */
  allowedHosts?: string[];
}

/**
 * `herowatch serve`: one fastify process with the REST API (/api/v1) and the
 * MCP endpoint (/mcp), over the same service layer; it holds no state of its
 * own. The dashboard's pages come next (issue 12).
 */
export async function startServer(hw: Herowatch, options: ServeOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, trustProxy: false });
  await registerApi(app, hw);
  await mountMcp(app, hw, { allowedHosts: options.allowedHosts });
  const url = await app.listen({ host: options.host, port: options.port });
  return { url, close: () => app.close() };
}
