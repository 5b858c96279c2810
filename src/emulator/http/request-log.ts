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
 * are dropped, but the totals keep counting. A ring: adding costs the same
 * however long the emulator has served (a sync of 50,000 apps makes some
 * 400,000 requests; moving a million entries down on every request once
 * full made the emulator the slowest part of a benchmark).
 */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  /** Where the oldest entry is, once the ring is full. */
  private head = 0;
  private seq = 0;
  totals = { requests: 0, cost: 0 };

  constructor(private readonly limit = 1_000_000) {}

  add(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest {
    const logged = { seq: ++this.seq, ...entry };
    if (this.entries.length < this.limit) this.entries.push(logged);
    else if (this.limit > 0) {
      this.entries[this.head] = logged;
      this.head = (this.head + 1) % this.limit;
    }
    this.totals.requests++;
    this.totals.cost += entry.cost;
    return logged;
  }

  /** Entries after sequence number `since` (0: all kept), oldest first. */
  list(since = 0): LoggedRequest[] {
    const ordered = this.head === 0 ? this.entries : [...this.entries.slice(this.head), ...this.entries.slice(0, this.head)];
    return since === 0 ? [...ordered] : ordered.filter((e) => e.seq > since);
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.totals = { requests: 0, cost: 0 };
  }
}
