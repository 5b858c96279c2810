import { HerowatchError } from '../errors.js';
import { scrubServerText } from './sanitize.js';

export interface HerokuApiErrorOptions {
  status: number;
  /** Heroku's error id (`not_found`, `forbidden`, `rate_limit`...), when the body had one. */
  id: string | null;
  /** Heroku's message; scrubbed of anything secret-looking before it is kept. */
  message: string;
  method: string;
  path: string;
  requestId?: string | null;
  /** Seconds from `Retry-After`, when Heroku sent one. */
  retryAfter?: number | null;
  /** `RateLimit-Remaining` of the error response. */
  rateLimitRemaining?: number | null;
  /** The token's scopes (`Oauth-Scope`) and the scopes the endpoint accepts (`Oauth-Scope-Accepted`), when sent. */
  oauthScope?: string[] | null;
  oauthScopeAccepted?: string[] | null;
  /** Values to scrub from Heroku's message (the token the request carried); never kept. */
  secrets?: readonly string[];
}

/**
 * Heroku answered with an error status. Decisions (retry or not, coverage gap
 * or failure) are taken on `status`, Heroku's error `id` and the scope
 * headers, never on message text. No error ever carries the token: only
 * method, path and ids.
 */
export class HerokuApiError extends HerowatchError {
  readonly status: number;
  readonly id: string | null;
  readonly herokuMessage: string;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | null;
  readonly retryAfter: number | null;
  readonly rateLimitRemaining: number | null;
  readonly oauthScope: string[] | null;
  readonly oauthScopeAccepted: string[] | null;

  constructor(options: HerokuApiErrorOptions) {
    const herokuMessage = scrubServerText(options.message, options.secrets);
    // An id and a request id come from the server too, and are kept and shown: only in the shapes Heroku gives them.
    const requestId = options.requestId && /^[\w.-]{1,100}$/.test(options.requestId) ? options.requestId : null;
    const id = options.id && /^[a-z][a-z0-9_]{0,63}$/.test(options.id) ? options.id : null;
    super(
      options.status === 401 || options.status === 403 ? 'HW_HEROKU_FORBIDDEN' : 'HW_HEROKU_ERROR',
      `${options.method} ${options.path}: ${options.status}${id ? ` ${id}` : ''}: ${herokuMessage}${requestId ? ` (request ${requestId})` : ''}`,
    );
    this.status = options.status;
    this.id = id;
    this.herokuMessage = herokuMessage;
    this.method = options.method;
    this.path = options.path;
    this.requestId = requestId;
    this.retryAfter = options.retryAfter ?? null;
    this.rateLimitRemaining = options.rateLimitRemaining ?? null;
    this.oauthScope = options.oauthScope ?? null;
    this.oauthScopeAccepted = options.oauthScopeAccepted ?? null;
  }

  /** Heroku refused the token's OAuth scope for this endpoint (as its scope headers tell), rather than the account's access. */
  get scopeRefused(): boolean {
    if (this.status !== 403 || !this.oauthScope || !this.oauthScopeAccepted) return false;
    const accepted = new Set(this.oauthScopeAccepted);
    return !this.oauthScope.some((scope) => accepted.has(scope));
  }
}

/** The connection failed or the body was cut or not JSON: worth retrying. */
const TRANSPORT_FAILURES = {
  network: 'connection failed',
  unreachable: 'nothing answers at this address; check the API URL (HEROKU_HOST or --api-url)',
  truncated: 'response cut short',
  malformed: 'response is not valid JSON',
  timeout: 'timed out',
} as const;

export class HerokuTransportError extends HerowatchError {
  constructor(
    readonly reason: 'network' | 'unreachable' | 'truncated' | 'malformed' | 'timeout',
    readonly method: string,
    readonly path: string,
    detail: string,
  ) {
    super('HW_HEROKU_TRANSPORT', `${method} ${path}: ${TRANSPORT_FAILURES[reason]}${detail ? ` (${scrubServerText(detail)})` : ''}`);
  }
}

/**
 * Heroku has given no answer (none at all, or only server errors) for
 * longer than the client's bound: the work that needed it stops at once,
 * whole, rather than one request at a time for every list it had left.
 */
export class HerokuUnreachableError extends HerowatchError {
  constructor(
    readonly silentMs: number,
    readonly last: string,
  ) {
    super(
      'HW_HEROKU_UNREACHABLE',
      `Heroku has not answered for ${Math.round(silentMs / 1000)} s (last: ${last}), so the work stopped: check the network and Heroku's status (status.heroku.com), then try again.`,
    );
  }
}

const NEVER_RETRY = new Set([400, 401, 402, 403, 404, 406, 410, 412, 416, 422]);

/** Whether trying the same request again may succeed. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HerokuTransportError) return true;
  if (error instanceof HerokuApiError) return !NEVER_RETRY.has(error.status) && (error.status === 429 || error.status >= 500);
  return false;
}
