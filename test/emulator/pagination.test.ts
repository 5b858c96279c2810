import { describe, expect, it } from 'vitest';
import { api, startTestEmulator, walk } from '../support/emulator.js';
import { edgeScenario, manyAppsScenario, T } from '../support/scenarios.js';

const APPS = 2500;
const emulator = await startTestEmulator({ scenario: manyAppsScenario(APPS, 7) });
const edge = await startTestEmulator({ scenario: edgeScenario() });

type App = { id: string; name: string; updated_at: string };

describe('Range pagination of /apps', () => {
  it('serves 200 items by id without a Range header, with 206 and Next-Range', async () => {
    const response = await api<App[]>(emulator, '/apps', T.admin);
    expect(response.status).toBe(206);
    expect(response.body).toHaveLength(200);
    const ids = response.body.map((a) => a.id);
    expect(ids).toEqual([...ids].sort());
    expect(response.headers.get('accept-ranges')).toBe('id, name, updated_at');
    expect(response.headers.get('content-range')).toBe(`id ${ids[0]}..${ids[199]}; max=200`);
    expect(response.headers.get('next-range')).toBe(`id ]${ids[199]}..; max=200`);
  });

  it('walks every app exactly once at max=1000, the last page 200 without Next-Range', async () => {
    const { items, pages } = await walk<App>(emulator, '/apps', T.admin, 'id ..; max=1000');
    expect(pages.map((p) => [p.status, p.body.length])).toEqual([
      [206, 1000],
      [206, 1000],
      [200, 500],
    ]);
    expect(pages.at(-1)!.headers.get('next-range')).toBeNull();
    expect(new Set(items.map((a) => a.id)).size).toBe(APPS);
  });

  it('clamps max above 1000 to 1000', async () => {
    const response = await api<App[]>(emulator, '/apps', T.admin, { headers: { Range: 'id ..; max=5000' } });
    expect(response.body).toHaveLength(1000);
    expect(response.headers.get('next-range')).toMatch(/; max=1000$/);
  });

  it('walks by name in descending order', async () => {
    const { items, pages } = await walk<App>(emulator, '/apps', T.admin, 'name ..; order=desc, max=1000');
    expect(items[0]!.name).toBe('bulk-app-02499');
    expect(items.at(-1)!.name).toBe('bulk-app-00000');
    expect(pages[0]!.headers.get('next-range')).toBe('name ]bulk-app-01500..; max=1000, order=desc');
  });

  it('starts after an exclusive start value and at an inclusive one', async () => {
    const exclusive = await api<App[]>(emulator, '/apps', T.admin, { headers: { Range: 'name ]bulk-app-00100..; max=2' } });
    expect(exclusive.body.map((a) => a.name)).toEqual(['bulk-app-00101', 'bulk-app-00102']);
    const inclusive = await api<App[]>(emulator, '/apps', T.admin, { headers: { Range: 'name bulk-app-00100..; max=2' } });
    expect(inclusive.body.map((a) => a.name)).toEqual(['bulk-app-00100', 'bulk-app-00101']);
  });

  it('answers 200 without Next-Range when the range holds exactly one page', async () => {
    const response = await api<App[]>(emulator, '/apps', T.admin, { headers: { Range: 'name ..bulk-app-00009; max=10' } });
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(10);
    expect(response.headers.get('next-range')).toBeNull();
    expect(response.headers.get('content-range')).toBe('name bulk-app-00000..bulk-app-00009; max=10');
  });

  it('never loses or repeats apps when pages end inside a run of equal updated_at values', async () => {
    for (const order of ['asc', 'desc']) {
      const { items, pages } = await walk<App>(emulator, '/apps', T.admin, `updated_at ..; max=10, order=${order}`);
      expect(items).toHaveLength(APPS);
      expect(new Set(items.map((a) => a.id)).size).toBe(APPS);
      expect(Math.max(...pages.map((p) => p.body.length))).toBeLessThanOrEqual(10);
    }
  });

  it("answers 400 with Heroku's message for a malformed Range", async () => {
    const response = await api(emulator, '/apps', T.admin, { headers: { Range: 'id; max=ten' } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ id: 'bad_request', message: 'Invalid `Range` header. Please use format like `id ..; max=10, order=desc`. ' });
  });

  it.each(['email ..', 'max=1000'])("answers %j (a field the list cannot be ranged by, or none) with 416 in Heroku's words", async (range) => {
    const response = await api(emulator, '/apps', T.admin, { headers: { Range: range } });
    expect(response.status).toBe(416);
    expect(response.body).toEqual({
      id: 'requested_range_not_satisfiable',
      message: 'Requested range order is not allowed, please try `id` or another specified in `Accept-Ranges`.',
    });
    expect(response.headers.get('request-id')).toBeTruthy();
  });

  it('refuses a ; between parameters with 400, as Heroku does, and takes a trailing one', async () => {
    const refused = await api(emulator, '/apps', T.admin, { headers: { Range: 'name ..; max=10; order=desc' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ id: 'bad_request', message: 'Invalid `Range` header. Please use format like `id ..; max=10, order=desc`. ' });
    expect((await api(emulator, '/apps', T.admin, { headers: { Range: 'name ..; order=desc,max=10;' } })).status).toBeLessThan(300);
  });

  it('answers 416 for a range that is empty by construction', async () => {
    const response = await api(emulator, '/apps', T.admin, { headers: { Range: 'name z..a' } });
    expect(response.status).toBe(416);
    expect(response.body).toMatchObject({ id: 'requested_range_not_satisfiable' });
  });
});

describe('sortable fields per list', () => {
  it.each([
    ['/teams/edge-core/members', 'email'],
    ['/apps/edge-api/releases', 'id, version'],
    ['/apps/edge-api/domains', 'id'],
    ['/teams/edge-core/apps', 'id, name'],
    ['/addons', 'id, name'],
  ])('%s advertises %s', async (path, ranges) => {
    const response = await api(edge, path, T.admin);
    expect(response.headers.get('accept-ranges')).toBe(ranges);
  });

  it('sorts team members by email by default, and still accepts id (heroku-client asks for it)', async () => {
    const byDefault = await api<{ email: string }[]>(edge, '/teams/edge-core/members', T.admin);
    expect(byDefault.headers.get('content-range')).toBe('email admin@edge.example..member@edge.example; max=200');
    expect((await api(edge, '/teams/edge-core/members', T.admin, { headers: { Range: 'id ..; max=1000' } })).status).toBe(200);
  });

  it('gives releases newest first as the CLI asks', async () => {
    const response = await api<{ version: number }[]>(edge, '/apps/edge-api/releases', T.admin, { headers: { Range: 'version ..; max=15, order=desc' } });
    expect(response.body.map((r) => r.version)).toEqual([3, 2, 1]);
  });

  it('answers an empty list with 200 and no Content-Range or Next-Range', async () => {
    const response = await api(edge, '/apps/edge-worker/log-drains', T.admin);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
    expect(response.headers.get('content-range')).toBeNull();
    expect(response.headers.get('next-range')).toBeNull();
    expect(response.headers.get('accept-ranges')).toBe('id');
  });
});
