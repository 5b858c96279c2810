import { InterruptedError } from '../../errors.js';
import { sleep } from '../../time.js';
import { HerokuApiError, HerokuTransportError, HerokuUnreachableError, isRetryable } from '../errors.js';
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
  /** How long Heroku may give no answer (no response, or server errors only) before every request stops with HerokuUnreachableError. */
  unreachableMs: number;
  now: () => number;
}

/** The client's view of whether Heroku answers: shared by every request it makes. */
export class AnswerWatch {
  private lastAnswerAt: number;
  /** Set once Heroku has been silent past the bound: every request after fails at once with it. */
  silence: HerokuUnreachableError | null = null;

  constructor(private readonly now: () => number) {
    this.lastAnswerAt = now();
  }

  answered(): void {
    this.lastAnswerAt = this.now();
  }

  /** The error to stop with when Heroku has been silent past `boundMs`, having last failed with `error`. */
  check(boundMs: number, error: unknown): void {
    const silentMs = this.now() - this.lastAnswerAt;
    if (silentMs > boundMs) this.silence ??= new HerokuUnreachableError(silentMs, (error as Error)?.message ?? String(error));
    if (this.silence) throw this.silence;
  }
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  sleep,
  random: Math.random,
  unreachableMs: 120_000,
  now: Date.now,
};

/**
 * Retries what may succeed on a second try (429, 5xx, dropped connections,
 * cut or garbled bodies) with exponential backoff and full jitter, honouring
 * `Retry-After`. Never retries 400, 401, 403, 404 or 422: those answers
 * would not change; nor a refused connection or an unknown host before the
 * server has ever answered (a wrong address).
 */
export function withRetry(options: Partial<RetryOptions> = {}, watch: AnswerWatch = new AnswerWatch(options.now ?? DEFAULT_RETRY.now)): Middleware {
  const o = { ...DEFAULT_RETRY, ...options };
  // An address where nothing has ever answered is a wrong address, not a hiccup: said at once.
  let reached = false;
  return (next) => async (request) => {
    // Heroku silent past the bound: no request goes out any more.
    if (watch.silence) throw watch.silence;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await next(request);
        reached = true;
        watch.answered();
        return response;
      } catch (error) {
        if (error instanceof HerokuApiError) {
          reached = true;
          // An answer, even a refusal; a server error is not one.
          if (error.status < 500) watch.answered();
        }
        if (error instanceof HerokuTransportError && error.reason === 'unreachable' && !reached) throw error;
        if (!isRetryable(error)) throw error;
        if (error instanceof HerokuTransportError || (error instanceof HerokuApiError && error.status >= 500)) watch.check(o.unreachableMs, error);
        if (attempt >= o.retries) throw error;
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
