import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../src/service/connections.js';
import { findingDetail, frameworkReport, listFindings } from '../../src/service/compliance.js';
import { CONTROL_STATUS_ORDER, summaryText } from '../../src/compliance/report.js';
import { resultApp } from '../../src/compliance/finding-view.js';
import { users } from '../../src/service/users.js';
import { finishJob, startJob } from '../../src/store/jobs.js';
import { ADMIN, as, dashboardWorld, HOSTILE, sessionFor, VIEWER, type DashboardWorld, type Session } from '../support/dashboard.js';

let world: DashboardWorld;
let admin: Session;
let viewer: Session;
let findingId: number;

beforeAll(async () => {
  world = await dashboardWorld();
  admin = await sessionFor(world, ADMIN);
  viewer = await sessionFor(world, VIEWER);
  findingId = (await listFindings(world.hw, { connection: 'acme', status: ['open'] }))[0]!.id;
}, 180_000);
afterAll(() => world?.app.close());

/** A route's path with its parameters filled with things that exist in the world. */
function concrete(url: string): string {
  return url
    .replace(':connection', 'acme')
    .replace(':app', 'acme-api')
    .replace(':id', String(findingId))
    .replace(':framework', 'soc2')
    .replace('export.:format', 'export.csv')
    .replace(':name/verify', 'herowatch-evidence-20261101-20261201-20261201000000.zip/verify')
    .replace('evidence/:name', 'evidence/herowatch-evidence-20261101-20261201-20261201000000.zip')
    .replace('datasets/:name', 'datasets/apps')
    .replace(':name', 'acme')
    .replace(/^\/runs\/live$/, '/runs/live?connection=acme');
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Answers that are `ok` up to a limit of at most 10, then 429 to the end. */
function expectLimited(statuses: number[], ok: number): void {
  const limited = statuses.indexOf(429);
  expect(limited, String(statuses)).toBeGreaterThan(0);
  expect(limited, String(statuses)).toBeLessThanOrEqual(10);
  expect(statuses.slice(0, limited).every((s) => s === ok) && statuses.slice(limited).every((s) => s === 429), String(statuses)).toBe(true);
}

describe("the dashboard's routes", () => {
  it('each say who may reach them, and there are pages, forms and downloads among them', () => {
    const count = (access: string) => world.routes.filter((r) => r.access === access).length;
    expect(count('public')).toBeGreaterThanOrEqual(4);
    expect(count('viewer')).toBeGreaterThanOrEqual(15);
    expect(count('admin')).toBeGreaterThanOrEqual(12);
    expect(world.routes.filter((r) => r.access !== 'public').every((r) => !r.url.startsWith('/assets'))).toBe(true);
  });

  it('refuse every request without a session: pages send to sign-in, anything else is 401', async () => {
    for (const route of world.routes.filter((r) => r.access !== 'public')) {
      const url = concrete(route.url);
      const answer = await world.app.inject({
        method: route.method as 'GET',
        url,
        headers: FORM,
        payload: route.method === 'GET' ? undefined : 'connection=acme',
      });
      if (route.method === 'GET') {
        expect(answer.statusCode, url).toBe(303);
        expect(answer.headers.location, url).toBe(`/login?next=${encodeURIComponent(url)}`);
      } else {
        expect(answer.statusCode, `${route.method} ${url}`).toBe(401);
      }
      expect(answer.body, url).not.toContain('acme-api');
    }
    // A forged or stale session cookie is no session.
    const forged = await world.app.inject({ method: 'GET', url: '/findings', cookies: { herowatch_session: 'A'.repeat(43) } });
    expect(forged.statusCode).toBe(303);
  });

  it('let a viewer read every page but change nothing', async () => {
    for (const route of world.routes.filter((r) => r.access !== 'public')) {
      const url = concrete(route.url);
      if (route.method === 'GET') {
        if (url.includes('/evidence/') || url.includes('/sbom') || url.includes('/runs/events')) continue;
        const answer = await world.app.inject(as(viewer, { method: 'GET', url }));
        expect(answer.statusCode, `${url}: ${/role="alert">([^<]*)/.exec(answer.body)?.[1]}`).toBe(200);
        continue;
      }
      if (route.access !== 'admin') continue;
      const answer = await world.app.inject(
        as(viewer, {
          method: route.method as 'POST',
          url,
          headers: FORM,
          payload: `_csrf=${encodeURIComponent(viewer.csrf)}&connection=acme&confirm=acme&email=${encodeURIComponent(ADMIN.email)}&role=viewer&name=x&token=HRKU-x`,
        }),
      );
      expect(answer.statusCode, `${route.method} ${url}`).toBe(403);
      expect(answer.body).toContain('Only an admin may do this');
    }
    // Nothing moved: the connection is still connected, the admin still admin.
    expect((await findConnection(world.hw.store, 'acme'))!.state).toBe('active');
    expect((await users(world.hw)).find((u) => u.email === ADMIN.email)!.role).toBe('admin');
  });

  it("refuse a state change without the page's CSRF token, or with another session's", async () => {
    for (const route of world.routes.filter((r) => r.method !== 'GET')) {
      const url = concrete(route.url);
      for (const token of [null, 'forged', viewer.csrf]) {
        const payload = `${token === null ? '' : `_csrf=${encodeURIComponent(token)}&`}connection=acme&confirm=acme&email=${encodeURIComponent(VIEWER.email)}&password=x&reason=because+reasons&expires=2099-01-01`;
        const answer = await world.app.inject(as(admin, { method: route.method as 'POST', url, headers: FORM, payload }));
        expect(answer.statusCode, `${route.method} ${url} with ${token ?? 'no token'}`).toBe(403);
        expect(answer.body).toContain('This form has expired or did not come from herowatch');
      }
    }
    expect((await findConnection(world.hw.store, 'acme'))!.state).toBe('active');
    expect((await findingDetail(world.hw, findingId)).suppression).toBeNull();
    // The same request with the token goes through.
    const suppressed = await world.app.inject(
      as(admin, {
        method: 'POST',
        url: `/findings/${findingId}/suppress`,
        headers: FORM,
        payload: `_csrf=${encodeURIComponent(admin.csrf)}&reason=accepted+by+the+security+team&expires=2026-12-30`,
      }),
    );
    expect(suppressed.statusCode, /role="alert">([^<]*)/.exec(suppressed.body)?.[1]).toBe(303);
    expect((await findingDetail(world.hw, findingId)).suppression).toMatchObject({ by: ADMIN.email, reason: 'accepted by the security team' });
  });

  it('send security headers: scripts from the app only, no framing, cookies HttpOnly', async () => {
    const login = await world.app.inject({ method: 'GET', url: '/login' });
    const csp = String(login.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(login.headers['x-content-type-options']).toBe('nosniff');
    expect(login.body).not.toMatch(/<script>|<script [^>]*>[^<]/);
    const signIn = await world.app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...FORM, cookie: `_csrf=${login.cookies.find((c) => c.name === '_csrf')!.value}` },
      payload: `_csrf=${encodeURIComponent(/name="_csrf" value="([^"]+)"/.exec(login.body)![1]!)}&email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}`,
    });
    expect(signIn.statusCode, signIn.body.slice(0, 3000)).toBe(303);
    const cookie = signIn.cookies.find((c) => c.name === 'herowatch_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(signIn.headers['set-cookie']!.toString()).not.toContain(ADMIN.password);
  });

  it('show the scheduled jobs on the runs page, a failure with its reason, rendered inert', async () => {
    const jobId = await startJob(world.hw.store, 1, 'inventory', new Date('2026-11-20T10:00:00Z'));
    await finishJob(world.hw.store, jobId, 'failed', new Date('2026-11-20T10:00:05Z'), `Heroku answered 503 for ${HOSTILE.data}`);
    const runs = await world.app.inject(as(viewer, { method: 'GET', url: '/runs' }));
    expect(runs.statusCode).toBe(200);
    expect(runs.body).toContain('<h2>Scheduled jobs</h2>');
    expect(runs.body).toContain('Heroku answered 503 for &lt;/td&gt;&lt;script&gt;');
    expect(runs.body).not.toContain(HOSTILE.data);
    expect(runs.body).not.toContain('<h2>Queue</h2>'); // SQLite has no queue
  });

  it('render hostile strings from Heroku inert, on every page they reach', async () => {
    const pages = ['/apps/acme/acme-api', '/audit', '/audit?app=acme-api'];
    for (const url of pages) {
      const answer = await world.app.inject(as(viewer, { method: 'GET', url }));
      expect(answer.statusCode, url).toBe(200);
      for (const hostile of Object.values(HOSTILE)) expect(answer.body.includes(hostile), `${url} prints ${hostile} raw`).toBe(false);
      expect(answer.body, url).not.toMatch(/<script>alert|<svg onload|<img src=x/);
    }
    const app = (await world.app.inject(as(viewer, { method: 'GET', url: '/apps/acme/acme-api' }))).body;
    expect(app).toContain('Deploy &lt;script&gt;alert(&quot;release&quot;)&lt;/script&gt;');
    const audit = (await world.app.inject(as(viewer, { method: 'GET', url: '/audit' }))).body;
    expect(audit).toContain('&lt;svg onload=alert(&quot;action&quot;)&gt;');
  });

  it('show the audit trail as a table of who did what to what, with its data readable', async () => {
    const audit = (await world.app.inject(as(viewer, { method: 'GET', url: '/audit?type=config_var' }))).body;
    const headers = [...(/<table class="events">\s*<thead>(.*?)<\/thead>/s.exec(audit)?.[1] ?? '').matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(headers).toEqual(['Time', 'Actor', 'Action', 'Target', 'Details', 'From']);
    expect(audit).toMatch(
      /<td class="nowrap">config var <strong>update<\/strong><\/td>\s*<td class="nowrap">app acme-[a-z-]+<br><span class="hint">team acme-[a-z]+<\/span><\/td>\s*<td class="details">keys: [A-Z_]+/,
    );
    expect(audit).not.toContain('{&quot;keys&quot;');
    const hostile = (await world.app.inject(as(viewer, { method: 'GET', url: '/audit?app=acme-api' }))).body;
    expect(hostile).toContain('<td class="details">note: &lt;/td&gt;&lt;script&gt;');
    const nothing = (await world.app.inject(as(viewer, { method: 'GET', url: '/audit?app=no-such-app' }))).body;
    expect(nothing).toContain('There is no app &quot;no-such-app&quot; in the inventory');
    expect(nothing).not.toContain('<table class="events">');
  });

  it('say what fixes an error under it, linked to the page where it is done, in a page and in an htmx answer alike', async () => {
    const page = await world.app.inject(as(viewer, { method: 'GET', url: '/apps/acme/no-such-app' }));
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('There is no app &quot;no-such-app&quot; on connection acme');
    expect(page.body).toMatch(/<p class="fix">What fixes it: <a href="\/apps\/add\?connection=acme">Apps lists the connection&#39;s apps.<\/a><\/p>/);
    // The CLI's words never reach a page.
    expect(page.body).not.toContain('herowatch apps');
    const fragment = await world.app.inject(as(viewer, { method: 'GET', url: '/apps/acme/no-such-app', headers: { 'hx-request': 'true' } }));
    expect(fragment.statusCode).toBe(404);
    expect(fragment.body).toMatch(
      /^<p class="alert alert-error" role="alert">There is no app .*<a href="\/apps\/add\?connection=acme">Apps lists the connection&#39;s apps.<\/a><\/p>$/,
    );
  });

  it("say of a finding what it is: what is wrong when it fails, what was found when it passes, and never a failure's dates for a pass", async () => {
    const [failing] = await listFindings(world.hw, { connection: 'acme', status: ['open'] });
    const [passing] = await listFindings(world.hw, { connection: 'acme', status: ['pass'] });
    const failPage = (await world.app.inject(as(viewer, { method: 'GET', url: `/findings/${failing!.id}` }))).body;
    expect(failPage).toContain('<dt>What is wrong</dt>');
    const passPage = (await world.app.inject(as(viewer, { method: 'GET', url: `/findings/${passing!.id}` }))).body;
    expect(passPage).toContain('<dt>What herowatch found</dt>');
    expect(passPage).not.toContain('What is wrong');
    expect(passPage).toMatch(/<dt>First and last seen failing<\/dt><dd>never<\/dd>/);
  });

  it("say a report's counts in one order: the compliance page, the framework page and the CLI agree", async () => {
    const compliance = (await world.app.inject(as(viewer, { method: 'GET', url: '/compliance' }))).body;
    const headers = [...(/<thead>(.*?)<\/thead>/s.exec(compliance)?.[1] ?? '').matchAll(/<th scope="col" class="num">([^<]*)<\/th>/g)].map((m) =>
      m[1]!.toLowerCase(),
    );
    expect(headers).toEqual(['controls', ...CONTROL_STATUS_ORDER.map((o) => o.label)]);
    const report = await frameworkReport(world.hw, 'soc2', {});
    const framework = (await world.app.inject(as(viewer, { method: 'GET', url: '/compliance/soc2' }))).body;
    expect(framework).toContain(`Controls: ${summaryText(report.summary)}.`);
    expect(summaryText(report.summary)).toMatch(/^\d+ failing, \d+ unknown, \d+ passing, \d+ not evaluated$/);
    expect(framework).toContain('Checks (failed / unknown / suppressed / passed)');
  });

  it('show which certificates ACM issued and which were uploaded, on the app page', async () => {
    const api = (await world.app.inject(as(viewer, { method: 'GET', url: '/apps/acme/acme-api' }))).body;
    const [, name] = /<td>api\.acme\.example<\/td><td>custom<\/td><td>([a-z]+-\d{5}), ACM: cert issued<\/td>/.exec(api) ?? [];
    expect(name).toBeDefined();
    expect(api).toMatch(new RegExp(`<td>${name}</td><td>\\d{4}-\\d\\d-\\d\\d</td><td>api\\.acme\\.example</td><td>ACM \\(renewed by Heroku\\)</td>`));
    const gateway = (await world.app.inject(as(viewer, { method: 'GET', url: '/apps/acme/acme-gateway' }))).body;
    expect(gateway).toContain('<td>gateway.acme.example</td><td>custom</td><td>stegosaurus-18834</td>');
    expect(gateway).toContain(
      '<td>stegosaurus-18834</td><td>2026-10-30</td><td>gateway.acme.example</td><td>/C=US/O=DigiCert Inc/CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1</td>',
    );
    expect(gateway).not.toContain('ACM (renewed by Heroku)');
  });

  it('limit sign-in attempts per address and email, and connection tests per session', async () => {
    const login = await world.app.inject({ method: 'GET', url: '/login' });
    const token = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
    const cookie = `_csrf=${login.cookies.find((c) => c.name === '_csrf')!.value}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await world.app.inject({
        method: 'POST',
        url: '/login',
        headers: { ...FORM, cookie },
        payload: `_csrf=${encodeURIComponent(token)}&email=${encodeURIComponent(ADMIN.email)}&password=guess-${i}`,
      });
      statuses.push(answer.statusCode);
      if (answer.statusCode === 429) expect(answer.body).toContain('Too many attempts');
    }
    // Wrong passwords answer 401 until the limit (10 a window, some spent by the tests above), then 429 whatever is sent.
    expectLimited(statuses, 401);
    // Someone else signing in from the same address is not locked out by those attempts.
    const other = await world.app.inject({
      method: 'POST',
      url: '/login',
      headers: { ...FORM, cookie },
      payload: `_csrf=${encodeURIComponent(token)}&email=${encodeURIComponent(VIEWER.email)}&password=${encodeURIComponent(VIEWER.password)}`,
    });
    expect(other.statusCode).toBe(303);
    const tests: number[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await world.app.inject(
        as(admin, {
          method: 'POST',
          url: '/integrations/test',
          headers: FORM,
          payload: `_csrf=${encodeURIComponent(admin.csrf)}&name=probe&token=HRKU-00000000-0000-4000-8000-00000000000${i % 10}`,
        }),
      );
      tests.push(answer.statusCode);
    }
    expectLimited(tests, 200);
    // Another session is not held back by this one's tests.
    expect((await world.app.inject(as(viewer, { method: 'GET', url: '/integrations' }))).statusCode).toBe(200);
  });

  it('never put a stored token in a page', async () => {
    for (const url of ['/integrations', '/integrations/acme', '/settings', '/']) {
      const body = (await world.app.inject(as(admin, { method: 'GET', url }))).body;
      expect(body, url).not.toContain('HRKU-cd65b17c');
    }
    expect((await world.app.inject(as(admin, { method: 'GET', url: '/integrations/acme' }))).body).toContain('ending in …0480');
  });

  it('say on the overview which monitored apps are not judged, never counting them as free of vulnerabilities', async () => {
    const body = (await world.app.inject(as(viewer, { method: 'GET', url: '/' }))).body;
    expect(body).toMatch(
      /1 monitored app not judged, so not counted as free of vulnerabilities: acme-api: not tested yet\. Run <code>herowatch vulns test acme-api<\/code>/,
    );
  });

  it("show on an app's page every finding about the app and what it holds: certificates and collaborators too", async () => {
    const body = (await world.app.inject(as(viewer, { method: 'GET', url: '/apps/acme/pay-api' }))).body;
    // Every current problem whose resource is pay-api's (read from its key), and only those: pay-api-staging's are not.
    const about = (await listFindings(world.hw, { connection: 'acme', status: ['open', 'suppressed', 'unknown'] })).filter(
      (f) => resultApp(f.resource_key) === 'pay-api',
    );
    expect(about.map((f) => f.check_id)).toEqual(expect.arrayContaining(['sni_endpoint_certificate_valid', 'app_collaborator_internal']));
    expect(body).toContain(`Findings (${about.length})`);
    for (const finding of about) expect(body, finding.check_id).toContain(`/findings/${finding.id}"`);
  });

  it('answer no route for a Host that is not theirs (DNS rebinding), the health check and metrics included', async () => {
    const urls = [
      ...new Set([...world.routes.map((r) => concrete(r.url)), '/healthz', '/metrics', '/api/v1/connections', '/api/v1/openapi.json', '/mcp', '/login']),
    ];
    for (const url of urls) {
      const answer = await world.app.inject(as(admin, { method: 'GET', url, headers: { host: 'evil.example' } }));
      expect(answer.statusCode, url).toBe(403);
      expect(answer.body, url).not.toMatch(/acme|herowatch_session/);
    }
    for (const host of ['localhost:8808', '127.0.0.1:8808', '[::1]:8808'])
      expect((await world.app.inject({ method: 'GET', url: '/healthz', headers: { host } })).statusCode, host).toBe(200);
  });
});

describe('a server behind a proxy', () => {
  it('believes X-Forwarded-For only from a proxy it was told of: one client cannot lock out the others', async () => {
    const { buildServer } = await import('../../src/web/server.js');
    const login = async (app: Awaited<ReturnType<typeof buildServer>>['app'], client: string) => {
      const page = await app.inject({ method: 'GET', url: '/login' });
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const cookie = `_csrf=${page.cookies.find((c) => c.name === '_csrf')!.value}`;
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const answer = await app.inject({
          method: 'POST',
          url: '/login',
          remoteAddress: '127.0.0.1',
          headers: { ...FORM, cookie, 'x-forwarded-for': client },
          payload: `_csrf=${encodeURIComponent(token)}&email=${encodeURIComponent(ADMIN.email)}&password=guess-${i}`,
        });
        statuses.push(answer.statusCode);
      }
      return statuses;
    };
    const trusting = (await buildServer(world.hw, { trustedProxies: ['127.0.0.1'] })).app;
    expectLimited(await login(trusting, '203.0.113.7'), 401);
    // Another client behind the proxy has attempts of its own.
    expect((await login(trusting, '203.0.113.8'))[0]).toBe(401);
    await trusting.close();
    // Without a trusted proxy the header is ignored: changing it does not reset the limit.
    const plain = (await buildServer(world.hw)).app;
    expectLimited(await login(plain, '198.51.100.1'), 401);
    expect((await login(plain, '198.51.100.2'))[0]).toBe(429);
    await plain.close();
  });
});
