import { InvalidArgumentError, Option, type Command } from 'commander';
import { ACCESS_SCOPES, accessTokens, agentCalls, createAccessToken, revokeToken, type AccessScope } from '../../service/access.js';
import { scopedConnections, type Scope } from '../../service/scope.js';
import { parseDayOrTime } from '../../time.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { wholeNumber } from '../parse.js';
import { table } from '../table.js';
import { allowedHostsFor, repeatable, untilStopped } from '../serving.js';

function scopeList(value: string, previous: string[] = []): string[] {
  if (!(ACCESS_SCOPES as readonly string[]).includes(value)) throw new InvalidArgumentError(`Use ${ACCESS_SCOPES.join(', ')}.`);
  return [...previous, value];
}

export function registerMcp(program: Command, output: Output): void {
  program
    .command('mcp')
    .description(
      'Serve herowatch to AI agents over the Model Context Protocol, read-only: on standard input and output (for an MCP client that starts it), or over HTTP with --http (access tokens required)',
    )
    .option('--connection <name>', 'only this connection is visible (repeatable; default: all)', repeatable)
    .option('--app <name>', 'only this app is visible (repeatable; default: all apps of those connections)', repeatable)
    .option('--http', 'serve Streamable HTTP at /mcp instead of stdio')
    .option('--host <host>', 'with --http: the address to listen on', '127.0.0.1')
    .addOption(new Option('--port <port>', 'with --http: the port to listen on').argParser(wholeNumber(0, 65535, 'a port (0: any free one)')).default(8808))
    .option('--allowed-host <name>', 'with --http on a non-loopback address: a Host name clients use (repeatable)', repeatable)
    .action(async (flags: { connection?: string[]; app?: string[]; http?: boolean; host: string; port: number; allowedHost?: string[] }) => {
      const scope: Scope = { connections: flags.connection ?? null, apps: flags.app ?? null };
      await withHerowatch({}, async (hw) => {
        // Named connections must exist: a typo would otherwise serve an empty world.
        for (const name of flags.connection ?? []) await scopedConnections(hw, { connections: null, apps: null }, name);
        if (flags.http) {
          const { startMcpHttp } = await import('../../mcp/http.js');
          const server = await startMcpHttp(hw, { host: flags.host, port: flags.port, scope, allowedHosts: allowedHostsFor(flags.host, flags.allowedHost) });
          output.err(
            `herowatch MCP server at ${server.url} (Streamable HTTP; access tokens with the mcp:read scope: herowatch access-tokens create). Stop with Ctrl-C.`,
          );
          await untilStopped();
          await server.close();
          return;
        }
        const [{ createMcpServer }, { StdioServerTransport }] = await Promise.all([
          import('../../mcp/server.js'),
          import('@modelcontextprotocol/server/stdio'),
        ]);
        const server = createMcpServer(hw, { scope, transport: 'stdio' });
        // Standard output carries the protocol: nothing else is written there.
        await server.connect(new StdioServerTransport());
        await untilStopped({ stdin: true });
        await server.close();
      });
    });

  const tokens = program.command('access-tokens').description("Access tokens for herowatch's HTTP endpoints (MCP): stored hashed, scoped, revocable, expiring");
  tokens
    .command('create')
    .description('Issue an access token; it is shown once')
    .requiredOption('--name <name>', 'who or what it is for')
    .addOption(
      new Option('--scope <scope>', `what it may do: ${ACCESS_SCOPES.join(', ')} (repeatable; default read: the REST API's reads and MCP)`).argParser(
        scopeList,
      ),
    )
    .option('--connection <name>', 'only this connection is visible (repeatable; default: all)', repeatable)
    .option('--app <name>', 'only this app is visible (repeatable)', repeatable)
    .addOption(new Option('--expires-in <days>', 'days until it expires (1 to 365)').argParser(wholeNumber(1, 365, 'a number of days')).default(90))
    .option('--no-expiry', 'never expires (not recommended)')
    .option('--json', 'print the token as JSON')
    .action(async (flags: { name: string; scope?: string[]; connection?: string[]; app?: string[]; expiresIn: number; expiry: boolean; json?: boolean }) => {
      const issued = await withHerowatch({}, (hw) =>
        createAccessToken(hw, {
          name: flags.name,
          scopes: (flags.scope ?? ['read']) as AccessScope[],
          connections: flags.connection ?? null,
          apps: flags.app ?? null,
          expiresInDays: flags.expiry ? flags.expiresIn : null,
        }),
      );
      if (flags.json) return output.json(issued);
      output.out(issued.token);
      output.err(
        `Access token ${issued.id} (${flags.name}), ${issued.expiresAt ? `expires ${issued.expiresAt}` : 'never expires'}. It is shown only now: keep it in a secret store. Send it as "Authorization: Bearer <token>".`,
      );
    });
  tokens
    .command('list')
    .description('The tokens issued, with their scope and state (never the tokens themselves)')
    .option('--json', 'print them as JSON')
    .action(async (flags: { json?: boolean }) => {
      const list = await withHerowatch({}, (hw) => accessTokens(hw));
      if (flags.json) return output.json(list);
      if (list.length === 0) return output.out('No access tokens: herowatch access-tokens create --name NAME issues one.');
      output.out(
        table(
          ['ID', 'NAME', 'SCOPES', 'CONNECTIONS', 'STATE', 'EXPIRES', 'LAST USED'],
          list.map((t) => [t.id, t.name, t.scopes.join(','), t.connections?.join(',') ?? 'all', t.state, t.expires_at ?? 'never', t.last_used_at ?? '']),
        ),
      );
    });
  tokens
    .command('revoke')
    .description('Revoke a token: it stops working at once')
    .argument('<id>', 'token id (access-tokens list)', wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a token id'))
    .option('--json', 'print the result as JSON')
    .action(async (id: number, flags: { json?: boolean }) => {
      await withHerowatch({}, (hw) => revokeToken(hw, id));
      if (flags.json) return output.json({ id, revoked: true });
      output.out(`Access token ${id} is revoked.`);
    });

  program
    .command('agent-calls')
    .description('The agent audit log: every MCP call (time, token, tool, arguments, result size, duration), newest first')
    .option('--since <time>', 'from this day or time (ISO)')
    .addOption(new Option('--token <id>', 'calls made with this access token').argParser(wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a token id')))
    .addOption(new Option('--limit <n>', 'at most this many').argParser(wholeNumber(1, 10_000)).default(100))
    .option('--json', 'print them as JSON')
    .action(async (flags: { since?: string; token?: number; limit: number; json?: boolean }) => {
      const since = flags.since === undefined ? undefined : parseDayOrTime(flags.since);
      if (since === null) throw new UsageError(`--since takes a day (2026-12-01) or an ISO time (2026-12-01T09:00:00Z), not ${JSON.stringify(flags.since)}.`);
      const calls = await withHerowatch({}, (hw) => agentCalls(hw, { since, tokenId: flags.token, limit: flags.limit }));
      if (flags.json) return output.json(calls);
      if (calls.length === 0) return output.out('No agent calls recorded.');
      output.out(
        table(
          ['TIME', 'TOKEN', 'TRANSPORT', 'TOOL', 'OUTCOME', 'BYTES', 'MS', 'ARGUMENTS'],
          calls.map((c) => [
            c.at,
            c.token_id ?? '-',
            c.transport,
            c.name ?? c.method,
            c.outcome,
            c.result_bytes,
            c.duration_ms,
            JSON.stringify(c.arguments ?? {}).slice(0, 80),
          ]),
        ),
      );
    });
}
