import { describe, expect, it } from 'vitest';
import { api, startTestEmulator } from '../support/emulator.js';
import { edgeScenario, T } from '../support/scenarios.js';

const emulator = await startTestEmulator({ scenario: edgeScenario() });

type Named = { name: string };
const names = (items: Named[]) => items.map((i) => i.name).sort();

async function listNames(path: string, token: string): Promise<string[]> {
  const response = await api<Named[]>(emulator, path, token);
  expect(response.status, `${path}: ${response.text}`).toBeLessThan(300);
  return names(response.body);
}

describe('apps', () => {
  it.each([
    [
      "a team admin sees their teams' apps, their own and those they collaborate on",
      T.admin,
      ['admin-personal', 'edge-api', 'edge-hidden', 'edge-worker', 'outsider-app', 'plain-app'],
    ],
    ["a team member sees the team's apps but not another team's", T.member, ['edge-api', 'edge-worker']],
    ['an outside collaborator sees only the app they were added to', T.collab, ['edge-api']],
    ['a viewer on a plain team sees its apps and their personal ones', T.outsider, ['outsider-app', 'plain-app']],
    ['an enterprise member who is on no team sees nothing', T.entViewer, []],
  ])('%s', async (_case, token, expected) => {
    expect(await listNames('/apps', token)).toEqual(expected);
  });

  it('lists personal and collaborated apps under /users/~/apps, not team apps', async () => {
    expect(await listNames('/users/~/apps', T.admin)).toEqual(['admin-personal', 'outsider-app']);
    expect(await listNames('/users/admin@edge.example/apps', T.admin)).toEqual(['admin-personal', 'outsider-app']);
    expect(await listNames('/users/~/apps', T.collab)).toEqual(['edge-api']);
    expect((await api(emulator, '/users/member@edge.example/apps', T.admin)).status).toBe(404);
  });

  it('answers 404 for an app the token cannot see, exactly as for one that does not exist', async () => {
    const hidden = await api(emulator, '/apps/edge-hidden', T.member);
    const missing = await api(emulator, '/apps/no-such-app', T.member);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
  });

  it('finds an app by id as well as by name', async () => {
    const byName = await api<{ id: string }>(emulator, '/apps/edge-api', T.admin);
    const byId = await api<{ name: string }>(emulator, `/apps/${byName.body.id}`, T.admin);
    expect(byId.body.name).toBe('edge-api');
  });
});

describe('teams', () => {
  it('lists the teams a user belongs to, with their role', async () => {
    const response = await api<(Named & { role: string; type: string })[]>(emulator, '/teams', T.admin);
    expect(response.body.map((t) => [t.name, t.role, t.type]).sort()).toEqual([
      ['edge-core', 'admin', 'enterprise'],
      ['edge-secret', 'admin', 'enterprise'],
      ['plain-team', 'admin', 'team'],
    ]);
    expect((await api<(Named & { role: string })[]>(emulator, '/teams', T.outsider)).body.map((t) => t.role)).toEqual(['viewer']);
  });

  it("shows a team's members and apps to its members", async () => {
    expect((await api<{ email: string }[]>(emulator, '/teams/edge-core/members', T.member)).body.map((m) => m.email)).toEqual([
      'admin@edge.example',
      'member@edge.example',
    ]);
    expect(await listNames('/teams/edge-core/apps', T.member)).toEqual(['edge-api', 'edge-worker']);
  });

  it('tells an enterprise member who is not on the team that access is forbidden', async () => {
    for (const path of ['/teams/edge-secret', '/teams/edge-secret/members', '/teams/edge-secret/apps']) {
      const response = await api(emulator, path, T.member);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ id: 'forbidden', message: expect.stringContaining('edge-secret') });
    }
  });

  it('hides a team from someone with no tie to it', async () => {
    expect((await api(emulator, '/teams/edge-core', T.outsider)).status).toBe(404);
  });

  it('serves team apps with `locked` and whether the viewer joined them', async () => {
    const api1 = await api<{ locked: boolean; joined: boolean; team: { name: string } }>(emulator, '/teams/apps/edge-api', T.member);
    expect(api1.body).toMatchObject({ locked: true, joined: true, team: { name: 'edge-core' } });
    const worker = await api<{ locked: boolean; joined: boolean }>(emulator, '/teams/apps/edge-worker', T.member);
    expect(worker.body).toMatchObject({ locked: false, joined: false });
    expect((await api(emulator, '/teams/apps/admin-personal', T.admin)).status).toBe(404);
  });
});

describe('add-ons and attachments', () => {
  it('lists add-ons billed to apps the viewer sees', async () => {
    expect(await listNames('/addons', T.admin)).toEqual(['papertrail-edge-1', 'postgresql-edge-1', 'redis-hidden-1']);
    expect(await listNames('/addons', T.member)).toEqual(['papertrail-edge-1', 'postgresql-edge-1']);
  });

  it('lists attachments on visible apps, even of add-ons the viewer cannot see', async () => {
    const response = await api<{ name: string; addon: Named }[]>(emulator, '/addon-attachments', T.member);
    expect(response.body.map((a) => `${a.addon.name}:${a.name}`).sort()).toEqual([
      'papertrail-edge-1:PAPERTRAIL',
      'postgresql-edge-1:API_DATABASE',
      'postgresql-edge-1:DATABASE',
      'redis-hidden-1:HIDDEN_REDIS',
    ]);
  });

  it("includes add-ons attached from other apps in an app's add-ons", async () => {
    expect(await listNames('/apps/outsider-app/addons', T.outsider)).toEqual(['postgresql-edge-1']);
    expect((await api(emulator, '/addons/postgresql-edge-1', T.outsider)).status).toBe(200);
    expect((await api(emulator, '/addons/redis-hidden-1', T.outsider)).status).toBe(404);
  });
});

describe('pipelines', () => {
  it("lists pipelines of the viewer's teams and of apps they see", async () => {
    expect(await listNames('/pipelines', T.member)).toEqual(['edge']);
    expect(await listNames('/pipelines', T.collab)).toEqual(['edge']);
    expect(await listNames('/pipelines', T.outsider)).toEqual([]);
    expect((await api(emulator, '/pipelines/secret-pipeline', T.member)).status).toBe(404);
  });

  it('lists couplings of visible apps only', async () => {
    const couplings = await api<{ app: Named }[]>(emulator, '/pipeline-couplings', T.collab);
    expect(couplings.body.map((c) => c.app.name)).toEqual(['edge-api']);
  });
});

describe('enterprise accounts', () => {
  it('lists the enterprise accounts a user belongs to with their permissions', async () => {
    const response = await api<(Named & { permissions: string[] })[]>(emulator, '/enterprise-accounts', T.entManager);
    expect(response.body.map((e) => [e.name, e.permissions])).toEqual([['edge', ['view', 'manage']]]);
    expect((await api<unknown[]>(emulator, '/enterprise-accounts', T.outsider)).body).toEqual([]);
  });

  it('needs `view` for members, teams and events', async () => {
    for (const path of ['/enterprise-accounts/edge/members', '/enterprise-accounts/edge/teams', '/enterprise-accounts/edge/events']) {
      expect((await api(emulator, path, T.entViewer)).status, path).toBe(200);
      const denied = await api(emulator, path, T.member);
      expect(denied.status, path).toBe(403);
      expect(denied.body).toMatchObject({ id: 'forbidden', message: expect.stringContaining('view permission') });
      expect((await api(emulator, path, T.outsider)).status, path).toBe(404);
    }
  });

  it('needs `manage` for the monthly archives', async () => {
    expect((await api(emulator, '/enterprise-accounts/edge/archives', T.entManager)).status).toBe(200);
    const denied = await api(emulator, '/enterprise-accounts/edge/archives', T.entViewer);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ message: expect.stringContaining('manage permission') });
  });

  it('grants no team access through enterprise permissions', async () => {
    expect(await listNames('/apps', T.entManager)).toEqual([]);
    expect((await api(emulator, '/teams/edge-core/members', T.entManager)).status).toBe(403);
  });
});

describe('OAuth authorizations', () => {
  it("lists the user's own working authorizations, not revoked or expired ones", async () => {
    const response = await api<{ description: string }[]>(emulator, '/oauth/authorizations', T.admin);
    expect(response.body.map((a) => a.description).sort()).toEqual(['API Key', 'herowatch', 'identity only', 'read only']);
    expect((await api<unknown[]>(emulator, '/oauth/authorizations', T.member)).body).toHaveLength(1);
  });
});
