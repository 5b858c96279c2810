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
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  poolSize: 4500,
  reserveRatio: 0.1,
  refillPerMinute: 75,
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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
  /** Time spent waiting for the pool to refill. */
  waitedMs = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly options: ThrottleOptions) {}

  get reserve(): number {
    return Math.ceil(this.options.poolSize * this.options.reserveRatio);
  }

  private get msPerToken(): number {
    return 60_000 / this.options.refillPerMinute;
  }

  /** Tokens available now, by the last observation; null before the first. */
  estimate(): number | null {
    if (this.remaining === null) return null;
    const refilled = (this.options.now() - this.observedAt) / this.msPerToken;
    return Math.min(this.options.poolSize, this.remaining + refilled);
  }


  /** Records `RateLimit-Remaining` from the answer to request number `seq`. */
  observe(seq: number, remaining: number): void {
    this.lowWater = this.lowWater === null ? remaining : Math.min(this.lowWater, remaining);
    const current = this.estimate();
    // An answer overtaken by a later one only ever lowers the estimate.
    if (seq > this.lastSeq || current === null || remaining < current) {
      this.remaining = remaining;
      this.observedAt = this.options.now();
      this.lastSeq = Math.max(this.lastSeq, seq);
    }
  }

  /**
   * Waits until one more request leaves the reserve intact, then counts it
   * in flight (in the same step, so concurrent callers never share a
   * decision). Returns the request's sequence number.
   */
  async acquire(): Promise<number> {
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
      await this.wait(Math.max(20, Math.ceil(deficit * this.msPerToken)));
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

  private async wait(ms: number): Promise<void> {
    this.waitedMs += ms;
    await this.options.sleep(ms);
  }
}

/**
 * Paces requests so the account's pool never drops into the reserve: instead
 * of running into 429s, the client waits for the pool to refill.
 */
export function withThrottle(gauge: RateLimitGauge): Middleware {
  return (next) => async (request) => {
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
}
