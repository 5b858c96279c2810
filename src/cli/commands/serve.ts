import { Option, type Command } from 'commander';
import { createLogger } from '../../log.js';
import { withHerowatch } from '../context.js';
import type { Output } from '../output.js';
import { allowedHostsFor, repeatable, requireFreePort, untilStopped } from '../serving.js';
import { wholeNumber } from '../parse.js';

export function registerServe(program: Command, output: Output): void {
  program
    .command('serve')
    .description(
      'Serve the dashboard (/), the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) and the MCP endpoint (/mcp); loopback by default; stops on Ctrl-C',
    )
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .addOption(new Option('--port <port>', 'the port to listen on (0: any free one; default: PORT, else 8808)').argParser(wholeNumber(0, 65535, 'a port')))
    .option('--allowed-host <name>', 'on a non-loopback address: a Host name clients use (repeatable; default: HEROWATCH_ALLOWED_HOSTS)', repeatable)
    .action(async (flags: { host: string; port?: number; allowedHost?: string[] }) => {
      await withHerowatch({}, async (hw) => {
        const allowedHosts = allowedHostsFor(flags.host, flags.allowedHost ?? hw.config.allowedHosts);
        await requireFreePort(flags.host, flags.port ?? hw.config.port ?? 8808, '--port');
        const { startServer } = await import('../../web/server.js');
        const server = await startServer(hw, {
          host: flags.host,
          port: flags.port ?? hw.config.port ?? 8808,
          allowedHosts,
          trustedProxies: hw.config.trustedProxies,
          logger: createLogger(hw.config.logLevel),
        });
        output.err(
          `herowatch serving at ${server.url}: the dashboard, the REST API at ${server.url}/api/v1 (OpenAPI: /api/v1/openapi.json), MCP at ${server.url}/mcp. Stop with Ctrl-C.`,
        );
        if (server.setupUrl)
          output.err(
            `No user yet: create the first admin at ${server.setupUrl} (this link works once, for 24 hours), or run herowatch users add EMAIL --role admin.`,
          );
        await untilStopped();
        await server.close();
      });
    });
}
