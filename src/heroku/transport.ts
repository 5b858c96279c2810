import { HerokuApiError, HerokuTransportError } from './errors.js';
import { sanitizeBody } from './sanitize.js';

export interface HerokuRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/apps/acme/releases`. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface HerokuResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** The parsed body, already sanitized (see sanitize.ts); undefined for 304. */
  body: T;
  /** True when a 304 was answered from the ETag cache. */
  fromCache?: boolean;
}

export type RequestFn = (request: HerokuRequest) => Promise<HerokuResponse>;
/** A concern wrapped around the next function in the chain. */
export type Middleware = (next: RequestFn) => RequestFn;

export interface TransportOptions {
  apiUrl: string;
  fetch?: typeof fetch;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
}

/**
 * The one place herowatch talks HTTP to Heroku: sends the request, reads the
 * whole body, parses it, drops secrets, and turns error statuses into
 * HerokuApiError. Everything else (auth, retries, pacing) wraps this.
 */
export function fetchTransport(options: TransportOptions): RequestFn {
  const doFetch = options.fetch ?? fetch;
  const base = options.apiUrl.replace(/\/+$/, '');
  return async (request: HerokuRequest): Promise<HerokuResponse> => {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(`${base}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw transportError(error, 'network', request);
    }
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(error, 'truncated', request);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new HerokuTransportError('malformed', request.method, request.path, (error as Error).message);
      }
    }
    if (response.status >= 400) {
      const error = (body ?? {}) as { id?: unknown; message?: unknown };
      const retryAfter = headers['retry-after'] ? Number(headers['retry-after']) : null;
      throw new HerokuApiError(
        response.status,
        typeof error.id === 'string' ? error.id : null,
        typeof error.message === 'string' ? error.message : response.statusText,
        request.method,
        request.path,
        headers['request-id'] ?? null,
        Number.isFinite(retryAfter) ? retryAfter : null,
        headers['ratelimit-remaining'] === undefined ? null : Number(headers['ratelimit-remaining']),
      );
    }
    return { status: response.status, headers, body: sanitizeBody(request.path, body) };
  };
}

function transportError(error: unknown, kind: 'network' | 'truncated', request: HerokuRequest): HerokuTransportError {
  const cause = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return new HerokuTransportError('timeout', request.method, request.path, cause.message ?? 'aborted');
  return new HerokuTransportError(kind, request.method, request.path, cause.cause?.code ?? cause.cause?.message ?? cause.message ?? String(error));
}

/** Applies middlewares so that the first listed is the outermost. */
export function compose(transport: RequestFn, ...middlewares: Middleware[]): RequestFn {
  return middlewares.reduceRight<RequestFn>((next, middleware) => middleware(next), transport);
}
