import type { Scenario } from '../../src/emulator/index.js';

/** Tokens of the edge-case world, by who holds them and what they may do. */
export const T = {
  admin: 'HRKU-aaaaaaaa-0000-4000-8000-000000000001',
  adminRead: 'HRKU-aaaaaaaa-0000-4000-8000-000000000002',
  adminIdentity: 'HRKU-aaaaaaaa-0000-4000-8000-000000000003',
  adminProtected: 'HRKU-aaaaaaaa-0000-4000-8000-000000000004',
  adminExpired: 'HRKU-aaaaaaaa-0000-4000-8000-000000000005',
  adminRevoked: 'HRKU-aaaaaaaa-0000-4000-8000-000000000006',
  /** A bare UUID: the format of older Heroku tokens. */
  member: '01234567-89ab-4cde-8f01-23456789abcd',
  outsider: 'HRKU-cccccccc-0000-4000-8000-000000000001',
  collab: 'HRKU-dddddddd-0000-4000-8000-000000000001',
  entViewer: 'HRKU-eeeeeeee-0000-4000-8000-000000000001',
  entManager: 'HRKU-eeeeeeee-0000-4000-8000-000000000002',
  suspended: 'HRKU-ffffffff-0000-4000-8000-000000000001',
  delinquent: 'HRKU-ffffffff-0000-4000-8000-000000000002',
} as const;

export const CANARY = 'canary-value-7f3e9a1c-never-to-be-seen';

/**
 * A small world with one of every situation the API distinguishes: team and
 * personal apps, a hidden team, collaborators from outside, enterprise
 * members with and without permissions, tokens of every scope and state.
 */
export function edgeScenario(): Scenario {
  return {
    version: 1,
    now: '2026-11-20T12:00:00Z',
    accounts: [
      {
        email: 'admin@edge.example',
        name: 'Edge Admin',
        two_factor_authentication: true,
        tokens: [
          { token: T.admin, kind: 'api-key', scope: ['global'], description: 'API Key', created_at: '2026-01-05T10:00:00Z' },
          { token: T.adminRead, scope: ['read'], description: 'read only', created_at: '2026-10-01T10:00:00Z' },
          { token: T.adminIdentity, scope: ['identity'], description: 'identity only', created_at: '2026-10-01T10:00:00Z' },
          {
            token: T.adminProtected,
            scope: ['identity', 'read-protected'],
            description: 'herowatch',
            created_at: '2026-11-01T10:00:00Z',
            expires_in: 31536000,
          },
          { token: T.adminExpired, scope: ['global'], kind: 'cli-login', created_at: '2026-01-01T00:00:00Z', expires_in: 3600 },
          { token: T.adminRevoked, scope: ['global'], description: 'revoked', created_at: '2026-02-01T00:00:00Z', revoked: true },
        ],
      },
      { email: 'member@edge.example', two_factor_authentication: false, tokens: [{ token: T.member, scope: ['global'] }] },
      { email: 'outsider@other.example', tokens: [{ token: T.outsider, scope: ['global'] }] },
      { email: 'collab@other.example', federated: false, tokens: [{ token: T.collab, scope: ['global'] }] },
      { email: 'viewer@edge.example', federated: true, two_factor_authentication: false, tokens: [{ token: T.entViewer, scope: ['global'] }] },
      { email: 'manager@edge.example', tokens: [{ token: T.entManager, scope: ['global'] }] },
      { email: 'suspended@edge.example', suspended_at: '2026-11-01T00:00:00Z', tokens: [{ token: T.suspended, scope: ['global'] }] },
      { email: 'delinquent@edge.example', delinquent_at: '2026-11-10T00:00:00Z', tokens: [{ token: T.delinquent, scope: ['global'] }] },
    ],
    enterprise_accounts: [
      {
        name: 'edge',
        identity_provider: { name: 'edge-okta' },
        members: [
          { email: 'admin@edge.example', permissions: ['view', 'create', 'manage', 'billing'] },
          { email: 'viewer@edge.example', permissions: ['view'] },
          { email: 'manager@edge.example', permissions: ['view', 'manage'] },
          { email: 'member@edge.example', permissions: [] },
        ],
        events: [
          {
            created_at: '2026-10-03T09:00:00Z',
            type: 'app',
            action: 'create',
            actor: 'admin@edge.example',
            app: 'edge-api',
            team: 'edge-core',
            ip_address: '203.0.113.7',
          },
          {
            created_at: '2026-10-28T17:30:00Z',
            type: 'app',
            action: 'destroy',
            actor: 'admin@edge.example',
            app: 'edge-gone',
            team: 'edge-core',
            ip_address: '203.0.113.7',
          },
          {
            created_at: '2026-11-18T08:00:00Z',
            type: 'collaborator',
            action: 'create',
            actor: 'admin@edge.example',
            app: 'edge-api',
            data: { collaborator: 'collab@other.example' },
          },
          { created_at: '2026-11-19T10:15:00Z', type: 'app', action: 'update', actor: 'member@edge.example', app: 'edge-api' },
          {
            created_at: '2026-11-19T11:00:00Z',
            type: 'config_var',
            action: 'update',
            actor: 'admin@edge.example',
            app: 'edge-worker',
            data: { keys: ['LOG_LEVEL'] },
          },
          { created_at: '2026-11-19T23:59:59Z', type: 'account', action: 'login', actor: 'viewer@edge.example', ip_address: '198.51.100.4' },
          { created_at: '2026-11-20T00:00:00Z', type: 'app', action: 'update', actor: 'admin@edge.example', app: 'edge-worker' },
        ],
      },
    ],
    teams: [
      {
        name: 'edge-core',
        enterprise_account: 'edge',
        members: [
          { email: 'admin@edge.example', role: 'admin' },
          { email: 'member@edge.example', role: 'member' },
        ],
      },
      { name: 'edge-secret', enterprise_account: 'edge', members: [{ email: 'admin@edge.example', role: 'admin' }] },
      {
        name: 'plain-team',
        members: [
          { email: 'admin@edge.example', role: 'admin' },
          { email: 'outsider@other.example', role: 'viewer' },
        ],
        features: [
          { name: 'team-invite-acceptance', enabled: true },
          { name: 'preboot', enabled: false },
        ],
      },
    ],
    apps: [
      {
        name: 'edge-api',
        team: 'edge-core',
        acm: true,
        locked: true,
        created_at: '2025-03-01T00:00:00Z',
        config_vars: { STRIPE_SECRET_KEY: CANARY, LOG_LEVEL: 'info' },
        collaborators: [
          { email: 'collab@other.example', permissions: ['view', 'deploy'] },
          { email: 'member@edge.example', permissions: ['view', 'operate'] },
        ],
        domains: [{ hostname: 'api.edge.example' }, { hostname: 'secure.edge.example', sni_endpoint: 'edge-cert' }],
        sni_endpoints: [{ name: 'edge-cert', cert_domains: ['secure.edge.example'], starts_at: '2026-01-01T00:00:00Z', expires_at: '2026-12-01T00:00:00Z' }],
        formation: [
          { type: 'web', quantity: 2, size: 'Standard-1X' },
          { type: 'worker', quantity: 1 },
        ],
        log_drains: [{ url: 'syslog+tls://logs.example.net:6514' }],
        releases: [
          { version: 1, description: 'Initial release', created_at: '2025-03-01T00:00:00Z', slug: null },
          {
            version: 2,
            user: 'member@edge.example',
            created_at: '2026-11-01T09:00:00Z',
            slug: {
              commit: '1a2b3c4d',
              files: { 'package.json': { name: 'edge-api', dependencies: { lodash: '4.17.15' } }, 'lib/server.js': 'module.exports = 1;\n' },
            },
          },
          { version: 3, created_at: '2026-11-10T09:00:00Z', status: 'failed', slug: { commit: 'deadbeef', files: { 'package.json': { name: 'edge-api' } } } },
        ],
      },
      { name: 'edge-worker', team: 'edge-core', stack: 'heroku-22', created_at: '2025-04-01T00:00:00Z', config_vars: { LOG_LEVEL: 'debug' } },
      { name: 'edge-hidden', team: 'edge-secret', created_at: '2025-05-01T00:00:00Z' },
      { name: 'admin-personal', owner: 'admin@edge.example', region: 'eu', created_at: '2024-01-01T00:00:00Z' },
      { name: 'outsider-app', owner: 'outsider@other.example', created_at: '2024-02-01T00:00:00Z', collaborators: [{ email: 'admin@edge.example' }] },
      { name: 'plain-app', team: 'plain-team', created_at: '2024-03-01T00:00:00Z' },
    ],
    addons: [
      {
        name: 'postgresql-edge-1',
        service: 'heroku-postgresql',
        plan: 'standard-0',
        app: 'edge-api',
        attachments: [
          { app: 'edge-api', name: 'DATABASE' },
          { app: 'edge-worker', name: 'API_DATABASE' },
          { app: 'outsider-app', name: 'SHARED_DATABASE' },
        ],
      },
      {
        name: 'redis-hidden-1',
        service: 'heroku-redis',
        plan: 'mini',
        app: 'edge-hidden',
        attachments: [
          { app: 'edge-hidden', name: 'REDIS' },
          { app: 'edge-worker', name: 'HIDDEN_REDIS' },
        ],
      },
      { name: 'papertrail-edge-1', service: 'papertrail', plan: 'choklad', app: 'edge-worker' },
    ],
    pipelines: [
      {
        name: 'edge',
        owner: { team: 'edge-core' },
        couplings: [
          { app: 'edge-api', stage: 'production' },
          { app: 'edge-worker', stage: 'staging' },
        ],
      },
      { name: 'secret-pipeline', owner: { team: 'edge-secret' }, couplings: [{ app: 'edge-hidden', stage: 'production' }] },
    ],
  };
}

/**
 * A team with `count` apps whose `updated_at` repeats in runs of `run`
 * (so a page boundary can fall inside a run of equal sort values).
 */
export function manyAppsScenario(count: number, run = 7): Scenario {
  const base = Date.parse('2026-01-01T00:00:00Z');
  return {
    version: 1,
    now: '2026-11-20T12:00:00Z',
    accounts: [{ email: 'bulk@bulk.example', tokens: [{ token: T.admin, scope: ['global'] }] }],
    teams: [{ name: 'bulk', members: [{ email: 'bulk@bulk.example', role: 'admin' }] }],
    apps: Array.from({ length: count }, (_, i) => ({
      name: `bulk-app-${String(i).padStart(5, '0')}`,
      team: 'bulk',
      created_at: '2025-01-01T00:00:00Z',
      updated_at: new Date(base + Math.floor(i / run) * 3_600_000).toISOString().replace('.000Z', 'Z'),
    })),
  };
}

/** The edge world, with edge-worker a Fir app: its release runs an OCI image, which Heroku offers no download of. */
export function firScenario(): Scenario {
  const world = edgeScenario();
  const worker = world.apps!.find((a) => a.name === 'edge-worker')!;
  Object.assign(worker, {
    generation: 'fir',
    releases: [{ version: 1, created_at: '2026-10-01T00:00:00Z', oci_image: { id: '8d0e3f6a-1b2c-4d5e-8f9a-0b1c2d3e4f5a' } }],
  });
  return world;
}
