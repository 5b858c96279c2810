import { Option, type Command } from 'commander';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { wholeNumber } from '../parse.js';

const repeat = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerServe(program: Command, output: Output): void {
  program
    .command('serve')
    .description('Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) and the MCP endpoint (/mcp), with herowatch access tokens; loopback by default; stops on Ctrl-C')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .addOption(new Option('--port <port>', 'the port to listen on (0: any free one)').argParser(wholeNumber(0, 65535, 'a port')).default(8808))
    .option('--allowed-host <name>', 'on a non-loopback address: a Host name clients use (repeatable)', repeat)
    .action(async (flags: { host: string; port: number; allowedHost?: string[] }) => {
      const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(flags.host);
      if (!loopback && !flags.allowedHost) throw new UsageError(`--host ${flags.host} is not loopback: name the host names clients will use with --allowed-host (DNS rebinding protection), and put TLS in front.`);
      await withHerowatch({}, async (hw) => {
        const { startServer } = await import('../../web/server.js');
        const server = await startServer(hw, { host: flags.host, port: flags.port, allowedHosts: flags.allowedHost ? [...flags.allowedHost, 'localhost', '127.0.0.1', '[::1]'] : undefined });
        output.err(`herowatch serving at ${server.url}: REST API at ${server.url}/api/v1 (OpenAPI: /api/v1/openapi.json), MCP at ${server.url}/mcp. Access tokens: herowatch access-tokens create. Stop with Ctrl-C.`);
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
      });
    });
}
