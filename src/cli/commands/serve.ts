import { Option, type Command } from 'commander';
import { createLogger } from '../../log.js';
import { withHerowatch } from '../context.js';
import type { Output } from '../output.js';
import { allowedHostsFor, repeatable, untilStopped } from '../serving.js';
import { wholeNumber } from '../parse.js';

export function registerServe(program: Command, output: Output): void {
  program
    .command('serve')
    .description('Serve the dashboard (/), the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) and the MCP endpoint (/mcp); loopback by default; stops on Ctrl-C')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .addOption(new Option('--port <port>', 'the port to listen on (0: any free one)').argParser(wholeNumber(0, 65535, 'a port')).default(8808))
    .option('--allowed-host <name>', 'on a non-loopback address: a Host name clients use (repeatable)', repeatable)
    .action(async (flags: { host: string; port: number; allowedHost?: string[] }) => {
      const allowedHosts = allowedHostsFor(flags.host, flags.allowedHost);
      await withHerowatch({}, async (hw) => {
        const { startServer } = await import('../../web/server.js');
        const server = await startServer(hw, { host: flags.host, port: flags.port, allowedHosts, logger: createLogger(hw.config.logLevel) });
        output.err(`herowatch serving at ${server.url}: the dashboard, the REST API at ${server.url}/api/v1 (OpenAPI: /api/v1/openapi.json), MCP at ${server.url}/mcp. Stop with Ctrl-C.`);
        if (server.setupUrl) output.err(`No user yet: create the first admin at ${server.setupUrl} (this link works once, for 24 hours), or run herowatch users add EMAIL --role admin.`);
        await untilStopped();
        await server.close();
      });
    });
}
