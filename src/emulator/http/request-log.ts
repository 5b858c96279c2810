/** One request as the emulator saw it: what the tests and the benchmark count. */
export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  /** Path and query, as requested. */
  path: string;
  status: number;
  /** Email of the token's account; null when unauthenticated. */
  account: string | null;
  /** Rate-limit tokens the request cost. */
  cost: number;
  /** `RateLimit-Remaining` after the request, when authenticated. */
  remaining: number | null;
  range: string | null;
  fault: string | null;
  durationMs: number;
}

/**
 * An in-memory log of API requests, bounded: past `limit` entries the oldest
 * are dropped, but the totals keep counting.
 */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;
  totals = { requests: 0, cost: 0 };

  constructor(private readonly limit = 1_000_000) {}

  add(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest {
    const logged = { seq: ++this.seq, ...entry };
    this.entries.push(logged);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    this.totals.requests++;
    this.totals.cost += entry.cost;
    return logged;
  }

  /** Entries after sequence number `since` (0: all kept). */
  list(since = 0): LoggedRequest[] {
    return since === 0 ? [...this.entries] : this.entries.filter((e) => e.seq > since);
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
    this.totals = { requests: 0, cost: 0 };
  }
}
