import type { Listing, Remedy } from '../errors.js';

/** The tool that lists each thing, or who can show it when no tool does. */
const LISTING_TOOL: Record<Listing, string> = {
  connections: 'list_connections lists them',
  datasets: 'list_datasets lists them',
  findings: 'list_findings lists them',
  checks: 'list_checks lists them',
  users: 'a herowatch admin can list them; no tool does',
  'access-tokens': 'a herowatch admin can list them; no tool does',
  runs: 'list_sync_runs lists them',
  apps: 'list_apps lists them',
  'monitored-apps': 'list_apps lists them (monitored apps say so)',
  vulnerabilities: 'list_vulnerabilities lists them',
  vex: 'the vex_statements dataset lists them',
};

/**
 * What fixes an error, said to an agent: the tool or argument to use, or,
 * since every tool only reads, what to ask a herowatch admin to do.
 */
export function mcpRemedyText(remedy: Remedy): string {
  switch (remedy.do) {
    case 'connect':
      return `Ask a herowatch admin to give ${remedy.connection ? `connection ${remedy.connection}` : 'herowatch'} a working Heroku token.`;
    case 'reconnect':
      return `Ask a herowatch admin to give connection ${remedy.connection} a working Heroku token.`;
    case 'test-connection':
      return `Call test_connection for ${remedy.connection}.`;
    case 'sync':
      return `Ask a herowatch admin to sync ${remedy.connection ? `connection ${remedy.connection}` : 'it'}.`;
    case 'choose-connection':
      return `Call again with the connection argument: one of ${remedy.choices.join(', ')}.`;
    case 'list':
      return `${LISTING_TOOL[remedy.what]}.`;
    case 'monitor':
      return `Ask a herowatch admin to monitor ${remedy.app}${remedy.connection ? ` on connection ${remedy.connection}` : ''}.`;
    case 'test-app':
      return `Ask a herowatch admin to test ${remedy.app ?? 'the app'} for vulnerabilities.`;
    case 'update-advisories':
      return 'Ask a herowatch admin to update the advisories.';
    case 'purge':
      return `Ask a herowatch admin to delete connection ${remedy.connection} with its history.`;
    case 'start-worker':
      return 'Ask a herowatch admin to start a worker.';
    case 'create-access-token':
      return `Ask a herowatch admin for an access token with the ${remedy.scope} scope.`;
    case 'give':
      return `Give the ${{ reason: 'reason', decider: 'name of who decides', expiry: 'expiry', 'connection-or-all': 'connection argument', 'new-master-key': 'new master key (to a herowatch admin)' }[remedy.input]}.`;
    case 'end-period':
      return `End the period on ${remedy.day} or earlier.`;
  }
}
