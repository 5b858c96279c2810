import type { RequestFn } from './transport.js';

export interface PageOptions {
  /** The field to range over; `id` is accepted on every Heroku list. */
  field?: string;
  /** Page size, at most 1000. */
  max?: number;
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  items: T[];
  fromCache: boolean;
}

/**
 * The pages of a Heroku list, following `Next-Range` until it is missing or
 * comes back repeated (a server that loops is not followed round). Stop
 * iterating to stop fetching.
 */
export async function* pages<T>(request: RequestFn, path: string, options: PageOptions = {}): AsyncGenerator<Page<T>> {
  let range = `${options.field ?? 'id'} ..; max=${Math.min(options.max ?? 1000, 1000)}${options.order === 'desc' ? ', order=desc' : ''}`;
  const seen = new Set<string>([range]);
  for (;;) {
    const response = await request({ method: 'GET', path, headers: { Range: range } });
    yield { items: Array.isArray(response.body) ? (response.body as T[]) : [], fromCache: response.fromCache === true };
    const next = response.headers['next-range'];
    if (!next || seen.has(next)) return;
    seen.add(next);
    range = next;
  }
}
