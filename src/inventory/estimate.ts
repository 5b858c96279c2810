/**
 * What a sync will cost and how long it will take, said before the work so
 * that a long wait is expected rather than wondered about. The time is set
 * by whichever is slower: sending the requests (at the concurrency the
 * client keeps and the answer time it measured), or the rate limit (the
 * tokens above the reserve go at once, the rest at the pool's refill rate).
 */
import type { HerokuClient } from '../heroku/client.js';

export interface SyncEstimate {
  type: 'estimate';
  /** What the figures come from: the last complete run's count, or this account's size as just listed. */
  basis: 'last-run' | 'account';
  requests: number;
  seconds: number;
  /** Apps in the account (basis 'account'). */
  apps: number | null;
  /** Tokens the pool holds now (null before the first answer), the reserve kept, the refill rate. */
  available: number | null;
  reserve: number;
  refillPerMinute: number;
  /** The sync will wait for the pool to refill. */
  waitsForRateLimit: boolean;
}

export interface PoolState {
  available: number | null;
  reserve: number;
  refillPerMinute: number;
}

/** Answer time assumed before one is measured (Heroku's API answers most reads within this). */
const ASSUMED_ANSWER_MS = 250;

/** The estimate for `requests` more requests, at the client's pool as last seen and the answer time it measured so far. */
export function estimateFor(client: HerokuClient, basis: SyncEstimate['basis'], requests: number, apps: number | null): SyncEstimate {
  const available = client.gauge.estimate();
  const pool = {
    available: available === null ? null : Math.floor(available),
    reserve: client.gauge.reserve,
    refillPerMinute: client.gauge.options.refillPerMinute,
  };
  return { type: 'estimate', basis, requests, apps, ...pool, ...syncSeconds(requests, pool, client.concurrency, client.stats.answerMs) };
}

/** Seconds to send `requests`, at `concurrency` in flight with answers taking `answerMs`, within the pool's budget. */
export function syncSeconds(requests: number, pool: PoolState, concurrency: number, answerMs: number | null): { seconds: number; waitsForRateLimit: boolean } {
  const sending = (requests * (answerMs ?? ASSUMED_ANSWER_MS)) / Math.max(1, concurrency) / 1000;
  // Before the first answer the pool is taken as full (Heroku's is, unless someone else spends it).
  const budget = Math.max(0, Math.floor((pool.available ?? Infinity) - pool.reserve));
  const overBudget = Math.max(0, requests - budget);
  const refilling = (overBudget * 60) / pool.refillPerMinute;
  return { seconds: Math.ceil(Math.max(sending, refilling)), waitsForRateLimit: overBudget > 0 };
}

/** A resource as the estimate sees it: its name and the resource it is read once per item of. */
export interface EstimatedResource {
  name: string;
  parent?: string;
}

/**
 * Requests still to send for `remaining` resources, from what is already
 * listed (`listed`: items per resource read so far). A resource under a
 * parent not listed yet (a release's slug) is taken as one per item of the
 * parent's own parent (one current release per app). Lists are taken as
 * one page each; audit trail days are added by the caller.
 */
export function remainingRequests(remaining: EstimatedResource[], listed: ReadonlyMap<string, number>): number {
  const byName = new Map(remaining.map((r) => [r.name, r]));
  const items = (name: string): number => {
    const known = listed.get(name);
    if (known !== undefined) return known;
    const resource = byName.get(name);
    return resource?.parent ? items(resource.parent) : 1;
  };
  return remaining.reduce((sum, resource) => sum + (resource.parent ? items(resource.parent) : 1), 0);
}
