import { randomUUID } from 'node:crypto';
import type { Middleware } from '../transport.js';

export const USER_AGENT = 'herowatch/0.1 (+https://github.com/herowatch/herowatch)';

/** Bearer auth, the v3 Accept header, a User-Agent and a fresh Request-Id on every request. */
export function withHeaders(token: string, userAgent = USER_AGENT): Middleware {
  return (next) => (request) =>
    next({
      ...request,
      headers: {
        Accept: 'application/vnd.heroku+json; version=3',
        'User-Agent': userAgent,
        'Request-Id': randomUUID(),
        ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...request.headers,
        Authorization: `Bearer ${token}`,
      },
    });
}
