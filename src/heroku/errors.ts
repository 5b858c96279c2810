/**
 * Errors from talking to Heroku. Decisions (retry or not, coverage gap or
 * failure) are taken on `status` and Heroku's error `id`, never on message
 * text. No error ever carries the token: only method, path and ids.
 */
export class HerokuApiError extends Error {
  constructor(
    readonly status: number,
    /** Heroku's error id (`not_found`, `forbidden`, `rate_limit`...), when the body had one. */
    readonly id: string | null,
    readonly herokuMessage: string,
    readonly method: string,
    readonly path: string,
    readonly requestId: string | null,
    /** Seconds from `Retry-After`, when Heroku sent one. */
    readonly retryAfter: number | null = null,
    /** `RateLimit-Remaining` of the error response. */
    readonly rateLimitRemaining: number | null = null,
  ) {
    super(`${method} ${path}: ${status}${id ? ` ${id}` : ''}: ${herokuMessage}${requestId ? ` (request ${requestId})` : ''}`);
    this.name = 'HerokuApiError';
  }
}

/** The connection failed or the body was cut or not JSON: worth retrying. */
export class HerokuTransportError extends Error {
  constructor(
    readonly kind: 'network' | 'truncated' | 'malformed' | 'timeout',
    readonly method: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${method} ${path}: ${kind === 'network' ? 'connection failed' : kind === 'timeout' ? 'timed out' : kind === 'truncated' ? 'response cut short' : 'response is not valid JSON'} (${detail})`);
    this.name = 'HerokuTransportError';
  }
}

const NEVER_RETRY = new Set([400, 401, 402, 403, 404, 406, 410, 412, 416, 422]);

/** Whether trying the same request again may succeed. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HerokuTransportError) return true;
  if (error instanceof HerokuApiError) return !NEVER_RETRY.has(error.status) && (error.status === 429 || error.status >= 500);
  return false;
}
