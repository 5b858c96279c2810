import { describe, expect, it } from 'vitest';
import { HerokuError } from './errors.js';
import { paginate, parseRange, sortBy, type RangeRequest } from './range.js';

const SORTABLE = ['id', 'name', 'updated_at'];

describe('parseRange', () => {
  it.each([
    [undefined, { field: 'id', start: null, max: 200, order: 'asc' }],
    ['id ..; max=1000', { field: 'id', max: 1000 }],
    ['version ..; order=desc,max=1', { field: 'version', order: 'desc', max: 1 }],
    ['name ..; order=desc,max=10;', { field: 'name', order: 'desc', max: 10 }],
    ['id ..; max=1000;', { field: 'id', max: 1000 }],
    ['id ]1fd05fb4-97a2-49ca-aed4-68fd58ebe069..; max=1', { start: '1fd05fb4-97a2-49ca-aed4-68fd58ebe069', startExclusive: true, max: 1 }],
    ['name acme..zeta', { start: 'acme', end: 'zeta', startExclusive: false, endExclusive: false }],
    ['name acme..zeta[', { end: 'zeta', endExclusive: true }],
    ['name ..; max=5000', { max: 1000 }],
    ['  name  ..  ;  max = 3 ,  order = desc ; ', { field: 'name', max: 3, order: 'desc' }],
    ['name ..;', { field: 'name', max: 200 }],
  ] as const)('reads %j', (header, expected) => {
    expect(parseRange(header, [...SORTABLE, 'version'])).toMatchObject(expected);
  });

  it('defaults to the first sortable field', () => {
    expect(parseRange(undefined, ['email', 'id']).field).toBe('email');
  });

  it.each([
    'garbage',
    'id',
    'id ..; max=0',
    'id ..; max=-1',
    'id ..; max=ten',
    'id ..; order=sideways',
    'id ..; colour=red',
    '..; max=10',
    'id ]..',
    'id ..; max',
    'version ..; max=10; order=desc',
    'id ..; max=10;; ',
  ])("answers 400 bad_request with Heroku's message for %j", (header) => {
    const error = catchError(() => parseRange(header, SORTABLE));
    expect(error).toMatchObject({ status: 400, id: 'bad_request' });
    expect(error.message).toMatch(/^Invalid `Range` header/);
  });

  it.each(['email ..', 'email ..; max=10', 'max=1000', 'max=1000, order=desc'])(
    "answers 416 with Heroku's wording for a field it cannot range by, or none: %j",
    (header) => {
      const error = catchError(() => parseRange(header, SORTABLE));
      expect(error).toMatchObject({ status: 416, id: 'requested_range_not_satisfiable' });
      expect(error.message).toBe('Requested range order is not allowed, please try `id` or another specified in `Accept-Ranges`.');
    },
  );
});

type Item = { id: string; name: string; updated_at: string; version: number };

function items(count: number, sameUpdatedAtRun = 1): Item[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `app-${String(i).padStart(4, '0')}`,
    updated_at: `2026-01-01T${String(Math.floor(i / sameUpdatedAtRun) % 24).padStart(2, '0')}:00:00Z`,
    version: i + 1,
  }));
}

function range(overrides: Partial<RangeRequest>): RangeRequest {
  return { field: 'id', start: null, startExclusive: false, end: null, endExclusive: false, max: 200, order: 'asc', ...overrides };
}

/** Walks a list the way clients do: follow Next-Range until it is absent. */
function walkAll(list: Item[], first: RangeRequest): { pages: Item[][]; headers: string[] } {
  const sorted = sortBy(list, first.field);
  const pages: Item[][] = [];
  const headers: string[] = [];
  let request = first;
  for (let guard = 0; guard < 1000; guard++) {
    const page = paginate(sorted, request);
    pages.push(page.items);
    if (!page.nextRange) break;
    headers.push(page.nextRange);
    request = parseRange(page.nextRange, [...SORTABLE, 'version']);
  }
  return { pages, headers };
}

describe('paginate', () => {
  it('serves an empty list whole, without Content-Range or Next-Range', () => {
    expect(paginate([], range({}))).toEqual({ items: [], nextRange: null, contentRange: null });
  });

  it('serves exactly one full page without Next-Range', () => {
    const page = paginate(sortBy(items(200), 'id'), range({}));
    expect(page.items).toHaveLength(200);
    expect(page.nextRange).toBeNull();
    expect(page.contentRange).toBe(`id ${items(1)[0]!.id}..${items(200)[199]!.id}; max=200`);
  });

  it('cuts one item past a page and says where to go on, with an exclusive start', () => {
    const list = sortBy(items(201), 'id');
    const page = paginate(list, range({}));
    expect(page.items).toHaveLength(200);
    expect(page.nextRange).toBe(`id ]${list[199]!.id}..; max=200`);
    const next = paginate(list, parseRange(page.nextRange!, SORTABLE));
    expect(next.items.map((i) => i.id)).toEqual([list[200]!.id]);
    expect(next.nextRange).toBeNull();
  });

  it('treats an inclusive start as including the value and an exclusive one as excluding it', () => {
    const list = sortBy(items(10), 'name');
    expect(paginate(list, range({ field: 'name', start: 'app-0004' })).items[0]!.name).toBe('app-0004');
    expect(paginate(list, range({ field: 'name', start: 'app-0004', startExclusive: true })).items[0]!.name).toBe('app-0005');
    expect(paginate(list, range({ field: 'name', start: 'app-00045' })).items[0]!.name).toBe('app-0005');
  });

  it('honours end bounds, inclusive and exclusive, and keeps them in Next-Range', () => {
    const list = sortBy(items(10), 'name');
    expect(paginate(list, range({ field: 'name', end: 'app-0003' })).items.map((i) => i.name)).toEqual(['app-0000', 'app-0001', 'app-0002', 'app-0003']);
    expect(paginate(list, range({ field: 'name', end: 'app-0003', endExclusive: true })).items).toHaveLength(3);
    const page = paginate(list, range({ field: 'name', end: 'app-0005', max: 2 }));
    expect(page.nextRange).toBe('name ]app-0001..app-0005; max=2');
  });

  it('walks in descending order with exclusive starts below the last value', () => {
    const { pages, headers } = walkAll(items(25), range({ field: 'version', order: 'desc', max: 10 }));
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat().map((i) => i.version)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    expect(headers[0]).toBe('version ]16..; max=10, order=desc');
  });

  it('compares numeric fields as numbers (version 10 after 9)', () => {
    const page = paginate(sortBy(items(12), 'version'), range({ field: 'version', start: '9' }));
    expect(page.items.map((i) => i.version)).toEqual([9, 10, 11, 12]);
  });

  it.each([
    ['a page boundary inside a run of equal values', 95, 7, 10],
    ['runs longer than a page', 60, 25, 10],
    ['runs exactly one page long', 60, 10, 10],
    ['a run at the very end', 23, 5, 20],
  ])('never loses or repeats items at %s', (_case, count, run, max) => {
    const list = items(count, run);
    for (const order of ['asc', 'desc'] as const) {
      const { pages } = walkAll(list, range({ field: 'updated_at', max, order }));
      const seen = pages.flat().map((i) => i.id);
      expect(new Set(seen).size).toBe(count);
      expect(seen).toHaveLength(count);
      // A page is cut short rather than split a run, unless the run alone is longer than a page.
      for (const page of pages) if (run <= max) expect(page.length).toBeLessThanOrEqual(max);
    }
  });

  it('answers 416 when the start lies past the end in the requested order', () => {
    const list = sortBy(items(5), 'name');
    expect(catchError(() => paginate(list, range({ field: 'name', start: 'b', end: 'a' })))).toMatchObject({
      status: 416,
      id: 'requested_range_not_satisfiable',
    });
    const descending = paginate(list, range({ field: 'name', start: 'b', end: 'a', order: 'desc' }));
    expect(descending.items.map((i) => i.name)).toEqual(['app-0004', 'app-0003', 'app-0002', 'app-0001', 'app-0000']);
  });

  it('returns an empty page past the last item', () => {
    const page = paginate(sortBy(items(5), 'name'), range({ field: 'name', start: 'zzz' }));
    expect(page).toEqual({ items: [], nextRange: null, contentRange: null });
  });
});

function catchError(fn: () => unknown): HerokuError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HerokuError) return error;
    throw error;
  }
  throw new Error('expected a HerokuError');
}
