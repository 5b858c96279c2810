import pLimit from 'p-limit';
import type { Middleware } from '../transport.js';

/** At most `limit` requests in flight; the rest wait their turn. */
export function withConcurrency(limit: number): Middleware {
  const gate = pLimit(limit);
  return (next) => (request) => gate(() => next(request));
}
