import { InterruptedError } from '../../errors.js';
import { sleep } from '../../time.js';
import { HerokuApiError } from '../errors.js';
import type { Middleware } from '../transport.js';

export interface ThrottleOptions {
  /** The account's pool (Heroku: 4,500). */
  poolSize: number;
  /** Share of the pool left untouched for the people and deploys sharing the account. */
  reserveRatio: number;
  /** Heroku refills about 75 tokens a minute. */
  refillPerMinute: number;
  now: () => number;
  /** Waits; ends early when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A wait longer than this first asks the pool how full it is (`GET /account/rate-limits`, which costs nothing). */
  probeAfterMs: number;
  /** Ends any wait at once, with an InterruptedError (Ctrl-C, SIGTERM). */
  signal?: AbortSignal;
  /** Told when requests wait for the pool, and how long for. */
  onWait?: (wait: RateLimitWait) => void;
}

/** Requests waiting for the pool: what is left, the reserve kept, and when they resume. */
export interface RateLimitWait {
  remaining: number;
  reserve: number;
  pool: number;
  resumesInMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  poolSize: 4500,
  reserveRatio: 0.1,
  refillPerMinute: 75,
  now: () => performance.now(),
  sleep,
  probeAfterMs: 3000,
};

/**
 * What the client knows of the account's rate-limit pool: the last
 * `RateLimit-Remaining` it saw, refilled at the known rate since, minus the
 * requests still in flight.
 */
export class RateLimitGauge {
  private remaining: number | null = null;
  private observedAt = 0;
  private lastSeq = 0;
  private seq = 0;
  inFlight = 0;
  /** The lowest `RateLimit-Remaining` seen. */
  lowWater: number | null = null;
  /** The most the pool has been seen to hold: it is at least this big. */
  private ceiling = 0;
  /** The pool's size when it was seen full below the configured size (it did not refill past it); null while not seen. */
  private fullAt: number | null = null;
  /** Reads how many tokens are left without spending one (set by withThrottle); null when it cannot tell. */
  probe: (() => Promise<number | null>) | null = null;
  private probing: Promise<void> | null = null;
  /** Time during which requests waited for the pool to refill (wall-clock: many waiting at once count once). */
  private waitedFor = 0;
  private waiting = 0;
  private waitingSince = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly options: ThrottleOptions) {}

  /**
   * The pool as far as it is known: the configured size, or less once the
   * pool was seen full below it (time passed, and it did not refill past
   * the most it ever held). An account's pool can be smaller, as an
   * emulator's is; the reserve is then a share of the real pool, instead of
   * a wait for tokens that never come.
   */
  get pool(): number {
    return Math.min(this.options.poolSize, this.fullAt ?? this.options.poolSize);
  }

  get reserve(): number {
    return Math.ceil(this.pool * this.options.reserveRatio);
  }

  private get msPerToken(): number {
    return 60_000 / this.options.refillPerMinute;
  }

  /** Tokens available now, by the last observation; null before the first. */
  estimate(): number | null {
    if (this.remaining === null) return null;
    const refilled = (this.options.now() - this.observedAt) / this.msPerToken;
    return Math.min(this.pool, this.remaining + refilled);
  }

  /** Records `RateLimit-Remaining` from the answer to request number `seq`. */
  observe(seq: number, remaining: number): void {
    this.lowWater = this.lowWater === null ? remaining : Math.min(this.lowWater, remaining);
    this.learnSize(remaining, 1);
    const current = this.estimate();
    // An answer overtaken by a later one only ever lowers the estimate.
    if (seq > this.lastSeq || current === null || remaining < current) {
      this.remaining = remaining;
      this.observedAt = this.options.now();
      this.lastSeq = Math.max(this.lastSeq, seq);
    }
  }

  /**
   * Learns the pool's size from a reading of what it held (after `spent`
   * tokens of the request it answers): a pool that,
   * given time to refill by two tokens or more, holds no more than the most
   * it was ever seen to hold is full, and that is its size. Readings are
   * whole tokens of a pool that refills continuously, so one token either
   * way is noise.
   */
  private learnSize(held: number, spent: number): void {
    const predicted = this.estimate();
    if (this.fullAt !== null && held > this.fullAt + 1) this.fullAt = null; // it holds more after all
    if (predicted !== null && this.ceiling > 0 && held >= this.ceiling - 1 && predicted - spent - held >= 2) this.fullAt = Math.max(this.ceiling, held);
    this.ceiling = Math.max(this.ceiling, held);
  }

  /** Asks the pool how full it is, without spending a token; those who ask meanwhile wait for the same answer. */
  private async probeNow(): Promise<void> {
    const probe = this.probe;
    if (!probe) return;
    this.probing ??= (async () => {
      const remaining = await probe();
      if (remaining === null) return;
      this.learnSize(remaining, 0);
      this.remaining = remaining;
      this.observedAt = this.options.now();
    })().finally(() => (this.probing = null));
    await this.probing;
  }

  /**
   * Waits until one more request leaves the reserve intact, then counts it
   * in flight (in the same step, so concurrent callers never share a
   * decision). Returns the request's sequence number.
   */
  async acquire(): Promise<number> {
    let looked = false;
    for (;;) {
      const estimate = this.estimate();
      if (estimate === null) {
        // Nothing known yet: let one request through to learn the pool, the rest wait for its answer.
        if (this.inFlight === 0) return this.issue();
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      const deficit = this.reserve + 1 + this.inFlight - estimate;
      if (deficit <= 0) return this.issue();
      const waitMs = Math.max(20, Math.ceil(deficit * this.msPerToken));
      const tell = (): void => this.options.onWait?.({ remaining: Math.floor(estimate), reserve: this.reserve, pool: this.pool, resumesInMs: waitMs });
      // A long wait may be for tokens a small pool never holds: look first (and tell once looked, when the wait is known).
      if (this.probe && waitMs > this.options.probeAfterMs) {
        if (looked) tell();
        await this.wait(this.options.probeAfterMs);
        await this.probeNow();
        looked = true;
        continue;
      }
      tell();
      await this.wait(waitMs);
    }
  }

  private issue(): number {
    this.inFlight++;
    return ++this.seq;
  }

  /**
   * A 429: the pool is empty, or someone's burst emptied it for a moment.
   * Forget the estimate; the next request (sent after the retry backoff)
   * probes the pool and its answer says which.
   */
  unknown(): void {
    this.lowWater = 0;
    this.remaining = null;
  }

  /** A request finished: wake those waiting to learn the pool. */
  release(): void {
    this.inFlight--;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  get waitedMs(): number {
    return this.waitedFor + (this.waiting > 0 ? this.options.now() - this.waitingSince : 0);
  }

  private async wait(ms: number): Promise<void> {
    const { signal } = this.options;
    if (signal?.aborted) throw new InterruptedError('Interrupted while waiting for the rate limit.');
    if (this.waiting++ === 0) this.waitingSince = this.options.now();
    try {
      await this.options.sleep(ms, signal);
    } finally {
      if (--this.waiting === 0) this.waitedFor += this.options.now() - this.waitingSince;
    }
    if (signal?.aborted) throw new InterruptedError('Interrupted while waiting for the rate limit.');
  }
}

/**
 * Paces requests so the account's pool never drops into the reserve: instead
 * of running into 429s, the client waits for the pool to refill.
 */
export function withThrottle(gauge: RateLimitGauge): Middleware {
  return (next) => {
    gauge.probe = async () => {
      try {
        const response = await next({ method: 'GET', path: '/account/rate-limits', headers: {} });
        const remaining = Number((response.body as { remaining?: unknown } | null)?.remaining);
        return Number.isFinite(remaining) ? remaining : null;
      } catch {
        return null;
      }
    };
    return async (request) => {
      const seq = await gauge.acquire();
      try {
        const response = await next(request);
        const remaining = Number(response.headers['ratelimit-remaining']);
        if (Number.isFinite(remaining)) gauge.observe(seq, remaining);
        return response;
      } catch (error) {
        if (error instanceof HerokuApiError) {
          if (error.status === 429) gauge.unknown();
          else if (error.rateLimitRemaining !== null) gauge.observe(seq, error.rateLimitRemaining);
        }
        throw error;
      } finally {
        gauge.release();
      }
    };
  };
}
