import { describe, expect, it } from 'vitest';
import { demoScenarioPath } from '../../src/emulator/index.js';
import { api, startTestEmulator } from '../support/emulator.js';

const emulator = await startTestEmulator({ scenario: { file: demoScenarioPath } });
/** Alice's API key: she owns the demo enterprise and sits on every team. */
const ALICE = 'HRKU-65d01b54-f55f-7dc9-d0f6-8b53639f152c';

type Attachment = { id: string; name: string; addon: { id: string; name: string; plan?: { id: string; name: string } }; config_vars?: string[] };

describe('what the Heroku CLI asks for beyond plain GETs', () => {
  it('includes add-on plans and config var names on attachments when Accept-Inclusion asks', async () => {
    const plain = await api<Attachment[]>(emulator, '/apps/pay-api/addon-attachments', ALICE);
    expect(plain.body[0]!.addon.plan).toBeUndefined();
    expect(plain.body[0]!.config_vars).toBeUndefined();
    const included = await api<Attachment[]>(emulator, '/apps/pay-api/addon-attachments', ALICE, { headers: { 'Accept-Inclusion': 'addon:plan,config_vars' } });
    expect(included.status).toBe(200);
    const database = included.body.find((a) => a.name === 'DATABASE')!;
    expect(database.addon.plan!.name).toMatch(/^heroku-postgresql:/);
    expect(database.config_vars).toContain('DATABASE_URL');
    // Each name is a config var the app really has.
    const vars = await api<Record<string, string>>(emulator, '/apps/pay-api/config-vars', ALICE);
    for (const attachment of included.body) for (const name of attachment.config_vars!) expect(Object.keys(vars.body)).toContain(name);
  });

  it('filters pipelines by name with eq[name]', async () => {
    const all = await api<{ name: string }[]>(emulator, '/pipelines', ALICE);
    expect(all.body.length).toBeGreaterThan(1);
    const one = await api<{ name: string }[]>(emulator, `/pipelines?${encodeURIComponent('eq[name]')}=pay-api`, ALICE);
    expect(one.body.map((p) => p.name)).toEqual(['pay-api']);
    expect((await api<unknown[]>(emulator, '/pipelines?eq[name]=no-such-pipeline', ALICE)).body).toEqual([]);
  });

  it("resolves add-ons by name, id or an app's attachment name, and attachments by name on an app", async () => {
    const attachments = await api<Attachment[]>(emulator, '/apps/pay-api/addon-attachments', ALICE);
    const database = attachments.body.find((a) => a.name === 'DATABASE')!;
    const byAttachment = await api<{ id: string }[]>(emulator, '/actions/addons/resolve', ALICE, {
      method: 'POST',
      body: { addon: 'DATABASE', app: 'pay-api' },
    });
    expect(byAttachment.status).toBe(200);
    expect(byAttachment.body.map((a) => a.id)).toEqual([database.addon.id]);
    const byName = await api<{ id: string }[]>(emulator, '/actions/addons/resolve', ALICE, { method: 'POST', body: { addon: database.addon.name } });
    expect(byName.body.map((a) => a.id)).toEqual([database.addon.id]);
    const wrongService = await api(emulator, '/actions/addons/resolve', ALICE, {
      method: 'POST',
      body: { addon: 'DATABASE', app: 'pay-api', addon_service: 'heroku-redis' },
    });
    expect(wrongService.status).toBe(404);
    const attachment = await api<Attachment[]>(emulator, '/actions/addon-attachments/resolve', ALICE, {
      method: 'POST',
      body: { addon_attachment: 'DATABASE', app: 'pay-api' },
      headers: { 'Accept-Inclusion': 'addon:plan,config_vars' },
    });
    expect(attachment.body.map((a) => a.id)).toEqual([database.id]);
    expect(attachment.body[0]!.addon.plan).toBeDefined();
    const missing = await api<{ id: string }>(emulator, '/actions/addon-attachments/resolve', ALICE, {
      method: 'POST',
      body: { addon_attachment: 'NOPE', app: 'pay-api' },
    });
    expect(missing.status).toBe(404);
    expect((await api<{ id: string }>(emulator, '/actions/addons/resolve', ALICE, { method: 'POST', body: {} })).body).toMatchObject({ id: 'invalid_params' });
  });

  it('filters apps by id', async () => {
    const apps = await api<{ id: string; name: string }[]>(emulator, '/apps', ALICE);
    const ids = apps.body.slice(0, 3).map((a) => a.id);
    const filtered = await api<{ id: string; name: string; joined: boolean }[]>(emulator, '/filters/apps', ALICE, {
      method: 'POST',
      body: { in: { id: [...ids, '00000000-0000-4000-8000-000000000000'] } },
    });
    expect(filtered.status).toBe(200);
    expect(filtered.body.map((a) => a.id).sort()).toEqual([...ids].sort());
    expect((await api(emulator, '/filters/apps', ALICE, { method: 'POST', body: { in: { id: 'x' } } })).status).toBe(422);
  });

  it('opens log sessions whose stream the emulator serves, filtered by dyno and source', async () => {
    const session = await api<{ id: string; logplex_url: string }>(emulator, '/apps/pay-api/log-sessions', ALICE, {
      method: 'POST',
      body: { lines: 20, tail: false },
    });
    expect(session.status).toBe(201);
    expect(session.body.logplex_url.startsWith(emulator.url)).toBe(true);
    const lines = (await (await fetch(session.body.logplex_url)).text()).trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+\+00:00 (app|heroku)\[[\w.]+\]: /);
    const routerOnly = await api<{ logplex_url: string }>(emulator, '/apps/pay-api/log-sessions', ALICE, {
      method: 'POST',
      body: { lines: 5, source: 'heroku' },
    });
    const routed = (await (await fetch(routerOnly.body.logplex_url)).text()).trimEnd().split('\n');
    expect(routed.length).toBeGreaterThan(0);
    for (const line of routed) expect(line).toContain(' heroku[router]: ');
    expect((await api(emulator, '/apps/pay-api/log-sessions', ALICE, { method: 'POST', body: { lines: 0 } })).status).toBe(422);
    // The CLI (11) reads the stream as server-sent events: the same lines, one event each.
    const sse = await fetch(session.body.logplex_url, { headers: { Accept: 'text/event-stream' } });
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await sse.text()).split('\n\n').filter(Boolean);
    expect(events.map((e) => /^id: \d+\ndata: (.*)$/.exec(e)?.[1])).toEqual(lines);
  });

  it("serves the reads the CLI makes beyond the schema: OAuth sessions, metered usage, webhook deliveries by seq, a space's dynos", async () => {
    expect((await api(emulator, '/oauth/sessions', ALICE)).body).toEqual([]);
    expect((await api(emulator, '/oauth/sessions/01234567-89ab-4def-8123-456789abcdef', ALICE)).status).toBe(404);
    const sdk = { headers: { Accept: 'application/vnd.heroku+json; version=3.sdk' } };
    expect((await api(emulator, '/apps/pay-api/usage', ALICE, sdk)).body).toEqual({ addons: [] });
    expect((await api(emulator, '/teams/acme-payments/apps/pay-api/usage', ALICE, sdk)).body).toEqual({ addons: [] });
    expect((await api(emulator, '/teams/acme-payments/usage', ALICE, sdk)).body).toEqual({ apps: [] });
    expect((await api(emulator, '/apps/no-such-app/usage', ALICE, sdk)).status).toBe(404);
    const deliveries = await api(emulator, '/apps/pay-api/webhook-deliveries', ALICE, { headers: { Range: 'seq ..; order=desc,max=20' } });
    expect([deliveries.status, deliveries.body]).toEqual([200, []]);
    for (const path of ['/spaces/nowhere/dynos', '/spaces/nowhere/hosts', '/spaces/nowhere/log-drain']) {
      expect((await api<{ id: string }>(emulator, path, ALICE)).body.id, path).toBe('not_found');
    }
  });

  it('serves the app fields beyond the schema the CLI reads: create_status and process_tier, the tier its dynos bill in', async () => {
    const apps = await api<{ name: string; create_status: string; process_tier: string }[]>(emulator, '/apps', ALICE);
    const tiers = new Set<string>();
    for (const app of apps.body) {
      expect(app.create_status).toBe('complete');
      const sizes = new Set((await api<{ size: string }[]>(emulator, `/apps/${app.name}/formation`, ALICE)).body.map((f) => f.size.toLowerCase()));
      const expected = sizes.size === 1 && (sizes.has('eco') || sizes.has('basic')) ? [...sizes][0] : 'production';
      expect(app.process_tier, app.name).toBe(expected);
      tiers.add(app.process_tier);
    }
    expect(tiers.has('production')).toBe(true);
    expect(tiers.size).toBeGreaterThan(1);
  });
});
