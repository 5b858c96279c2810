import { holdsSignedUrl } from '../sanitize.js';
import type { HerokuRequest, Middleware } from '../transport.js';

/** A cached answer: sanitized body and the headers needed to go on paging. */
export interface CachedResponse {
  etag: string;
  status: number;
  body: unknown;
  nextRange: string | null;
}

/**
 * Where conditional answers are kept. The ETag of each request is asked for
 * before it is sent; the answer itself only after a 304, so a cache can keep
 * the ETags at hand and the bodies elsewhere (a run's memory then does not
 * hold every answer it has ever had).
 */
export interface EtagCache {
  /** The ETag of the last answer kept for this request. */
  etag(key: string): Promise<string | undefined>;
  /** The answer kept for this request. */
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, entry: CachedResponse): Promise<void>;
}

export function memoryEtagCache(): EtagCache & { size(): number } {
  const entries = new Map<string, CachedResponse>();
  return {
    etag: async (key) => entries.get(key)?.etag,
    get: async (key) => entries.get(key),
    set: async (key, entry) => void entries.set(key, entry),
    size: () => entries.size,
  };
}

/**
 * Conditional GETs: sends `If-None-Match` with the ETag of the last answer to
 * the same request (path and Range), and answers a 304 from the cache. The
 * cache holds sanitized bodies only, and never an answer holding a signed URL.
 */
export function withConditionalRequests(cache: EtagCache): Middleware {
  return (next) => async (request: HerokuRequest) => {
    if (request.method !== 'GET' || request.signedUrl || holdsSignedUrl(request.path)) return next(request);
    const key = `${request.path}|${request.headers.Range ?? ''}`;
    const known = await cache.etag(key);
    const response = await next(known ? { ...request, headers: { ...request.headers, 'If-None-Match': known } } : request);
    if (response.status === 304 && known) {
      const cached = await cache.get(key);
      // Gone from the cache since (or never whole): asked again, unconditionally.
      if (!cached || cached.etag !== known) return next(request);
      const headers = { ...response.headers };
      if (cached.nextRange) headers['next-range'] = cached.nextRange;
      return { status: cached.status, headers, body: cached.body, fromCache: true };
    }
    const etag = response.headers.etag;
    if (etag && response.status < 300) {
      await cache.set(key, { etag, status: response.status, body: response.body, nextRange: response.headers['next-range'] ?? null });
    }
    return response;
  };
}
