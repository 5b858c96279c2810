import type { Listing, Remedy } from '../errors.js';

/** The command that shows each listing. */
const LISTING_COMMAND: Record<Listing, (connection?: string) => string> = {
  connections: () => 'herowatch status',
  datasets: () => 'herowatch datasets',
  findings: (connection) => `herowatch findings${connection ? ` --connection ${connection}` : ''}`,
  checks: () => 'herowatch checks',
  users: () => 'herowatch users list',
  'access-tokens': () => 'herowatch access-tokens list',
  runs: (connection) => `herowatch runs${connection ? ` --connection ${connection}` : ''}`,
  apps: (connection) => `herowatch apps available ${connection ?? 'CONNECTION'}`,
  'monitored-apps': (connection) => `herowatch apps list ${connection ?? 'CONNECTION'}`,
  vulnerabilities: () => 'herowatch vulns show APP',
  vex: () => 'herowatch vex list',
};

/** What fixes an error, said to a CLI user: the command (or flag) to run. */
export function remedyText(remedy: Remedy): string {
  switch (remedy.do) {
    case 'connect':
      return `herowatch connect --name ${remedy.connection ?? 'NAME'} --token-stdin`;
    case 'reconnect':
      return `herowatch connect --name ${remedy.connection} --token-stdin`;
    case 'test-connection':
      return `herowatch status ${remedy.connection}`;
    case 'sync':
      return `herowatch sync${remedy.connection ? ` --connection ${remedy.connection}` : ''}`;
    case 'choose-connection':
      return `give --connection NAME${remedy.all ? ', or --all' : ''} (${remedy.choices.join(', ')})`;
    case 'list':
      return LISTING_COMMAND[remedy.what](remedy.connection);
    case 'monitor':
      return `herowatch apps add ${remedy.connection ?? 'CONNECTION'} ${remedy.app}`;
    case 'test-app':
      return `herowatch vulns test${remedy.app ? ` ${remedy.app}` : ''}${remedy.connection ? ` --connection ${remedy.connection}` : ''}`;
    case 'update-advisories':
      return 'herowatch vulns db update';
    case 'purge':
      return `herowatch disconnect ${remedy.connection} --purge (deletes its history too), then connect again`;
    case 'start-worker':
      return 'herowatch worker (or sync from the command line: herowatch sync)';
    case 'create-access-token':
      return `herowatch access-tokens create --name NAME --scope ${remedy.scope}`;
    case 'give':
      return {
        reason: '--reason "..." (what an auditor reads)',
        decider: '--by NAME',
        expiry: '--expires YYYY-MM-DD',
        'connection-or-all': '--connection NAME, or --all',
        'new-master-key': 'herowatch vault rotate --new-key-env VAR (VAR holds the new key)',
      }[remedy.input];
    case 'end-period':
      return `--to ${remedy.day} or an earlier day`;
  }
}
