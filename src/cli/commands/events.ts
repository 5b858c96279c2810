import type { Command } from 'commander';
import { toCsv } from '../../export/csv.js';
import { listAuditEvents, whyNoEvents } from '../../service/audit.js';
import { withHerowatch } from '../context.js';
import { UsageError, type Output } from '../output.js';
import { table } from '../table.js';
import { readableData } from '../../text.js';

export function registerEvents(program: Command, output: Output): void {
  program
    .command('events')
    .description('The enterprise audit trail collected so far, newest first')
    .option('--connection <name>', "one connection's events")
    .option('--since <when>', 'from this day (YYYY-MM-DD) or ISO time')
    .option('--until <when>', 'up to this day (included) or ISO time (excluded)')
    .option('--actor <email>', 'who did it')
    .option('--action <action>', 'create, update, destroy, ...')
    .option('--type <type>', 'app, addon, collaborator, config_var, account, ...')
    .option('--app <name>', 'the app concerned')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--json', 'same as --format json')
    .action(
      async (flags: {
        connection?: string;
        since?: string;
        until?: string;
        actor?: string;
        action?: string;
        type?: string;
        app?: string;
        limit: string;
        format: string;
        json?: boolean;
      }) => {
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number of at least 1, not ${flags.limit}`);
        const format = flags.json ? 'json' : flags.format;
        if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, not ${flags.format}`);
        const events = await withHerowatch({}, (hw) => listAuditEvents(hw, { ...flags, limit }));
        if (format === 'json') return output.json(events);
        if (format === 'csv') {
          const header = ['connection', 'id', 'created_at', 'type', 'action', 'actor_email', 'app_name', 'team_name', 'ip_address', 'data'];
          return output.raw(
            toCsv(
              header,
              events.map((e) => [
                e.connection,
                e.id,
                e.created_at,
                e.type,
                e.action,
                e.actor_email,
                e.app_name,
                e.team_name,
                e.ip_address,
                JSON.stringify(e.data),
              ]),
            ),
          );
        }
        if (events.length === 0) return output.out(await withHerowatch({}, (hw) => whyNoEvents(hw, { connection: flags.connection, app: flags.app })));
        output.out(
          table(
            ['time', 'actor', 'action', 'type', 'app', 'ip', 'details'],
            events.map((e) => [e.created_at, e.actor_email, e.action, e.type, e.app_name, e.ip_address, readableData(e.data)]),
          ),
        );
      },
    );
}
