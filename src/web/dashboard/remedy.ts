import type { HerowatchError, Listing, Remedy } from '../../errors.js';
import { escapeHtml } from './render.js';

/** What fixes an error, said on a page: a sentence, and the page where it is done when there is one. */
export interface PageRemedy {
  text: string;
  href: string | null;
}

const LISTING_PAGE: Record<Listing, { text: string; href: (connection?: string) => string }> = {
  connections: { text: 'Integrations lists the connections', href: () => '/integrations' },
  datasets: { text: 'Data lists the datasets', href: () => '/datasets' },
  findings: { text: 'Findings lists them', href: () => '/findings' },
  checks: { text: 'Findings names the checks, and docs/checks.md describes each', href: () => '/findings' },
  users: { text: 'Settings lists the users', href: () => '/settings' },
  'access-tokens': { text: 'Settings lists the access tokens', href: () => '/settings' },
  runs: { text: 'Runs lists the syncs', href: () => '/runs' },
  apps: { text: "Apps lists the connection's apps", href: (connection) => `/apps/add${connection ? `?connection=${encodeURIComponent(connection)}` : ''}` },
  'monitored-apps': { text: 'Apps lists the monitored apps', href: () => '/apps' },
  vulnerabilities: { text: 'Vulnerabilities lists them', href: () => '/vulnerabilities' },
  vex: { text: 'Vulnerabilities lists the VEX statements', href: () => '/vulnerabilities' },
};

const path = (connection: string): string => `/integrations/${encodeURIComponent(connection)}`;

/** The dashboard's words for each remedy. */
export function pageRemedy(remedy: Remedy): PageRemedy {
  switch (remedy.do) {
    case 'connect':
      return { text: `Connect ${remedy.connection ? `${remedy.connection} ` : 'a Heroku account '}on the Integrations page.`, href: '/integrations' };
    case 'reconnect':
      return { text: `Give connection ${remedy.connection} a working Heroku token on its Integrations page.`, href: path(remedy.connection) };
    case 'test-connection':
      return { text: `Test connection ${remedy.connection} on its Integrations page.`, href: path(remedy.connection) };
    case 'sync':
      return { text: `Sync ${remedy.connection ? `connection ${remedy.connection}` : 'it'} from the Runs page (Sync now).`, href: '/runs' };
    case 'choose-connection':
      return { text: `Choose a connection: ${remedy.choices.join(', ')}${remedy.all ? ', or all of them' : ''}.`, href: null };
    case 'list': {
      const listing = LISTING_PAGE[remedy.what];
      return { text: `${listing.text}.`, href: listing.href(remedy.connection) };
    }
    case 'monitor':
      return {
        text: `Monitor ${remedy.app} from the Apps page.`,
        href: `/apps/add${remedy.connection ? `?connection=${encodeURIComponent(remedy.connection)}` : ''}`,
      };
    case 'test-app':
      // A sync tests the monitored apps after it: Sync now is the dashboard's way to test one.
      return {
        text: `Sync ${remedy.connection ? `connection ${remedy.connection}` : 'its connection'} from the Runs page: a sync tests the monitored apps.`,
        href: '/runs',
      };
    case 'update-advisories':
      return { text: 'An admin updates the advisories (herowatch vulns db update, or the scheduled update).', href: null };
    case 'purge':
      return {
        text: `An admin deletes connection ${remedy.connection} with its history from the command line (herowatch disconnect ${remedy.connection} --purge); its name is then free.`,
        href: null,
      };
    case 'start-worker':
      return { text: 'Start a herowatch worker to take queued syncs (herowatch worker).', href: null };
    case 'create-access-token':
      return { text: `Create an access token with the ${remedy.scope} scope in Settings.`, href: '/settings' };
    case 'give':
      return {
        text: {
          reason: 'Write the reason an auditor will read.',
          decider: 'Say who decides.',
          expiry: 'Give the day it ends.',
          'connection-or-all': 'Choose a connection, or all of them.',
          'new-master-key': 'Give the new master key in an environment variable (herowatch vault rotate --new-key-env VAR).',
        }[remedy.input],
        href: null,
      };
    case 'end-period':
      return { text: `End the period on ${remedy.day} or an earlier day.`, href: null };
  }
}

/** A remedy as HTML to follow an error's message: its sentence, linked to its page when there is one. */
export function remedyHtml(remedy: PageRemedy): string {
  return remedy.href ? `<a href="${escapeHtml(remedy.href)}">${escapeHtml(remedy.text)}</a>` : escapeHtml(remedy.text);
}

/** An error said inline on a page (a form's alert, which is plain text): its message, then what fixes it. */
export function errorText(error: HerowatchError): string {
  return error.remedy ? `${error.message} ${pageRemedy(error.remedy).text}` : error.message;
}
