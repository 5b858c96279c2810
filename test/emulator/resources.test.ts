import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { unzipSync, strFromU8 } from 'fflate';
import { parseTar } from 'nanotar';
import { describe, expect, it } from 'vitest';
import { api, startEmulatorForTest, startTestEmulator } from '../support/emulator.js';
import { CANARY, edgeScenario, T } from '../support/scenarios.js';

const scenario = edgeScenario();
scenario.apps![0]!.buildpack_provided_description = 'Served as given';
const emulator = await startTestEmulator({ scenario });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const get = async <T = Json>(path: string, token: string = T.admin) => {
  const response = await api<T>(emulator, path, token);
  expect(response.status, `${path}: ${response.text}`).toBe(200);
  return response.body;
};

describe('account', () => {
  it("describes the token's user, at /account and /users/~", async () => {
    const account = await get('/account', T.entViewer);
    expect(account).toMatchObject({ email: 'viewer@edge.example', federated: true, two_factor_authentication: false });
    expect(account.identity_provider).toMatchObject({ name: 'edge-okta', owner: { name: 'edge', type: 'enterprise-account' } });
    expect(await get('/users/~', T.entViewer)).toEqual(account);
    expect(await get(`/users/${account.id}`, T.entViewer)).toEqual(account);
  });

  it('derives ids from natural keys, the same on every run', async () => {
    const again = await startEmulatorForTest({ scenario: edgeScenario() });
    const a = await api<Json>(emulator, '/apps/edge-api', T.admin);
    const b = await api<Json>(again, '/apps/edge-api', T.admin);
    expect(b.body.id).toBe(a.body.id);
    expect(b.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('apps', () => {
  it('represents an app from the scenario, with given schema fields served as given', async () => {
    const app = await get('/apps/edge-api');
    expect(app).toMatchObject({
      name: 'edge-api',
      acm: true,
      maintenance: false,
      team: { name: 'edge-core' },
      organization: { name: 'edge-core' },
      owner: { email: 'edge-core@herokumanager.com' },
      region: { name: 'us' },
      stack: { name: 'heroku-24' },
      build_stack: { name: 'heroku-24' },
      created_at: '2025-03-01T00:00:00Z',
      buildpack_provided_description: 'Served as given',
      git_url: 'https://git.heroku.com/edge-api.git',
      released_at: '2026-11-01T09:00:00Z',
    });
    expect(app.web_url).toMatch(/^https:\/\/edge-api-[0-9a-f]{12}\.herokuapp\.com\/$/);
    expect(app).not.toHaveProperty('locked');
  });

  it('represents a personal app owned by its user', async () => {
    expect(await get('/apps/admin-personal')).toMatchObject({ owner: { email: 'admin@edge.example' }, team: null, region: { name: 'eu' } });
  });

  it("serves config vars with their values, including those the app's add-on attachments set", async () => {
    const vars = await get('/apps/edge-api/config-vars');
    expect(vars.STRIPE_SECRET_KEY).toBe(CANARY);
    expect(vars.DATABASE_URL).toMatch(/^postgres:\/\//);
    const worker = await get('/apps/edge-worker/config-vars');
    expect(Object.keys(worker).sort()).toEqual(['API_DATABASE_URL', 'HIDDEN_REDIS_TLS_URL', 'HIDDEN_REDIS_URL', 'LOG_LEVEL', 'PAPERTRAIL_API_TOKEN']);
    expect(worker.API_DATABASE_URL).toBe(vars.DATABASE_URL);
  });
});

describe('domains and certificates', () => {
  it('lists the herokuapp.com domain and the custom ones', async () => {
    const domains = await get<Json[]>('/apps/edge-api/domains');
    expect(domains.map((d) => [d.hostname.replace(/-[0-9a-f]{12}/, ''), d.kind])).toEqual([
      ['edge-api.herokuapp.com', 'heroku'],
      ['api.edge.example', 'custom'],
      ['secure.edge.example', 'custom'],
    ]);
    const [, acm, sni] = domains;
    expect(acm).toMatchObject({
      acm_status: 'cert issued',
      sni_endpoint: { name: expect.stringMatching(/^[a-z]+saurus-\d{5}$|^[a-z]+-\d{5}$/) },
      cname: 'api.edge.example.herokudns.com',
    });
    expect(sni).toMatchObject({ acm_status: null, sni_endpoint: { name: 'edge-cert' } });
    expect(await get(`/apps/edge-api/domains/${acm!.id}`)).toEqual(acm);
    expect(await get('/apps/edge-api/domains/api.edge.example')).toEqual(acm);
  });

  it('serves SNI endpoints with the certificate as Heroku parses it', async () => {
    const [endpoint] = await get<Json[]>('/apps/edge-api/sni-endpoints');
    expect(endpoint).toMatchObject({
      name: 'edge-cert',
      app: { name: 'edge-api' },
      ssl_cert: {
        cert_domains: ['secure.edge.example'],
        starts_at: '2026-01-01T00:00:00Z',
        expires_at: '2026-12-01T00:00:00Z',
        'self_signed?': false,
        'ca_signed?': true,
      },
    });
    const domains = await get<Json[]>('/apps/edge-api/domains');
    expect(endpoint!.domains).toEqual([domains[2]!.id]);
    expect(endpoint!.certificate_chain).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
  });

  it('lists the certificates ACM issued among the SNI endpoints, marked acm, one per domain, renewed every 60 days', async () => {
    const endpoints = await get<Json[]>('/apps/edge-api/sni-endpoints');
    expect(endpoints.map((e) => [e.ssl_cert.cert_domains, e.ssl_cert.acm ?? false])).toEqual([
      [['secure.edge.example'], false],
      [['api.edge.example'], true],
    ]);
    const acmEndpoint = endpoints[1]!;
    const domain = (await get<Json[]>('/apps/edge-api/domains')).find((d) => d.hostname === 'api.edge.example')!;
    expect(domain.sni_endpoint).toEqual({ id: acmEndpoint.id, name: acmEndpoint.name });
    expect(acmEndpoint.domains).toEqual([domain.id]);
    expect(acmEndpoint.ssl_cert).toMatchObject({
      issuer: expect.stringContaining("Let's Encrypt"),
      'ca_signed?': true,
      'self_signed?': false,
      subject: '/CN=api.edge.example',
    });
    // Valid now, with 30 to 90 days left: renewed when a third of its 90 days remain.
    const now = emulator.world().now().getTime();
    const starts = Date.parse(acmEndpoint.ssl_cert.starts_at);
    const expires = Date.parse(acmEndpoint.ssl_cert.expires_at);
    expect(expires - starts).toBe(90 * 86_400_000);
    expect(starts).toBeLessThanOrEqual(now);
    expect(expires - now).toBeGreaterThan(30 * 86_400_000);
    expect(await get(`/apps/edge-api/sni-endpoints/${acmEndpoint.name}`)).toEqual(acmEndpoint);
    expect(await get(`/apps/edge-api/sni-endpoints/${acmEndpoint.id}`)).toEqual(acmEndpoint);
    // An app without ACM has none.
    expect((await get<Json[]>('/apps/plain-app/sni-endpoints')).some((e) => e.ssl_cert.acm)).toBe(false);
  });
});

describe('access', () => {
  it('lists team-app collaborators with roles and permissions (view always held)', async () => {
    const collaborators = await get<Json[]>('/teams/apps/edge-api/collaborators');
    const summary = collaborators.map((c) => [c.user.email, c.role, c.permissions.map((p: Json) => p.name)]).sort();
    expect(summary).toEqual([
      ['collab@other.example', 'collaborator', ['view', 'deploy']],
      ['member@edge.example', 'member', ['view', 'operate']],
    ]);
    expect(await get('/apps/edge-api/collaborators')).toEqual(collaborators);
  });

  it("lists a personal app's owner and collaborators without permissions", async () => {
    const collaborators = await get<Json[]>('/apps/outsider-app/collaborators', T.outsider);
    expect(collaborators.map((c) => [c.user.email, c.role, c.permissions]).sort()).toEqual([
      ['admin@edge.example', 'collaborator', undefined],
      ['outsider@other.example', 'owner', undefined],
    ]);
    expect((await api(emulator, '/teams/apps/outsider-app/collaborators', T.outsider)).status).toBe(404);
  });

  it('lists the team app permissions', async () => {
    expect((await get<Json[]>('/teams/permissions')).map((p) => p.name)).toEqual(['view', 'deploy', 'operate', 'manage']);
  });

  it('lists team members with 2FA, federation and identity provider', async () => {
    const members = await get<Json[]>('/teams/edge-core/members');
    expect(members.map((m) => [m.email, m.role, m.two_factor_authentication, m.federated])).toEqual([
      ['admin@edge.example', 'admin', true, false],
      ['member@edge.example', 'member', false, false],
    ]);
  });

  it('lists team features', async () => {
    expect((await get<Json[]>('/teams/plain-team/features')).map((f) => [f.name, f.enabled]).sort()).toEqual([
      ['preboot', false],
      ['team-invite-acceptance', true],
    ]);
    expect(await get('/teams/plain-team/invitations')).toEqual([]);
  });
});

describe('processes', () => {
  it('serves formation and one dyno per unit on the current release', async () => {
    const formation = await get<Json[]>('/apps/edge-api/formation');
    expect(formation.map((f) => [f.type, f.quantity, f.size]).sort()).toEqual([
      ['web', 2, 'Standard-1X'],
      ['worker', 1, 'Standard-1X'],
    ]);
    const dynos = await get<Json[]>('/apps/edge-api/dynos');
    expect(dynos.map((d) => d.name).sort()).toEqual(['web.1', 'web.2', 'worker.1']);
    expect(new Set(dynos.map((d) => d.release.version))).toEqual(new Set([2]));
    expect(await get('/apps/edge-api/formation/web')).toEqual(formation.find((f) => f.type === 'web'));
  });

  it('serves log drains', async () => {
    const [drain] = await get<Json[]>('/apps/edge-api/log-drains');
    expect(drain).toMatchObject({ url: 'syslog+tls://logs.example.net:6514', app: { name: 'edge-api' }, addon: null });
    expect(drain!.token).toMatch(/^d\.[0-9a-f-]{36}$/);
  });
});

describe('releases and slugs', () => {
  it('marks the latest successful release current', async () => {
    const releases = (await api<Json[]>(emulator, '/apps/edge-api/releases', T.admin, { headers: { Range: 'version ..' } })).body;
    expect(releases.map((r) => [r.version, r.status, r.current])).toEqual([
      [1, 'succeeded', false],
      [2, 'succeeded', true],
      [3, 'failed', false],
    ]);
    expect(releases[1]).toMatchObject({
      user: { email: 'member@edge.example' },
      description: 'Deploy 1a2b3c4d',
      addon_plan_names: ['heroku-postgresql:standard-0'],
    });
    expect(await get('/apps/edge-api/releases/2')).toEqual(releases[1]);
  });

  it('serves the slug and a downloadable tarball of its files under ./app/, checksum matching', async () => {
    const release = await get('/apps/edge-api/releases/2');
    const slug = await get(`/apps/edge-api/slugs/${release.slug.id}`);
    expect(slug).toMatchObject({
      commit: '1a2b3c4d',
      process_types: { web: 'npm start' },
      buildpack_provided_description: 'Node.js',
      stack: { name: 'heroku-24' },
    });
    const download = await fetch(slug.blob.url);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(slug.checksum).toBe(`SHA256:${createHash('sha256').update(bytes).digest('hex')}`);
    expect(slug.size).toBe(bytes.length);
    const files = parseTar(gunzipSync(bytes)).filter((f) => f.type === 'file');
    expect(files.map((f) => f.name).sort()).toEqual(['./app/lib/server.js', './app/package.json']);
    expect(JSON.parse(files.find((f) => f.name === './app/package.json')!.text)).toEqual({ name: 'edge-api', dependencies: { lodash: '4.17.15' } });
    const app = await get('/apps/edge-api');
    expect(app.slug_size).toBe(bytes.length);
  });

  it('answers 404 for a slug of another app', async () => {
    const release = await get('/apps/edge-api/releases/2');
    expect((await api(emulator, `/apps/edge-worker/slugs/${release.slug.id}`, T.admin)).status).toBe(404);
  });

  it('serves Fir apps with OCI images instead of slugs, and expired releases whose slug is gone', async () => {
    const world = edgeScenario();
    const worker = world.apps!.find((a) => a.name === 'edge-worker')!;
    Object.assign(worker, {
      generation: 'fir',
      releases: [{ version: 1, created_at: '2026-10-01T00:00:00Z', oci_image: { id: '8d0e3f6a-1b2c-4d5e-8f9a-0b1c2d3e4f5a' } }],
    });
    const api2 = world.apps!.find((a) => a.name === 'edge-api')!;
    api2.releases![0] = { ...api2.releases![0]!, status: 'expired', slug: { commit: '0ld0ld00', files: { 'package.json': { name: 'edge-api' } } } };
    const fir = await startEmulatorForTest({ scenario: world });
    const read = async (path: string) => (await api(fir, path, T.admin)).body as Json;
    expect((await read('/apps/edge-worker')).generation).toMatchObject({ name: 'fir' });
    expect((await read('/apps/edge-api')).generation).toMatchObject({ name: 'cedar' });
    const [image] = (await read('/apps/edge-worker/releases')) as Json[];
    expect(image).toMatchObject({ slug: null, artifacts: [{ type: 'oci-image', id: '8d0e3f6a-1b2c-4d5e-8f9a-0b1c2d3e4f5a' }] });
    // The image's info is a list, by id or by digest, as the schema has it.
    const [info] = (await read('/apps/edge-worker/oci-images/8d0e3f6a-1b2c-4d5e-8f9a-0b1c2d3e4f5a')) as Json[];
    expect(info).toMatchObject({
      id: '8d0e3f6a-1b2c-4d5e-8f9a-0b1c2d3e4f5a',
      base_image_name: expect.stringMatching(/^heroku\/heroku:\d+-cnb$/),
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(await read(`/apps/edge-worker/oci-images/${info!.digest}`)).toEqual([info]);
    const expired = await read('/apps/edge-api/releases/1');
    expect(expired).toMatchObject({ status: 'expired', slug: { id: expect.any(String) } });
    expect((await api(fir, `/apps/edge-api/slugs/${expired.slug.id}`, T.admin)).status).toBe(404);
    expect((await fetch(`${fir.url}/__emulator/blobs/slugs/${expired.slug.id}.tar.gz`)).status).toBe(404);
    // A Fir app given a slug, or a Cedar app an image, is refused with the reason.
    worker.releases = [{ version: 1, slug: { files: {} } }];
    await expect(fir.setScenario(world)).rejects.toThrow(/Fir-generation app deploys OCI images, not slugs/);
  });
});

describe('add-ons', () => {
  it('represents add-ons with their service, plan, billing app and config vars', async () => {
    const addon = await get('/addons/postgresql-edge-1');
    expect(addon).toMatchObject({
      name: 'postgresql-edge-1',
      addon_service: { name: 'heroku-postgresql' },
      plan: { name: 'heroku-postgresql:standard-0' },
      app: { name: 'edge-api' },
      billing_entity: { name: 'edge-api', type: 'app' },
      config_vars: ['DATABASE_URL'],
      state: 'provisioned',
      billed_price: { cents: 5000, contract: false, unit: 'month' },
    });
  });

  it('expands the service and plan on request, as the CLI asks', async () => {
    const [addon] = await api<Json[]>(emulator, '/apps/edge-worker/addons', T.admin, { headers: { 'Accept-Expansion': 'addon_service,plan' } }).then((r) =>
      r.body.filter((a) => a.name === 'papertrail-edge-1'),
    );
    expect(addon!.addon_service).toMatchObject({ name: 'papertrail', human_name: 'Papertrail', state: 'ga' });
    expect(addon!.plan).toMatchObject({ name: 'papertrail:choklad', price: { cents: 0 } });
  });

  it('serves attachments by id and by name on their app', async () => {
    const attachments = await get<Json[]>('/addons/postgresql-edge-1/addon-attachments');
    expect(attachments.map((a) => `${a.app.name}:${a.name}`).sort()).toEqual(['edge-api:DATABASE', 'edge-worker:API_DATABASE', 'outsider-app:SHARED_DATABASE']);
    const onWorker = attachments.find((a) => a.name === 'API_DATABASE');
    expect(await get(`/addon-attachments/${onWorker!.id}`)).toEqual(onWorker);
    expect(await get('/apps/edge-worker/addon-attachments/API_DATABASE')).toEqual(onWorker);
  });

  it('serves the add-on catalogue', async () => {
    const services = await get<Json[]>('/addon-services');
    expect(services.map((s) => s.name)).toContain('heroku-postgresql');
    const plans = await get<Json[]>('/addon-services/heroku-postgresql/plans');
    expect(plans.map((p) => p.name)).toContain('heroku-postgresql:essential-0');
    expect(await get('/plans/heroku-postgresql:standard-0')).toMatchObject({ price: { cents: 5000 } });
    expect(await get('/addon-services/heroku-postgresql/plans/standard-0')).toMatchObject({ name: 'heroku-postgresql:standard-0' });
  });
});

describe('platform', () => {
  it('serves regions and stacks', async () => {
    expect((await get<Json[]>('/regions')).map((r) => r.name)).toEqual(expect.arrayContaining(['us', 'eu', 'virginia', 'frankfurt']));
    expect(await get('/stacks/heroku-24')).toMatchObject({ name: 'heroku-24', default: true });
    expect(await get('/stacks/heroku-18')).toMatchObject({ state: 'retired' });
  });

  it('serves pipelines and couplings', async () => {
    const pipeline = await get('/pipelines/edge');
    const team = await get('/teams/edge-core');
    expect(pipeline.owner).toEqual({ id: team.id, type: 'team' });
    const couplings = await get<Json[]>('/pipelines/edge/pipeline-couplings');
    expect(couplings.map((c) => [c.app.name, c.stage]).sort()).toEqual([
      ['edge-api', 'production'],
      ['edge-worker', 'staging'],
    ]);
    expect(await get('/apps/edge-api/pipeline-couplings')).toMatchObject({ stage: 'production', pipeline: { id: pipeline.id } });
    expect((await api(emulator, '/apps/admin-personal/pipeline-couplings', T.admin)).status).toBe(404);
  });
});

describe('OAuth authorizations', () => {
  it('serves each authorization with its scope, expiry and token', async () => {
    const all = await get<Json[]>('/oauth/authorizations');
    const herowatch = all.find((a) => a.description === 'herowatch')!;
    expect(herowatch).toMatchObject({ scope: ['identity', 'read-protected'], user: { email: 'admin@edge.example', full_name: 'Edge Admin' }, client: null });
    // Created 2026-11-01T10:00 with a year to live; the clock says 2026-11-20T12:00.
    expect(herowatch.access_token.expires_in).toBe(31536000 - (19 * 86400 + 2 * 3600));
    expect(herowatch.access_token.token).toBe(T.adminProtected);
    expect(await get('/oauth/authorizations/~')).toMatchObject({ description: 'API Key', access_token: { token: T.admin, expires_in: null } });
  });
});

describe('audit trail', () => {
  it('returns the events of one UTC day, defaulting to today', async () => {
    const day = await get<Json[]>('/enterprise-accounts/edge/events?day=2026-11-19');
    expect(day.map((e) => e.created_at)).toEqual(['2026-11-19T10:15:00Z', '2026-11-19T11:00:00Z', '2026-11-19T23:59:59Z']);
    expect((await get<Json[]>('/enterprise-accounts/edge/events')).map((e) => e.created_at)).toEqual(['2026-11-20T00:00:00Z']);
    expect(await get('/enterprise-accounts/edge/events?day=2026-11-17')).toEqual([]);
  });

  it('represents events with actor, app, owner, team and request', async () => {
    const [event] = await get<Json[]>('/enterprise-accounts/edge/events?day=2026-11-19&action=update&type=app');
    const app = await get('/apps/edge-api');
    expect(event).toMatchObject({
      type: 'app',
      action: 'update',
      actor: { email: 'member@edge.example' },
      app: { id: app.id, name: 'edge-api' },
      owner: { email: 'edge-core@herokumanager.com' },
      team: { name: 'edge-core' },
      enterprise_account: { name: 'edge' },
    });
  });

  it('filters by actor, action and type, and orders on request', async () => {
    const byActor = await get<Json[]>('/enterprise-accounts/edge/events?day=2026-11-19&actor=admin@edge.example');
    expect(byActor.map((e) => e.type)).toEqual(['config_var']);
    const desc = await get<Json[]>('/enterprise-accounts/edge/events?day=2026-11-19&order=desc');
    expect(desc.map((e) => e.created_at)).toEqual(['2026-11-19T23:59:59Z', '2026-11-19T11:00:00Z', '2026-11-19T10:15:00Z']);
  });

  it('ignores Range (the events list is not paginated)', async () => {
    const response = await api<Json[]>(emulator, '/enterprise-accounts/edge/events?day=2026-11-19', T.admin, { headers: { Range: 'id ..; max=1' } });
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(3);
    expect(response.headers.get('next-range')).toBeNull();
  });

  it.each(['2026-13-01', 'yesterday', '2026-02-30'])('answers 422 invalid_params for day=%s', async (day) => {
    const response = await api(emulator, `/enterprise-accounts/edge/events?day=${day}`, T.admin);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ id: 'invalid_params' });
  });

  it('answers 422 for an unknown order', async () => {
    expect((await api(emulator, '/enterprise-accounts/edge/events?order=sideways', T.admin)).status).toBe(422);
  });

  it('offers monthly archives of past months as zipped JSON, checksum matching', async () => {
    const archives = await get<Json[]>('/enterprise-accounts/edge/archives');
    expect(archives.map((a) => [a.year, a.month])).toEqual([[2026, '10']]);
    const archive = await get('/enterprise-accounts/edge/archives/2026/10');
    expect(archive).toEqual(archives[0]);
    const bytes = Buffer.from(await (await fetch(archive.url)).arrayBuffer());
    expect(archive.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(archive.size).toBe(bytes.length);
    const files = unzipSync(bytes);
    const [content] = Object.values(files);
    const { entries } = JSON.parse(strFromU8(content!)) as { entries: Json[] };
    expect(entries.map((e) => e.created_at).sort()).toEqual(['2026-10-03T09:00:00Z', '2026-10-28T17:30:00Z']);
    expect(entries.find((e) => e.action === 'destroy')).toMatchObject({ app: { name: 'edge-gone' } });
    expect((await api(emulator, '/enterprise-accounts/edge/archives/2026/11', T.admin)).status).toBe(404);
  });
});
