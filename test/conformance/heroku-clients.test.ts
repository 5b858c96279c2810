import Heroku from 'heroku-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorForTest, startTestEmulator } from '../support/emulator.js';
import { heroku as herokuAt, herokuBatch, installHerokuCli } from '../support/heroku-cli.js';
import { edgeScenario, manyAppsScenario, T } from '../support/scenarios.js';

/**
 * Heroku's own clients against the edge world: the `heroku` CLI (two
 * commands in processes of their own, from its entry point as a user runs
 * it, the rest through one process) and `heroku-client`. Every read command
 * against the demo world is in heroku-cli-reads.test.ts.
 */
const emulator = await startTestEmulator({ scenario: edgeScenario() });
const world = emulator.world();

/** Runs `heroku <args>` against the emulator in a process of its own, as a user with HEROKU_API_KEY would. */
const heroku = (...args: string[]): Promise<string> => herokuAt(emulator.url, T.admin, ...args);

/** The other commands run through one CLI process (a process each costs about 2 s of CPU). */
const BATCHED = [
  'apps:info -a edge-api --json',
  'config -a edge-api --json',
  'members -t plain-team --json',
  'access -a edge-api --json',
  'addons --all --json',
  'domains -a edge-api --json',
  'releases -a edge-api --json',
  'pipelines --json',
  'authorizations --json',
];
const printed = new Map<string, string>();

beforeAll(async () => {
  await installHerokuCli();
  for (const result of await herokuBatch(
    emulator.url,
    T.admin,
    BATCHED.map((c) => c.split(' ')),
  )) {
    expect(result.code, `heroku ${result.argv.join(' ')}: ${result.error}`).toBe(0);
    printed.set(result.argv.join(' '), result.stdout);
  }
}, 900_000);

const json = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => JSON.parse(printed.get(args.join(' ')) ?? (await heroku(...args))) as T;
const app = (name: string) => world.apps.find(name)!;

describe('the heroku CLI', () => {
  it("auth:whoami names the token's user", async () => {
    expect((await heroku('auth:whoami')).trim()).toBe('admin@edge.example');
  });

  it('apps --all --json lists every app the user sees', async () => {
    const apps = await json<{ name: string; owner: { email: string } }[]>('apps', '--all', '--json');
    expect(apps.map((a) => a.name)).toEqual(['admin-personal', 'edge-api', 'edge-hidden', 'edge-worker', 'outsider-app', 'plain-app']);
    expect(apps.find((a) => a.name === 'outsider-app')!.owner.email).toBe('outsider@other.example');
  });

  it('apps:info shows the app with its add-ons, collaborators, dynos and pipeline', async () => {
    const info = await json<{
      app: { name: string; id: string };
      addons: { name: string }[];
      collaborators: { user: { email: string } }[];
      dynos: { type: string }[];
      pipeline_coupling: { stage: string };
    }>('apps:info', '-a', 'edge-api', '--json');
    const expected = app('edge-api');
    expect(info.app).toMatchObject({ name: 'edge-api', id: expected.id });
    expect(info.addons.map((a) => a.name)).toEqual(['postgresql-edge-1']);
    expect(info.collaborators.map((c) => c.user.email).sort()).toEqual(expected.collaborators.map((c) => c.user.email).sort());
    expect(info.dynos.map((d) => d.type).sort()).toEqual(['web', 'web', 'worker']);
    expect(info.pipeline_coupling.stage).toBe('production');
  });

  it('config --json prints the config vars, add-on ones included', async () => {
    expect(await json('config', '-a', 'edge-api', '--json')).toEqual(Object.fromEntries(app('edge-api').configVars));
  });

  it("members --json lists the team's members (reading its features on the way)", async () => {
    const members = await json<{ email: string; role: string }[]>('members', '-t', 'plain-team', '--json');
    const team = world.teams.find('plain-team')!;
    expect(members.map((m) => [m.email, m.role])).toEqual(team.members.map((m) => [m.user.email, m.role]).sort());
    expect(emulator.requests().some((r) => r.path === '/teams/plain-team/features')).toBe(true);
  });

  it('access --json lists collaborators and team admins with permissions', async () => {
    const access = await json<{ user: { email: string }; permissions?: { name: string }[] }[]>('access', '-a', 'edge-api', '--json');
    const emails = access.map((a) => a.user.email).sort();
    expect(emails).toEqual(['admin@edge.example', 'collab@other.example', 'member@edge.example']);
    expect(access.find((a) => a.user.email === 'collab@other.example')!.permissions!.map((p) => p.name)).toEqual(['view', 'deploy']);
  });

  it('addons --all --json lists the add-ons of visible apps', async () => {
    const addons = await json<{ name: string; plan: { name: string } }[]>('addons', '--all', '--json');
    expect(addons.map((a) => a.name).sort()).toEqual([...world.addons.values()].map((a) => a.name).sort());
    expect(addons.find((a) => a.name === 'postgresql-edge-1')!.plan.name).toBe('heroku-postgresql:standard-0');
  });

  it("domains --json lists the app's domains", async () => {
    const domains = await json<{ hostname: string }[]>('domains', '-a', 'edge-api', '--json');
    expect(domains.map((d) => d.hostname).sort()).toEqual(
      app('edge-api')
        .domains.map((d) => d.hostname)
        .sort(),
    );
  });

  it('releases --json lists releases newest first', async () => {
    const releases = await json<{ version: number; current: boolean }[]>('releases', '-a', 'edge-api', '--json');
    expect(releases.map((r) => [r.version, r.current])).toEqual([
      [3, false],
      [2, true],
      [1, false],
    ]);
  });

  it('pipelines --json lists the pipelines the user sees', async () => {
    const pipelines = await json<{ name: string }[]>('pipelines', '--json');
    expect(pipelines.map((p) => p.name).sort()).toEqual(['edge', 'secret-pipeline']);
  });

  it("authorizations --json lists the user's authorizations", async () => {
    const authorizations = await json<{ description: string; scope: string[] }[]>('authorizations', '--json');
    const now = world.now().getTime();
    const live = world.users
      .find('admin@edge.example')!
      .tokens.filter((t) => !t.revoked && (t.expiresIn === null || Date.parse(t.createdAt) + t.expiresIn * 1000 > now));
    expect(live.length).toBeGreaterThan(1);
    expect(authorizations.map((a) => a.description).sort()).toEqual(live.map((t) => t.description).sort());
  });
});

describe('heroku-client', () => {
  it('pages through 2,500 apps by following Next-Range', async () => {
    const bulk = await startEmulatorForTest({ scenario: manyAppsScenario(2500) });
    const client = new Heroku({ token: T.admin, host: bulk.url });
    const apps = (await client.get('/apps')) as { name: string }[];
    expect(apps).toHaveLength(2500);
    expect(new Set(apps.map((a) => a.name)).size).toBe(2500);
    const requests = bulk.requests().filter((r) => r.path === '/apps');
    expect(requests.map((r) => [r.status, r.range])).toEqual([
      [206, 'id ..; max=1000'],
      [206, expect.stringMatching(/^id \][0-9a-f-]{36}\.\.; max=1000$/)],
      [200, expect.stringMatching(/^id \][0-9a-f-]{36}\.\.; max=1000$/)],
    ]);
  });

  it("reads a single resource and sees Heroku's errors", async () => {
    const client = new Heroku({ token: T.admin, host: emulator.url });
    expect(((await client.get('/apps/edge-api')) as { name: string }).name).toBe('edge-api');
    await expect(client.get('/apps/no-such-app')).rejects.toMatchObject({ statusCode: 404, body: { id: 'not_found' } });
    const unauthorized = new Heroku({ token: 'HRKU-00000000-0000-0000-0000-000000000000', host: emulator.url });
    await expect(unauthorized.get('/account')).rejects.toMatchObject({ statusCode: 401, body: { id: 'unauthorized' } });
  });
});
