import type { FastifyInstance, InjectOptions } from 'fastify';
import { demoScenarioPath, readScenarioFile } from '../../src/emulator/index.js';
import type { Scenario } from '../../src/emulator/scenario/types.js';
import { connect } from '../../src/service/connect.js';
import { addMonitoredApps } from '../../src/service/monitored-apps.js';
import { syncConnection } from '../../src/service/sync.js';
import { addUser, signIn } from '../../src/service/users.js';
import { buildServer } from '../../src/web/server.js';
import type { DashboardRoute } from '../../src/web/dashboard/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { startTestEmulator } from './emulator.js';
import { openTestHerowatch, type TestHerowatch } from './herowatch.js';

/** The demo world's least-privilege token for herowatch. */
export const DEMO_TOKEN = 'HRKU-cd65b17c-e80f-087f-1f31-ce66af0c0480';
export const ADMIN = { email: 'ana@example.com', password: 'correct horse battery staple' };
export const VIEWER = { email: 'vic@example.com', password: 'viewer passphrase 2026' };

/** Strings that would run, or break out of an attribute, if a page printed them unescaped. */
export const HOSTILE = {
  release: `Deploy <script>alert("release")</script> '"><img src=x onerror=alert(1)>`,
  action: '<svg onload=alert("action")>',
  data: `</td><script>alert('data')</script>`,
};

/** The demo world with hostile strings planted where Heroku takes free text: a release description, an audit event's action and data. */
export async function hostileDemoWorld(): Promise<Scenario> {
  const scenario = await readScenarioFile(demoScenarioPath);
  const app = scenario.apps!.find((a) => a.name === 'acme-api')!;
  const releases = app.releases!;
  releases[releases.length - 1] = { ...releases[releases.length - 1]!, description: HOSTILE.release };
  const events = scenario.enterprise_accounts![0]!.events!;
  events.push({
    created_at: events.at(-1)!.created_at,
    type: 'app',
    action: HOSTILE.action,
    actor: 'alice@acme.example',
    app: 'acme-api',
    data: { note: HOSTILE.data },
  });
  return scenario;
}

export interface DashboardWorld {
  hw: TestHerowatch;
  emulator: Emulator;
  app: FastifyInstance;
  routes: DashboardRoute[];
}

/** The demo world (with hostile strings) synced as connection "acme", acme-api monitored, an admin and a viewer, and the server (not listening: inject). */
export async function dashboardWorld(): Promise<DashboardWorld> {
  const emulator = await startTestEmulator({ scenario: await hostileDemoWorld() });
  const hw = await openTestHerowatch('sqlite', emulator.url, 'file');
  await connect(hw, { name: 'acme', token: DEMO_TOKEN, apiUrl: emulator.url, enterprise: 'acme' });
  if ((await syncConnection(hw, { connection: 'acme', vulnerabilities: false })).status !== 'complete') throw new Error('the demo sync did not complete');
  await addMonitoredApps(hw, 'acme', ['acme-api']);
  await addUser(hw, { ...ADMIN, role: 'admin' });
  await addUser(hw, { ...VIEWER, role: 'viewer' });
  const { app, routes } = await buildServer(hw);
  await app.ready();
  return { hw, emulator, app, routes };
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Signs in through the service and reads a page for its CSRF token (and the cookie that carries its secret). */
export async function sessionFor(world: Pick<DashboardWorld, 'hw' | 'app'>, who: { email: string; password: string }): Promise<Session> {
  const { secret } = await signIn(world.hw, who);
  const page = await world.app.inject({ method: 'GET', url: '/', cookies: { herowatch_session: secret } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const csrfCookie = page.cookies.find((c) => c.name === '_csrf');
  if (!csrf || !csrfCookie) throw new Error(`no CSRF token on the overview (${page.statusCode})`);
  return { cookie: `herowatch_session=${secret}; _csrf=${csrfCookie.value}`, csrf };
}

/** A request with the session's cookies. */
export function as(session: Session | null, options: InjectOptions): InjectOptions {
  return { ...options, headers: { ...(options.headers ?? {}), ...(session ? { cookie: session.cookie } : {}) } };
}
