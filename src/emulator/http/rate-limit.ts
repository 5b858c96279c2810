/**
 * Heroku's per-account request budget as a generic cell rate algorithm
 * (GCRA): a pool of `poolSize` tokens that refills continuously at
 * `refillPerMinute`. `timeScale` speeds the clock up (10 = refills ten times
 * faster) so tests can drain and refill a pool in seconds.
 */
export interface RateLimitOptions {
  poolSize: number;
  refillPerMinute: number;
  timeScale: number;
  /** Seconds to advertise in `Retry-After` on a 429; unconfirmed for v3, so off by default. */
  retryAfter: boolean;
  /** Whether a 304 Not Modified costs a token (unconfirmed; Heroku's docs say every request counts). */
  count304: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  poolSize: 4500,
  refillPerMinute: 75,
  timeScale: 1,
  retryAfter: false,
  count304: true,
};

export interface Decision {
  allowed: boolean;
  /** Tokens left after this request. */
  remaining: number;
  /** Real seconds until one token is back, when refused. */
  retryAfterSeconds: number;
}

export class RateLimiter {
  /** Theoretical arrival time per account, in scaled milliseconds. */
  private readonly tat = new Map<string, number>();
  private readonly started: number;

  constructor(
    readonly options: RateLimitOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.started = clock();
  }

  private get interval(): number {
    return 60_000 / this.options.refillPerMinute;
  }

  private scaledNow(): number {
    return (this.clock() - this.started) * this.options.timeScale;
  }

  remaining(account: string): number {
    const now = this.scaledNow();
    const tat = Math.max(this.tat.get(account) ?? now, now);
    return Math.max(0, Math.floor((this.options.poolSize * this.interval - (tat - now)) / this.interval));
  }

  /** Takes `cost` tokens if the pool has them; `at` (the clock's reading) for a request made earlier than now, in time order. */
  take(account: string, cost = 1, at?: number): Decision {
    const now = at === undefined ? this.scaledNow() : (at - this.started) * this.options.timeScale;
    const tat = Math.max(this.tat.get(account) ?? now, now);
    const capacity = this.options.poolSize * this.interval;
    const next = tat + cost * this.interval;
    if (next - now > capacity) {
      const wait = (next - now - capacity) / this.options.timeScale;
      return { allowed: false, remaining: this.remaining(account), retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    this.tat.set(account, next);
    return { allowed: true, remaining: Math.floor((capacity - (next - now)) / this.interval), retryAfterSeconds: 0 };
  }

  /** Gives back tokens taken for a request that turned out not to count. */
  refund(account: string, cost = 1): void {
    const tat = this.tat.get(account);
    if (tat !== undefined) this.tat.set(account, tat - cost * this.interval);
  }

  /** Empties an account's pool (tests: "the pool is nearly empty"). */
  drain(account: string, leave = 0): void {
    const now = this.scaledNow();
    this.tat.set(account, now + (this.options.poolSize - leave) * this.interval);
  }

  reset(): void {
    this.tat.clear();
  }
}
