import { HerowatchError, InputError } from '../errors.js';
import { withConcurrency } from './middleware/concurrency.js';
import { withConditionalRequests, type EtagCache } from './middleware/conditional.js';
import { withHeaders } from './middleware/headers.js';
import { AnswerWatch, DEFAULT_RETRY, withRetry, type RetryOptions } from './middleware/retry.js';
import { DEFAULT_THROTTLE, RateLimitGauge, withThrottle, type ThrottleOptions } from './middleware/throttle.js';
import { pages, type Page, type PageOptions } from './paginate.js';
import {
  compose,
  fetchTransport,
  undiciDownload,
  undiciDownloadStream,
  undiciSend,
  type Download,
  type DownloadStream,
  type HerokuResponse,
  type Middleware,
  type RequestFn,
  type Send,
} from './transport.js';
import type { Readable } from 'node:stream';

export interface HerokuClientOptions {
  token: string;
  /** The API URL (the configuration derives it from HEROKU_HOST as the Heroku CLI does). */
  apiUrl: string;
  /** How requests reach the network (tests script it); default: undici. */
  send?: Send;
  /** How pre-signed URLs are downloaded; default: undici. */
  download?: Download;
  /** How pre-signed URLs are streamed (slugs); default: undici. */
  downloadStream?: DownloadStream;
  /** Requests in flight at once. */
  concurrency?: number;
  rateLimit?: Partial<ThrottleOptions>;
  retry?: Partial<RetryOptions>;
  etagCache?: EtagCache;
  userAgent?: string;
  timeoutMs?: number;
  /** Ends waits (for the rate limit, before a retry) at once with an InterruptedError. */
  signal?: AbortSignal;
}

export interface ClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Answers served from the ETag cache after a 304. */
  notModified: number;
  retries: number;
  /** Lowest `RateLimit-Remaining` seen, and time spent waiting for the pool. */
  rateLimitLow: number | null;
  throttledMs: number;
  /** Mean time Heroku took to answer (the wire only, no wait for the pool); null before the first answer. */
  answerMs: number | null;
}

/**
 * herowatch's Heroku client: one request function, each concern a wrapper.
 * Outermost first: bounded concurrency, retry with backoff, conditional
 * requests, rate-limit pacing, auth headers, counting, then the transport
 * (which drops secrets as soon as a body is parsed).
 */
export class HerokuClient {
  readonly apiUrl: string;
  /** Requests in flight at most. */
  readonly concurrency: number;
  readonly gauge: RateLimitGauge;
  readonly request: RequestFn;
  private readonly downloader: Download;
  private readonly streamer: DownloadStream;
  private readonly counters = { requests: 0, notModified: 0, retries: 0 };
  private answered = { count: 0, ms: 0 };
  /** The token's OAuth scopes, as Heroku announces them in `Oauth-Scope`; null until seen. */
  scopes: string[] | null = null;
  /** Whether Heroku answers: once it has been silent past the retry bound, `silence` is set and every request fails at once. */
  readonly answers: AnswerWatch;

  constructor(options: HerokuClientOptions) {
    // Refused before any request: undici would fail each one as if the network had.
    if (!/^[\x21-\x7e]+$/.test(options.token)) {
      throw new InputError(
        'HW_INVALID_INPUT',
        'The Heroku token holds characters that cannot be sent in a request (a space, a line break, or a character outside ASCII): check what was pasted or set. (It is not shown.)',
      );
    }
    this.apiUrl = options.apiUrl;
    this.concurrency = options.concurrency ?? 16;
    this.downloader = options.download ?? undiciDownload();
    this.streamer = options.downloadStream ?? undiciDownloadStream();
    this.gauge = new RateLimitGauge({ ...DEFAULT_THROTTLE, ...options.rateLimit, signal: options.signal });
    const count: Middleware = (next) => async (request) => {
      this.counters.requests++;
      const sent = performance.now();
      const response = await next(request);
      this.answered.count++;
      this.answered.ms += performance.now() - sent;
      if (response.status === 304) this.counters.notModified++;
      const scope = response.headers['oauth-scope'];
      if (scope) this.scopes = scope.split(/[\s,]+/).filter(Boolean);
      return response;
    };
    this.answers = new AnswerWatch(options.retry?.now ?? DEFAULT_RETRY.now);
    const middlewares: Middleware[] = [
      withConcurrency(this.concurrency),
      withRetry(
        {
          ...DEFAULT_RETRY,
          ...options.retry,
          signal: options.signal,
          onRetry: (error, attempt, delay) => {
            this.counters.retries++;
            options.retry?.onRetry?.(error, attempt, delay);
          },
        },
        this.answers,
      ),
      ...(options.etagCache ? [withConditionalRequests(options.etagCache)] : []),
      withThrottle(this.gauge),
      withHeaders(options.token, options.userAgent),
      count,
    ];
    this.request = compose(
      fetchTransport({ apiUrl: this.apiUrl, send: options.send ?? undiciSend(this.concurrency * 2), timeoutMs: options.timeoutMs }),
      ...middlewares,
    );
  }

  /**
   * The bytes behind a pre-signed URL Heroku handed out (an audit archive):
   * sent without herowatch's token, bounded in size and time, counted as a
   * request.
   */
  async download(url: string, options: { maxBytes: number; timeoutMs?: number }): Promise<Uint8Array> {
    this.counters.requests++;
    return this.downloader(url, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs ?? 60_000 });
  }

  /**
   * A slug's archive as a stream: its metadata read fresh (the pre-signed
   * `blob.url` in it is used at once, never cached or kept), then the
   * archive streamed from that URL without herowatch's token, bounded in
   * size and time.
   */
  async slugArchive(
    appId: string,
    slugId: string,
    options: { maxBytes: number; timeoutMs?: number },
  ): Promise<{ checksum: string | null; size: number | null; stream: Readable }> {
    const { body } = (await this.request({
      method: 'GET',
      path: `/apps/${encodeURIComponent(appId)}/slugs/${encodeURIComponent(slugId)}`,
      headers: {},
      signedUrl: true,
    })) as HerokuResponse<{ blob?: { url?: unknown }; checksum?: unknown; size?: unknown }>;
    const url = body?.blob?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new HerowatchError('HW_HEROKU_ERROR', `Heroku gave no download URL for slug ${slugId}.`);
    this.counters.requests++;
    const stream = await this.streamer(url, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs ?? 120_000 });
    return { checksum: typeof body.checksum === 'string' ? body.checksum : null, size: typeof body.size === 'number' ? body.size : null, stream };
  }

  async get<T>(path: string, headers: Record<string, string> = {}): Promise<HerokuResponse<T>> {
    return (await this.request({ method: 'GET', path, headers })) as HerokuResponse<T>;
  }

  pages<T>(path: string, options?: PageOptions): AsyncGenerator<Page<T>> {
    return pages<T>(this.request, path, options);
  }

  /** Every item of a list, all pages. */
  async all<T>(path: string, options?: PageOptions): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.pages<T>(path, options)) items.push(...page.items);
    return items;
  }

  get stats(): ClientStats {
    return {
      ...this.counters,
      rateLimitLow: this.gauge.lowWater,
      throttledMs: this.gauge.waitedMs,
      answerMs: this.answered.count === 0 ? null : this.answered.ms / this.answered.count,
    };
  }
}
