import type { Listing, Remedy } from '../errors.js';

/** The request that lists each thing, where the REST API has one. */
const LISTING_REQUEST: Record<Listing, (connection?: string) => string> = {
  connections: () => 'GET /api/v1/connections',
  datasets: () => 'GET /api/v1/datasets',
  findings: (connection) => `GET /api/v1/findings${connection ? `?connection=${encodeURIComponent(connection)}` : ''}`,
  checks: () => 'GET /api/v1/findings (each finding names its check)',
  users: () => "the dashboard's Settings page (an admin's)",
  'access-tokens': () => "the dashboard's Settings page (an admin's)",
  runs: (connection) => `GET /api/v1/runs${connection ? `?connection=${encodeURIComponent(connection)}` : ''}`,
  apps: (connection) => `GET /api/v1/apps${connection ? `?connection=${encodeURIComponent(connection)}` : ''}`,
  'monitored-apps': (connection) => `GET /api/v1/apps?monitored=true${connection ? `&connection=${encodeURIComponent(connection)}` : ''}`,
  vulnerabilities: () => 'GET /api/v1/vulnerabilities',
  vex: () => 'GET /api/v1/vex',
};

/** What fixes an error, said to a REST API client: the request or field, or what an admin does. */
export function apiRemedyText(remedy: Remedy): string {
  switch (remedy.do) {
    case 'connect':
      return `An admin gives ${remedy.connection ? `connection ${remedy.connection}` : 'herowatch'} a working Heroku token (the dashboard's Integrations page, or herowatch connect).`;
    case 'reconnect':
      return `An admin gives connection ${remedy.connection} a working Heroku token (its page under the dashboard's Integrations, or herowatch connect --name ${remedy.connection}).`;
    case 'test-connection':
      return `An admin tests connection ${remedy.connection} (the dashboard's Integrations page, or herowatch status ${remedy.connection}).`;
    case 'sync':
      return `An admin syncs ${remedy.connection ? `connection ${remedy.connection}` : 'the connection'} (Sync now on the dashboard, or herowatch sync).`;
    case 'choose-connection':
      return `Name the connection (the connection parameter): one of ${remedy.choices.join(', ')}.`;
    case 'list':
      return `${LISTING_REQUEST[remedy.what](remedy.connection)} lists them.`;
    case 'monitor':
      return remedy.connection
        ? `POST /api/v1/connections/${encodeURIComponent(remedy.connection)}/monitored-apps with {"add": ["${remedy.app}"]} (write scope).`
        : `Monitor ${remedy.app}: POST /api/v1/connections/{connection}/monitored-apps with {"add": ["${remedy.app}"]} (write scope).`;
    case 'test-app':
      return `An admin tests ${remedy.app ?? 'the app'} (herowatch vulns test), or syncs ${remedy.connection ? `connection ${remedy.connection}` : 'its connection'}: a sync tests the monitored apps.`;
    case 'update-advisories':
      return 'An admin updates the advisories (herowatch vulns db update).';
    case 'purge':
      return `An admin deletes connection ${remedy.connection} with its history (herowatch disconnect ${remedy.connection} --purge); its name is then free.`;
    case 'start-worker':
      return 'An admin starts a worker (herowatch worker).';
    case 'create-access-token':
      return `Use an access token with the ${remedy.scope} scope (an admin creates one in Settings, or with herowatch access-tokens create --name NAME --scope ${remedy.scope}).`;
    case 'give':
      return {
        reason: 'Give "reason": what an auditor reads.',
        decider: 'Say who decides.',
        expiry: 'Give "expires_at", a day (YYYY-MM-DD).',
        'connection-or-all': 'Give "connection".',
        'new-master-key': 'An admin gives the new master key (herowatch vault rotate --new-key-env VAR).',
      }[remedy.input];
    case 'end-period':
      return `End the period on ${remedy.day} or an earlier day.`;
  }
}
