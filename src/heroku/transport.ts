import { Transform, type Readable } from 'node:stream';
import type * as Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import { HerokuApiError, HerokuTransportError } from './errors.js';
import { sanitizeBody } from './sanitize.js';

export interface HerokuRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/apps/acme/releases`. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  /**
   * The answer carries a pre-signed download URL to be used at once (a
   * slug's `blob.url`): it is kept in the body handed back, and the answer
   * is never cached. Every other answer loses such URLs at the boundary.
   */
  signedUrl?: boolean;
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
      throw transportError(error, request, base);
    }
    const { headers, text } = raw;
    const failed = raw.status < 200 || (raw.status >= 300 && raw.status !== 304);
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        // An error answer that is not JSON is still an answer, with its status (a 404 page of a server that is not Heroku's API is not retried).
        if (!failed) throw new HerokuTransportError('malformed', request.method, request.path, `${text.length} bytes`);
        body = {
          message: `HTTP ${raw.status}, and the answer is not JSON (${headers['content-type']?.split(';')[0] ?? 'no content type'}, ${text.length} bytes): is this Heroku's API?`,
        };
      }
    }
    // Only 2xx is success (304 is answered from the ETag cache by the conditional middleware); a redirect is never followed.
    if (failed) {
      // Heroku words one error (missing_version) under `error` rather than `message`.
      const error = (body ?? {}) as { id?: unknown; message?: unknown; error?: unknown };
      const retryAfter = headers['retry-after'] ? Number(headers['retry-after']) : null;
      const scopes = (name: string): string[] | null => (headers[name] ? headers[name].split(/[\s,]+/).filter(Boolean) : null);
      throw new HerokuApiError({
        status: raw.status,
        id: typeof error.id === 'string' ? error.id : null,
        message:
          typeof error.message === 'string' ? error.message : typeof error.error === 'string' ? error.error.trim() : (raw.statusText ?? `HTTP ${raw.status}`),
        method: request.method,
        path: request.path,
        requestId: headers['request-id'] ?? null,
        retryAfter: Number.isFinite(retryAfter) ? retryAfter : null,
        rateLimitRemaining: headers['ratelimit-remaining'] === undefined ? null : Number(headers['ratelimit-remaining']),
        oauthScope: scopes('oauth-scope'),
        oauthScopeAccepted: scopes('oauth-scope-accepted'),
        secrets: requestSecrets(request),
      });
    }
    return { status: raw.status, headers, body: sanitizeBody(request.path, body, { keepSignedUrl: request.signedUrl === true }) };
  };
}

/** undici, loaded on the first request: a command that never calls Heroku does not pay for it at start-up. */
let undici: Promise<typeof Undici> | undefined;
function loadUndici(): Promise<typeof Undici> {
  return (undici ??= import('undici'));
}

/**
 * Sends with undici's request API over a keep-alive pool: the same engine
 * as Node's fetch without the fetch spec's per-request overhead, which
 * matters at thousands of requests per sync.
 */
export function undiciSend(connections = 32): Send {
  let agent: Agent | undefined;
  return async (url, init) => {
    const { Agent, request } = await loadUndici();
    agent ??= new Agent({ connections, keepAliveTimeout: 10_000 });
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

function transportError(error: unknown, request: HerokuRequest, base: string): HerokuTransportError {
  const cause = error as { name?: string; code?: string; kind?: string; cause?: { code?: string; message?: string }; message?: string };
  const detail = cause.code ?? cause.cause?.code ?? cause.cause?.message ?? cause.message ?? String(error);
  if (cause.name === 'TimeoutError' || cause.name === 'AbortError' || /TIMEOUT/.test(cause.code ?? ''))
    return new HerokuTransportError('timeout', request.method, request.path, detail);
  const code = cause.code ?? cause.cause?.code;
  // Nothing listens there, or no such host: said as such, with the address (an origin, which holds no secret).
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND')
    return new HerokuTransportError('unreachable', request.method, request.path, `${new URL(base).origin}: ${code}`);
  return new HerokuTransportError(cause.kind === 'truncated' ? 'truncated' : 'network', request.method, request.path, detail);
}

/** The credential a request carries, so that nothing a server echoes back can repeat it. */
function requestSecrets(request: HerokuRequest): string[] {
  const authorization = request.headers.Authorization ?? request.headers.authorization;
  return authorization ? [authorization.replace(/^\S+\s+/, '')] : [];
}

/** Fetches a pre-signed URL's bytes (no token is sent: the URL carries its own authorization). */
export type Download = (url: string, options: { timeoutMs: number; maxBytes: number }) => Promise<Uint8Array>;

/** A download as a stream: the body flows as it comes, and errors past `maxBytes` or a stall of `timeoutMs`. */
export type DownloadStream = (url: string, options: { timeoutMs: number; maxBytes: number }) => Promise<Readable>;

/**
 * Streams a pre-signed URL over undici, without herowatch's token; only a
 * 2xx counts, a redirect is not followed, and the body errors as soon as it
 * passes `maxBytes` (a slug is never held whole).
 */
export function undiciDownloadStream(): DownloadStream {
  return async (url, options) => {
    const origin = new URL(url).origin;
    let response: Dispatcher.ResponseData;
    const { request } = await loadUndici();
    try {
      response = await request(url, { method: 'GET', headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
    } catch (error) {
      throw new HerokuTransportError('network', 'GET', origin, (error as { code?: string }).code ?? '');
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump().catch(() => {});
      throw new HerokuApiError({ status: response.statusCode, id: null, message: 'download refused', method: 'GET', path: origin });
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      response.body.destroy();
      throw new HerokuTransportError('truncated', 'GET', origin, `larger than ${options.maxBytes} bytes`);
    }
    let size = 0;
    const bounded = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > options.maxBytes) done(new HerokuTransportError('truncated', 'GET', origin, `larger than ${options.maxBytes} bytes`));
        else done(null, chunk);
      },
    });
    response.body.on('error', (error: Error & { code?: string }) =>
      bounded.destroy(new HerokuTransportError('truncated', 'GET', origin, error.code ?? error.message)),
    );
    return response.body.pipe(bounded);
  };
}

/**
 * Downloads over undici, bounded in time and size: the stream above,
 * collected. Errors name the URL's origin only (its query is the signature).
 */
export function undiciDownload(): Download {
  const stream = undiciDownloadStream();
  return async (url, options) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await stream(url, options)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  };
}

/** Applies middlewares so that the first listed is the outermost. */
export function compose(transport: RequestFn, ...middlewares: Middleware[]): RequestFn {
  return middlewares.reduceRight<RequestFn>((next, middleware) => middleware(next), transport);
}
