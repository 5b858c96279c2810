import { Option, type Command } from 'commander';
import type { ConnectionStatus } from '../../connections/status.js';
import { tokenFromHerokuCli } from '../../connections/netrc.js';
import { connect, disconnect, rotateVaultKey } from '../../service/connect.js';
import { connectionStatuses, tokenHygiene } from '../../service/connection-status.js';
import { addMonitoredApps, availableApps, monitoredApps, removeMonitoredApps } from '../../service/monitored-apps.js';
import { confirm } from '../confirm.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { readSecret } from '../secret-input.js';
import { table } from '../table.js';

interface ConnectFlags {
  name: string;
  token?: string;
  tokenStdin?: boolean;
  tokenEnv?: string;
  fromCli?: boolean;
  enterprise?: string;
  apiUrl?: string;
  json?: boolean;
}

export function registerConnections(program: Command, output: Output, setExitCode: (code: number) => void): void {
  program
    .command('connect')
    .description("Connect a Heroku account (or replace a connection's token); the token is tested, then stored encrypted")
    .requiredOption('--name <name>', 'connection name, e.g. the account or enterprise it is for')
    .option('--token-stdin', 'read the token from standard input (piped, or typed without echo)')
    .option('--token-env <var>', 'read the token from this environment variable')
    .option('--from-cli', 'use the token the Heroku CLI keeps in ~/.netrc (expires with the CLI login)')
    .option('--enterprise <slug>', 'enterprise account the connection is for (its members and audit trail)')
    .option('--api-url <url>', 'Heroku API URL (default: from HEROKU_HOST, else https://api.heroku.com)')
    .option('--json', 'print the connection status as JSON')
    .addOption(new Option('--token <token>', 'refused: see --token-stdin').hideHelp())
    .action(async (flags: ConnectFlags) => {
      if (flags.token !== undefined) {
        throw new UsageError(
          'A token is never taken as an argument: shell history keeps it and other users can see it in the process list. Pipe it in with --token-stdin or name a variable with --token-env VAR; consider the one just typed exposed and revoke it (heroku authorizations:revoke ID).',
        );
      }
      const sources = [flags.tokenStdin, flags.tokenEnv, flags.fromCli].filter(Boolean).length;
      if (sources !== 1)
        throw new UsageError(
          'Give the token one way: --token-stdin, --token-env VAR or --from-cli (a token is never taken as an argument, where shell history would keep it).',
        );
      await withHerowatch(flags, async (hw, config) => {
        let token: string;
        if (flags.tokenEnv) {
          token = process.env[flags.tokenEnv]?.trim() ?? '';
          if (!token) throw new UsageError(`The environment variable ${flags.tokenEnv} is empty or not set.`);
        } else if (flags.fromCli) {
          token = await tokenFromHerokuCli(config.apiUrl);
        } else {
          token = await readSecret('Heroku token (input hidden): ');
        }
        const result = await connect(hw, { name: flags.name, token, apiUrl: config.apiUrl, enterprise: flags.enterprise });
        for (const warning of result.warnings) output.err(`warning: ${warning}`);
        if (flags.json) return output.json(result.status);
        output.out(`${result.created ? 'Connected' : result.reenabled ? 'Reconnected' : 'Updated'} "${flags.name}" (token stored encrypted).`);
        if (result.reactivatedApps > 0) output.out(`Monitoring resumed for ${result.reactivatedApps} app${result.reactivatedApps === 1 ? '' : 's'}.`);
        printStatus(output, result.status);
      });
    });

  program
    .command('disconnect')
    .argument('<name>', 'connection')
    .description("Delete a connection's credentials and stop monitoring its apps; its inventory and history stay")
    .option('--purge', 'also delete everything collected through it (asks first; --yes to skip asking)')
    .option('--yes', 'do not ask before --purge deletes the history')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { purge?: boolean; yes?: boolean; json?: boolean }) => {
      if (flags.purge && !flags.yes)
        await confirm(
          `Delete connection "${name}" and everything collected through it (inventory, history, findings)? This cannot be undone.`,
          'disconnect --purge',
        );
      const result = await withHerowatch({}, (hw) => disconnect(hw, name, flags));
      if (flags.json) return output.json(result);
      if (result.purged) output.out(`Deleted connection "${name}", its credentials and everything collected through it.`);
      else if (result.alreadyDisconnectedAt)
        output.out(
          `"${name}" is already disconnected (since ${result.alreadyDisconnectedAt.slice(0, 16).replace('T', ' ')} UTC); nothing was changed. Reconnect with: herowatch connect --name ${name} --token-stdin`,
        );
      else
        output.out(
          `Disconnected "${name}": credentials deleted, ${result.appsDeactivated} monitored app${result.appsDeactivated === 1 ? '' : 's'} deactivated, history kept. Reconnect with: herowatch connect --name ${name} --token-stdin`,
        );
    });

  program
    .command('status')
    .argument('[name]', 'connection (default: all)')
    .description('Test connections: who the token belongs to, what it can read, and what to fix')
    .option('--no-test', 'show the last test instead of testing now')
    .option('--json', 'print the status as JSON (see docs/connections.md)')
    .action(async (name: string | undefined, flags: { test: boolean; json?: boolean }) => {
      const statuses = await withHerowatch({}, (hw) => connectionStatuses(hw, { name, test: flags.test }));
      if (flags.json) output.json(name ? statuses[0] : statuses);
      else statuses.forEach((status, i) => (i > 0 ? (output.out(''), printStatus(output, status)) : printStatus(output, status)));
      setExitCode(statuses.some((s) => s.state === 'failing') ? 1 : 0);
    });

  program
    .command('tokens')
    .argument('<name>', 'connection')
    .description("The account's OAuth authorizations (as of the last sync): age, scope, expiry, and which to rotate")
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const { result, maxAgeDays } = await withHerowatch({}, async (hw) => ({
        result: await tokenHygiene(hw, name),
        maxAgeDays: hw.config.settings.compliance.token_max_age_days,
      }));
      if (flags.json) return output.json(result);
      if (!result.readable) return output.out(`The authorizations could not be read: ${result.reason}`);
      output.out(
        table(
          ['description', 'scope', 'age (days)', 'expires', 'client', 'note'],
          result.authorizations.map((a) => [
            a.description,
            a.scope.join(' '),
            a.age_days,
            a.expires_at?.slice(0, 10) ?? 'never',
            a.client,
            [a.this_connection ? 'used by this connection' : '', a.rotate ? `rotate: never expires, over ${maxAgeDays} days old` : '']
              .filter(Boolean)
              .join('; '),
          ]),
        ),
      );
      output.err('Heroku does not report when a token was last used.');
    });

  const vault = program.command('vault').description('The master key that encrypts stored credentials');
  vault
    .command('rotate')
    .description('Re-encrypt every stored credential under a new master key')
    .option('--new-key-env <var>', 'when HEROWATCH_MASTER_KEY is used: the environment variable holding the new key')
    .option('--json', 'print JSON')
    .action(async (flags: { newKeyEnv?: string; json?: boolean }) => {
      const result = await withHerowatch({}, (hw) =>
        rotateVaultKey(hw, flags.newKeyEnv ? { name: flags.newKeyEnv, value: process.env[flags.newKeyEnv] } : undefined),
      );
      if (flags.json) return output.json(result);
      output.out(`Re-encrypted ${result.credentials} credential${result.credentials === 1 ? '' : 's'}: master key ${result.oldKeyId} -> ${result.newKeyId}.`);
      output.out(flags.newKeyEnv ? `Now set HEROWATCH_MASTER_KEY to the value of ${result.newKeyLocation}.` : `The new key is in ${result.newKeyLocation}.`);
    });

  const apps = program.command('apps').description('Monitored apps: the ones that get per-app work (vulnerability tests, per-app checks)');
  apps
    .command('available')
    .argument('<connection>')
    .description("Apps in the connection's inventory, marked when monitored")
    .option('--json', 'print JSON')
    .action(async (connection: string, flags: { json?: boolean }) => {
      const list = await withHerowatch({}, (hw) => availableApps(hw, connection));
      if (flags.json) return output.json(list);
      output.out(
        table(
          ['app', 'team', 'monitored'],
          list.map((a) => [a.name, a.team_name, a.monitored ? 'yes' : '']),
        ),
      );
    });
  apps
    .command('add')
    .argument('<connection>')
    .argument('<apps...>', 'app names (or ids)')
    .description('Monitor apps')
    .option('--json', 'print JSON')
    .action(async (connection: string, names: string[], flags: { json?: boolean }) => {
      const added = await withHerowatch({}, (hw) => addMonitoredApps(hw, connection, names));
      if (flags.json) return output.json({ added });
      output.out(`Monitoring ${added.join(', ')}.`);
    });
  apps
    .command('remove')
    .argument('<connection>')
    .argument('<apps...>', 'app names (or ids)')
    .description('Stop monitoring apps')
    .option('--json', 'print JSON')
    .action(async (connection: string, names: string[], flags: { json?: boolean }) => {
      const removed = await withHerowatch({}, (hw) => removeMonitoredApps(hw, connection, names));
      if (flags.json) return output.json({ removed });
      output.out(`No longer monitoring ${removed.join(', ')}.`);
    });
  apps
    .command('list')
    .argument('<connection>')
    .description('Monitored apps, active or deactivated')
    .option('--json', 'print JSON')
    .action(async (connection: string, flags: { json?: boolean }) => {
      const list = await withHerowatch({}, (hw) => monitoredApps(hw, connection));
      if (flags.json) return output.json(list);
      output.out(
        table(
          ['app', 'state', 'since'],
          list.map((a) => [a.app_name, a.active ? 'monitored' : 'deactivated', a.active ? a.added_at : a.deactivated_at]),
        ),
      );
    });
}

export function printStatus(output: Output, status: ConnectionStatus): void {
  output.out(`${status.connection}: ${status.state}${status.account ? ` (${status.account.email})` : ''}`);
  if (status.token) {
    const expiry = status.token.expires_at
      ? `expires ${status.token.expires_at.slice(0, 10)}`
      : status.token.kind === 'authorization' && !status.token.scope.includes('global')
        ? 'expiry visible to global tokens only'
        : 'never expires';
    output.out(
      `  token: ${status.token.kind}, scope ${status.token.scope.join(' ')}, ${expiry}${status.token.description ? ` ("${status.token.description}")` : ''}`,
    );
  }
  if (status.teams.length > 0) output.out(`  teams: ${status.teams.map((t) => `${t.name} (${t.role})`).join(', ')}`);
  if (status.enterprise_accounts.length > 0)
    output.out(`  enterprise accounts: ${status.enterprise_accounts.map((e) => `${e.name} (${e.permissions.join(', ') || 'no permissions'})`).join(', ')}`);
  if (status.rate_limit.remaining !== null) output.out(`  rate limit: ${status.rate_limit.remaining} of ${status.rate_limit.pool} requests left`);
  for (const [name, capability] of Object.entries(status.capabilities)) {
    output.out(`  ${capability.can ? 'can' : 'CANNOT'} ${name.replace(/_/g, ' ')}${capability.can ? '' : `: ${capability.reason}`}`);
  }
  for (const diagnosis of status.diagnoses) {
    output.out(`  ${diagnosis.severity}: ${diagnosis.message}`);
    if (diagnosis.fix) output.out(`    fix: ${diagnosis.fix}`);
  }
}
