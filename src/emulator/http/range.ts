import { errors } from './errors.js';

/** A parsed `Range` header: `name ]acme..zeta[; max=10, order=desc`. */
export interface RangeRequest {
  field: string;
  start: string | null;
  startExclusive: boolean;
  end: string | null;
  endExclusive: boolean;
  max: number;
  order: 'asc' | 'desc';
}

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 1000;

/**
 * Parses Heroku's Range syntax. Spaces and a trailing `;` are tolerated;
 * parameters after the `;` are separated by `,`, and a `;` between them is
 * refused, as Heroku refuses it (400). A range naming no field
 * (`Range: max=1000`) or one the list cannot be ranged by answers 416, with
 * Heroku's wording. A missing header means `<defaultField> ..; max=200`.
 * `max` above 1000 is clamped to 1000.
 */
export function parseRange(header: string | undefined, sortable: readonly string[]): RangeRequest {
  const defaults: RangeRequest = {
    field: sortable[0] ?? 'id',
    start: null,
    startExclusive: false,
    end: null,
    endExclusive: false,
    max: DEFAULT_PAGE_SIZE,
    order: 'asc',
  };
  if (header === undefined || header.trim() === '') return defaults;
  const semicolon = header.indexOf(';');
  const rangePart = (semicolon === -1 ? header : header.slice(0, semicolon)).trim();
  const paramsPart = (semicolon === -1 ? '' : header.slice(semicolon + 1)).trim().replace(/;$/, '');
  if (paramsPart.includes(';')) throw errors.badRange();
  // Parameters with no range before them name no field to range by.
  if (/^[a-z_]+\s*=/.test(rangePart)) throw errors.rangeNotSatisfiable();
  const match = /^([a-z_]+)\s+(\]?)([^\s]*?)\.\.([^\s]*?)(\[?)$/.exec(rangePart) ?? /^([a-z_]+)\s+(\]?)(.*?)\.\.(.*?)(\[?)$/.exec(rangePart);
  if (!match) throw errors.badRange();
  const [, field, exclusiveStart, start, end, exclusiveEnd] = match as unknown as [string, string, string, string, string, string];
  if (!sortable.includes(field)) throw errors.rangeNotSatisfiable();
  const range: RangeRequest = {
    ...defaults,
    field,
    start: start === '' ? null : start,
    startExclusive: exclusiveStart === ']',
    end: end === '' ? null : end,
    endExclusive: exclusiveEnd === '[',
  };
  if (range.startExclusive && range.start === null) throw errors.badRange();
  for (const raw of paramsPart.split(',')) {
    const param = raw.trim();
    if (param === '') continue;
    const [key, value, ...rest] = param.split('=').map((s) => s.trim());
    if (rest.length > 0 || !value) throw errors.badRange();
    if (key === 'max') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw errors.badRange();
      range.max = Math.min(Number(value), MAX_PAGE_SIZE);
    } else if (key === 'order') {
      if (value !== 'asc' && value !== 'desc') throw errors.badRange();
      range.order = value;
    } else {
      throw errors.badRange();
    }
  }
  return range;
}

export interface Page<T> {
  items: T[];
  /** The header value for the next page, when the list was cut. */
  nextRange: string | null;
  contentRange: string | null;
}

type Value = string | number;

/**
 * Sorts and cuts a list as Heroku does. Ties on the sort field are broken by
 * id, and a page never ends inside a run of equal values when it can avoid
 * it: the next page starts after the last value (`]value..`), so cutting
 * inside a run would skip the rest of it. A run longer than `max` is served
 * whole rather than lost.
 */
export function paginate<T extends Record<string, unknown>>(sorted: readonly T[], range: RangeRequest): Page<T> {
  const value = (item: T): Value => sortValue(item[range.field]);
  const bound = (raw: string | null): Value | null => (raw === null ? null : typeof value(sorted[0] ?? ({} as T)) === 'number' ? Number(raw) : raw);
  const start = bound(range.start);
  const end = bound(range.end);
  if (start !== null && end !== null && (range.order === 'asc' ? compare(start, end) > 0 : compare(start, end) < 0)) {
    throw errors.rangeNotSatisfiable(`The requested range \`${range.field} ${range.start}..${range.end}\` is empty in ${range.order} order.`);
  }
  const ordered = range.order === 'asc' ? sorted : [...sorted].reverse();
  const sign = range.order === 'asc' ? 1 : -1;
  const inRange = (item: T): boolean => {
    const v = value(item);
    if (end !== null) {
      const c = sign * compare(v, end);
      if (c > 0 || (c === 0 && range.endExclusive)) return false;
    }
    return true;
  };
  let first = 0;
  if (start !== null) {
    first = lowerBound(ordered, (item) => {
      const c = sign * compare(value(item), start);
      return c < 0 || (c === 0 && range.startExclusive);
    });
  }
  let last = first;
  while (last < ordered.length && last - first < range.max && inRange(ordered[last]!)) last++;
  const more = last < ordered.length && inRange(ordered[last]!);
  if (more && last > first) {
    const boundary = value(ordered[last - 1]!);
    if (compare(value(ordered[last]!), boundary) === 0) {
      let cut = last - 1;
      while (cut > first && compare(value(ordered[cut - 1]!), boundary) === 0) cut--;
      if (cut > first) last = cut;
      else while (last < ordered.length && compare(value(ordered[last]!), boundary) === 0) last++;
    }
  }
  const items = ordered.slice(first, last);
  const stillMore = last < ordered.length && inRange(ordered[last]!);
  const params = `max=${range.max}${range.order === 'desc' ? ', order=desc' : ''}`;
  const endText = range.end === null ? '' : `${range.end}${range.endExclusive ? '[' : ''}`;
  return {
    items,
    nextRange: stillMore && items.length > 0 ? `${range.field} ]${String(value(items.at(-1)!))}..${endText}; ${params}` : null,
    contentRange: items.length > 0 ? `${range.field} ${String(value(items[0]!))}..${String(value(items.at(-1)!))}; ${params}` : null,
  };
}

function sortValue(raw: unknown): Value {
  if (typeof raw === 'number') return raw;
  if (raw === null || raw === undefined) return '';
  return String(raw);
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorts ascending by the field, ties broken by id. */
export function sortBy<T extends Record<string, unknown>>(items: readonly T[], field: string): T[] {
  return [...items].sort((a, b) => compare(sortValue(a[field]), sortValue(b[field])) || compare(sortValue(a.id), sortValue(b.id)));
}

/** First index whose item is not `before` (items satisfying `before` come first). */
function lowerBound<T>(items: readonly T[], before: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(items[mid]!)) low = mid + 1;
    else high = mid;
  }
  return low;
}
