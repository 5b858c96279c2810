import { InputError } from '../errors.js';
import type { ConnectionRecord } from '../store/connections.js';

/**
 * The rules every door shares, in one place: which connection may be used
 * for what, what a risk acceptance must say, how changes are counted. The
 * service applies them; a door never restates one (it may read the bounds,
 * to say them in a form before the request).
 */

/** A connection that can be synced, tested or monitored: not disconnected. */
export function requireActive(connection: ConnectionRecord): ConnectionRecord {
  if (connection.state === 'disabled') {
    throw new InputError('HW_CONNECTION_DISCONNECTED', `Connection "${connection.name}" is disconnected: its token was deleted.`, {
      remedy: { do: 'reconnect', connection: connection.name },
    });
  }
  return connection;
}

/** A connection with a complete sync to read from. */
export function requireSynced(connection: ConnectionRecord): ConnectionRecord & { last_complete_run: number } {
  if (connection.last_complete_run === null) {
    throw new InputError('HW_CONNECTION_NOT_SYNCED', `Connection "${connection.name}" has not been synced yet.`, {
      remedy: { do: 'sync', connection: connection.name },
    });
  }
  return connection as ConnectionRecord & { last_complete_run: number };
}

/** What a reason for accepting a risk (a suppressed finding, an ignored vulnerability) must hold, in characters. */
export const REASON_LENGTH = { min: 10, max: 500 } as const;
/** Who decides, in characters. */
export const DECIDER_LENGTH = { min: 1, max: 200 } as const;

/**
 * The terms every accepted risk is held to (a suppressed finding, an
 * ignored vulnerability), through every door alike: a reason an auditor
 * can read (REASON_LENGTH characters, spaces around it not counted), who
 * decided, and an expiry in the future, at most a year away, when it is
 * reviewed again.
 */
export function riskAcceptance(
  what: 'suppression' | 'ignore',
  request: { reason: string; by: string; expiresAt: Date },
  now: Date,
): { reason: string; by: string } {
  const reason = request.reason.trim();
  const by = request.by.trim();
  const article = what === 'ignore' ? 'An ignore' : 'A suppression';
  if (reason.length < REASON_LENGTH.min || reason.length > REASON_LENGTH.max) {
    throw new InputError(
      'HW_RISK_ACCEPTANCE_INVALID',
      `${article} needs a reason an auditor can read, of ${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters${reason ? ` (this one has ${reason.length})` : ''}.`,
      { remedy: { do: 'give', input: 'reason' } },
    );
  }
  if (by.length < DECIDER_LENGTH.min || by.length > DECIDER_LENGTH.max) {
    throw new InputError('HW_RISK_ACCEPTANCE_INVALID', `${article} needs the name of who decides it (up to ${DECIDER_LENGTH.max} characters).`, {
      remedy: { do: 'give', input: 'decider' },
    });
  }
  if (request.expiresAt.getTime() <= now.getTime()) {
    throw new InputError('HW_RISK_ACCEPTANCE_INVALID', `The expiry ${request.expiresAt.toISOString().slice(0, 10)} is not in the future.`, {
      remedy: { do: 'give', input: 'expiry' },
    });
  }
  const yearAhead = new Date(now);
  yearAhead.setUTCFullYear(yearAhead.getUTCFullYear() + 1);
  if (request.expiresAt.getTime() > yearAhead.getTime()) {
    throw new InputError(
      'HW_RISK_ACCEPTANCE_INVALID',
      `${article} lasts at most a year (until ${yearAhead.toISOString().slice(0, 10)}), not until ${request.expiresAt.toISOString().slice(0, 10)}; review it again then.`,
      { remedy: { do: 'give', input: 'expiry' } },
    );
  }
  return { reason, by };
}
