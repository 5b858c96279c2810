import { InterruptedError } from '../../errors.js';
import { sleep } from '../../time.js';
import { HerokuApiError, HerokuTransportError, isRetryable } from '../errors.js';
import type { Middleware } from '../transport.js';

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits, ending early when `signal` aborts; injected so tests run in milliseconds. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Ends a backoff at once, with an InterruptedError. */
  signal?: AbortSignal;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  sleep,
  random: Math.random,
};

/**
 * Retries what may succeed on a second try (429, 5xx, dropped connections,
 * cut or garbled bodies) with exponential backoff and full jitter, honouring
 * `Retry-After`. Never retries 400, 401, 403, 404 or 422: those answers
 * would not change; nor a refused connection or an unknown host before the
 * server has ever answered (a wrong address).
 */
export function withRetry(options: Partial<RetryOptions> = {}): Middleware {
  const o = { ...DEFAULT_RETRY, ...options };
  // An address where nothing has ever answered is a wrong address, not a hiccup: said at once.
  let reached = false;
  return (next) => async (request) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await next(request);
        reached = true;
        return response;
      } catch (error) {
        if (error instanceof HerokuApiError) reached = true;
        if (error instanceof HerokuTransportError && error.reason === 'unreachable' && !reached) throw error;
        if (!isRetryable(error) || attempt >= o.retries) throw error;
        const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
        let delay = Math.round(ceiling / 2 + (ceiling / 2) * o.random());
        if (error instanceof HerokuApiError && error.retryAfter !== null) delay = Math.max(delay, error.retryAfter * 1000);
        o.onRetry?.(error, attempt + 1, delay);
        await o.sleep(delay, o.signal);
        if (o.signal?.aborted) throw new InterruptedError('Interrupted while waiting to retry a request.');
      }
    }
  };
}
