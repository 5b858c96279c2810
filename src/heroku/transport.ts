import { Agent, request, type Dispatcher } from 'undici';
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

/** One HTTP exchange, body read in full: the only thing the transport needs from the network. */
export interface RawResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  text: string;
}

export type Send = (url: string, init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number }) => Promise<RawResponse>;

export interface TransportOptions {
  apiUrl: string;
  /** How requests reach the network; default: undici (see undiciSend). Tests script it. */
  send?: Send;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
}

/**
 * The one place herowatch talks HTTP to Heroku: sends the request, reads the
 * whole body, parses it, drops secrets, and turns error statuses into
 * HerokuApiError. Everything else (auth, retries, pacing) wraps this.
 */
export function fetchTransport(options: TransportOptions): RequestFn {
  const send = options.send ?? undiciSend();
  const base = options.apiUrl.replace(/\/+$/, '');
  return async (request: HerokuRequest): Promise<HerokuResponse> => {
    let raw: RawResponse;
    try {
      raw = await send(`${base}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        timeoutMs: options.timeoutMs ?? 60_000,
      });
    } catch (error) {
      throw transportError(error, request);
    }
    const { headers, text } = raw;
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new HerokuTransportError('malformed', request.method, request.path, (error as Error).message);
      }
    }
    if (raw.status >= 400) {
      const error = (body ?? {}) as { id?: unknown; message?: unknown };
      const retryAfter = headers['retry-after'] ? Number(headers['retry-after']) : null;
      throw new HerokuApiError(
        raw.status,
        typeof error.id === 'string' ? error.id : null,
        typeof error.message === 'string' ? error.message : (raw.statusText ?? `HTTP ${raw.status}`),
        request.method,
        request.path,
        headers['request-id'] ?? null,
        Number.isFinite(retryAfter) ? retryAfter : null,
        headers['ratelimit-remaining'] === undefined ? null : Number(headers['ratelimit-remaining']),
      );
    }
    return { status: raw.status, headers, body: sanitizeBody(request.path, body) };
  };
}

/**
 * Sends with undici's request API over a keep-alive pool: the same engine
 * as Node's fetch without the fetch spec's per-request overhead, which
 * matters at thousands of requests per sync.
 */
export function undiciSend(connections = 32): Send {
  const agent = new Agent({ connections, keepAliveTimeout: 10_000 });
  return async (url, init) => {
    const response = await request(url, {
      method: init.method as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body,
      dispatcher: agent,
      headersTimeout: init.timeoutMs,
      bodyTimeout: init.timeoutMs,
    });
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw Object.assign(new Error('response body cut short'), { kind: 'truncated', cause: error });
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(response.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    return { status: response.statusCode, headers, text };
  };
}

function transportError(error: unknown, request: HerokuRequest): HerokuTransportError {
  const cause = error as { name?: string; code?: string; kind?: string; cause?: { code?: string; message?: string }; message?: string };
  const detail = cause.code ?? cause.cause?.code ?? cause.cause?.message ?? cause.message ?? String(error);
  if (cause.name === 'TimeoutError' || cause.name === 'AbortError' || /TIMEOUT/.test(cause.code ?? '')) return new HerokuTransportError('timeout', request.method, request.path, detail);
  return new HerokuTransportError(cause.kind === 'truncated' ? 'truncated' : 'network', request.method, request.path, detail);
}

/** Applies middlewares so that the first listed is the outermost. */
export function compose(transport: RequestFn, ...middlewares: Middleware[]): RequestFn {
  return middlewares.reduceRight<RequestFn>((next, middleware) => middleware(next), transport);
}
