import { SNI_ENDPOINT_NAMES } from '../world/catalog.js';
import type { PipelineStage, ScenarioApp, ScenarioCollaborator, ScenarioDomain, ScenarioRelease, ScenarioSniEndpoint } from '../scenario/types.js';
import type { GeneratedTeam, Person } from './people.js';
import { COMPONENTS, FIRST_NAMES } from './names.js';
import type { GenerateOptions } from './options.js';
import type { Planted } from './planted.js';
import type { Random } from './random.js';
import { LANGUAGE_WEIGHTS, slugTemplate } from './slug-templates.js';

export interface GeneratedApp {
  scenario: ScenarioApp;
  /** The pipeline (service) the app belongs to; null for personal apps. */
  service: string | null;
  stage: PipelineStage | null;
  language: string;
  team: GeneratedTeam | null;
}

interface AppsContext {
  now: number;
  domain: string;
  teams: GeneratedTeam[];
  people: Person[];
  planted: Planted;
}

const DAY = 86_400_000;
const ENVIRONMENTS: [string[], number][] = [
  [['prod', 'staging'], 70],
  [['prod', 'staging', 'dev'], 20],
  [['prod'], 10],
];
const STAGE: Record<string, PipelineStage> = { prod: 'production', staging: 'staging', dev: 'development' };
const HOST_LABELS = ['', 'www', 'eu', 'us', 'admin', 'status', 'assets', 'm', 'beta', 'docs', 'app', 'cdn'];

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function generateApps(random: Random, options: GenerateOptions, ctx: AppsContext): GeneratedApp[] {
  const apps: GeneratedApp[] = [];
  const personal = ctx.teams.length === 0 ? options.apps : Math.floor(options.apps * 0.04);
  const serials = new Map<string, number>();
  const layout = random.fork('layout');
  let left = options.apps - personal;
  while (left > 0) {
    const team = layout.pick(ctx.teams);
    const component = layout.pick(COMPONENTS);
    const key = `${team.short}-${component}`;
    const serial = (serials.get(key) ?? 0) + 1;
    serials.set(key, serial);
    const service = serial === 1 ? key : `${key}${serial}`;
    const envs = layout.weighted(ENVIRONMENTS).slice(0, left);
    for (const env of envs) {
      apps.push({ scenario: { name: `${service}-${env}`, team: team.name }, service, stage: STAGE[env]!, language: '', team });
    }
    left -= envs.length;
  }
  const employees = ctx.people.filter((p) => !p.contractor);
  for (let i = 0; i < personal; i++) {
    const owner = employees[i % Math.max(1, employees.length)] ?? { email: `owner@${ctx.domain}` };
    const first = owner.email.split(/[.@]/)[0] ?? layout.pick(FIRST_NAMES);
    apps.push({ scenario: { name: `${first.slice(0, 10)}-sandbox-${i + 1}`, owner: owner.email }, service: null, stage: null, language: '', team: null });
  }

  const production = apps.filter((a) => a.stage === 'production');
  const domainCounts = production.map(
    (_, i) => Math.floor(options.domains / Math.max(1, production.length)) + (i < options.domains % Math.max(1, production.length) ? 1 : 0),
  );
  const details = random.fork('details');
  apps.forEach((app) => describeApp(details.fork(app.scenario.name), options, ctx, app));
  production.forEach((app, i) => addDomains(details.fork(`domains/${app.scenario.name}`), options, ctx, app, domainCounts[i]!));
  return apps;
}

function describeApp(random: Random, options: GenerateOptions, ctx: AppsContext, app: GeneratedApp): void {
  const { rates } = options;
  const s = app.scenario;
  const prod = app.stage === 'production';
  app.language = random.weighted(LANGUAGE_WEIGHTS);
  s.region = random.chance(0.85) ? 'us' : 'eu';
  // Drawn from a stream of its own, so that adding it left every other draw of the world as it was.
  const fir = random.fork('generation').chance(rates.firApp);
  const eol = random.chance(rates.eolStack);
  if (fir) {
    // Fir runs on the current stack only.
    s.stack = 'heroku-24';
  } else if (eol) {
    s.stack = random.pick(['heroku-20', 'heroku-18', 'heroku-16', 'cedar-14']);
    ctx.planted.eol_stack_apps.push(s.name);
  } else {
    s.stack = random.chance(0.65) ? 'heroku-24' : 'heroku-22';
  }
  const created = ctx.now - random.int(30, 900) * DAY - random.int(0, DAY - 1);
  s.created_at = iso(created);
  if (app.team) {
    s.locked = prod && !random.chance(rates.unlockedProduction);
    if (prod && !s.locked) ctx.planted.unlocked_production_apps.push(s.name);
  }
  s.acm = prod;
  s.maintenance = false;
  s.config_vars = configVars(random, app);
  s.formation = formation(random, app);
  if (prod ? !random.chance(rates.noLogDrain) : random.chance(0.2)) {
    s.log_drains = [{ url: `syslog+tls://logs${random.int(1, 9)}.papertrailapp.com:${random.int(10000, 59999)}` }];
  } else if (prod) {
    ctx.planted.production_apps_without_log_drain.push(s.name);
  }
  s.collaborators = collaborators(random, options, ctx, app);
  const vulnerable = random.chance(rates.vulnerableSlug);
  const history = random.fork('history');
  const count = history.chance(rates.longHistory) ? history.int(25, 40) : null;
  s.releases = releases(random, app, created, ctx.now, vulnerable, count);
  if (fir) {
    s.generation = 'fir';
    for (const release of s.releases) {
      if (release.slug) release.oci_image = {};
      delete release.slug;
    }
    ctx.planted.apps_without_slug.push(s.name);
  } else if (vulnerable) {
    const template = slugTemplate(app.language, true);
    ctx.planted.vulnerable_apps[s.name] = { ecosystem: template.ecosystem, packages: template.vulnerablePackages, dev_only: template.devOnlyPackages };
  }
  // Heroku's retention: a release older than 30 days and more than 20 releases back loses its slug (or image).
  const versions = s.releases.length;
  for (const release of s.releases) {
    if (release.version <= versions - 20 && Date.parse(release.created_at!) < ctx.now - 30 * DAY && (release.slug || release.oci_image)) {
      release.status = 'expired';
      ctx.planted.expired_releases.push(`${s.name}/v${release.version}`);
    }
  }
}

function configVars(random: Random, app: GeneratedApp): Record<string, string> {
  const secret = (n = 40): string => `emulated-${random.hex(n)}`;
  const vars: Record<string, string> = { LOG_LEVEL: random.pick(['info', 'warn', 'debug']) };
  switch (app.language) {
    case 'node':
      Object.assign(vars, { NODE_ENV: 'production', NPM_CONFIG_PRODUCTION: 'true' });
      break;
    case 'python':
      Object.assign(vars, { DJANGO_SETTINGS_MODULE: 'app.settings', SECRET_KEY: secret() });
      break;
    case 'ruby':
      Object.assign(vars, { RAILS_ENV: 'production', RACK_ENV: 'production', SECRET_KEY_BASE: secret(64), RAILS_MASTER_KEY: secret(32) });
      break;
    case 'go':
      vars.GIN_MODE = 'release';
      break;
    case 'php':
      Object.assign(vars, { APP_ENV: 'production', APP_KEY: `base64:${secret(32)}` });
      break;
    default:
      vars.JAVA_OPTS = '-Xmx300m -Xss512k';
  }
  if (['pay', 'chk', 'bill', 'ldg', 'prc'].some((p) => app.team?.short.startsWith(p))) vars.STRIPE_SECRET_KEY = secret(32);
  if (random.chance(0.3)) vars.SENTRY_DSN = `https://${random.hex(32)}@o${random.int(10000, 99999)}.ingest.sentry.example/${random.int(100, 999)}`;
  if (random.chance(0.2)) Object.assign(vars, { AWS_ACCESS_KEY_ID: `EMULATED${random.hex(12).toUpperCase()}`, AWS_SECRET_ACCESS_KEY: secret() });
  if (random.chance(0.25)) vars.JWT_SECRET = secret(48);
  if (random.chance(0.05)) vars.GITHUB_TOKEN = secret(36);
  return vars;
}

function formation(random: Random, app: GeneratedApp): NonNullable<ScenarioApp['formation']> {
  if (app.stage === 'production') {
    const entries = [{ type: 'web', quantity: random.int(2, 4), size: random.pick(['Standard-2X', 'Performance-M']) }];
    if (random.chance(0.4)) entries.push({ type: 'worker', quantity: random.int(1, 3), size: 'Standard-2X' });
    return entries;
  }
  if (app.stage === null) return [{ type: 'web', quantity: 1, size: random.pick(['Eco', 'Basic']) }];
  const entries = [{ type: 'web', quantity: 1, size: app.stage === 'staging' ? 'Standard-1X' : 'Basic' }];
  if (random.chance(0.3)) entries.push({ type: 'worker', quantity: 1, size: 'Standard-1X' });
  return entries;
}

function collaborators(random: Random, options: GenerateOptions, ctx: AppsContext, app: GeneratedApp): ScenarioCollaborator[] {
  const list: ScenarioCollaborator[] = [];
  const add = (email: string, permissions?: ScenarioCollaborator['permissions']): void => {
    if (list.some((c) => c.email === email) || email === app.scenario.owner) return;
    list.push(permissions ? { email, permissions } : { email });
    if (!email.endsWith(`@${ctx.domain}`)) ctx.planted.external_collaborators.push(`${app.scenario.name}/${email}`);
  };
  if (app.team) {
    const joinable = app.team.members.filter((m) => m.role === 'member' || m.role === 'viewer');
    for (const member of random.sample(joinable, random.int(0, 2))) {
      add(member.email, random.chance(0.5) ? ['view', 'deploy'] : ['view', 'deploy', 'operate']);
    }
    // Contractors with the team's `collaborator` role see only the apps they are added to.
    for (const member of app.team.members.filter((m) => m.role === 'collaborator')) {
      if (random.chance(0.3)) add(member.email, ['view', 'deploy']);
    }
    if (random.chance(options.rates.externalCollaborator)) {
      const contractor = random.pick(ctx.people.filter((p) => p.contractor));
      add(contractor.email, ['view', 'deploy']);
    }
  } else if (random.chance(0.3)) {
    add(random.pick(ctx.people.filter((p) => !p.contractor)).email);
  }
  return list;
}

function releases(random: Random, app: GeneratedApp, created: number, now: number, vulnerable: boolean, long: number | null): ScenarioRelease[] {
  // A long history is drawn apart (`long`), so the draws below stay those of every other app.
  const drawn = random.int(2, 5);
  const count = long ?? drawn;
  const lastAt = now - random.int(1, app.stage === 'production' ? 45 : 120) * DAY - random.int(0, DAY - 1);
  const step = Math.max(1, Math.floor((Math.max(lastAt, created + DAY) - created) / count));
  const list: ScenarioRelease[] = [];
  let previousAt = created;
  for (let version = 1; version <= count; version++) {
    const drawnAt = version === count ? Math.max(lastAt, previousAt + 60_000) : created + (version - 1) * step + random.int(0, Math.floor(step / 2));
    // v1 is the app's creation (the draw above is still made, so every later draw stays as it was).
    const at = version === 1 && count > 1 ? created : drawnAt;
    previousAt = at;
    const current = version === count;
    if (version === 1) {
      list.push({ version, description: 'Initial release', created_at: iso(at), status: 'succeeded', slug: null });
    } else if (current || random.chance(0.7)) {
      const commit = random.hex(40);
      list.push({
        version,
        description: `Deploy ${commit.slice(0, 8)}`,
        created_at: iso(at),
        status: !current && random.chance(0.05) ? 'failed' : 'succeeded',
        slug: {
          commit,
          files: slugTemplate(app.language, current && vulnerable).files,
          binary_files: slugTemplate(app.language, current && vulnerable).binaryFiles,
        },
      });
    } else {
      list.push({
        version,
        description: `Set ${random.pick(['LOG_LEVEL', 'FEATURE_FLAGS', 'WEB_CONCURRENCY'])} config vars`,
        created_at: iso(at),
        status: 'succeeded',
        slug: null,
      });
    }
  }
  return list;
}

function addDomains(random: Random, options: GenerateOptions, ctx: AppsContext, app: GeneratedApp, count: number): void {
  if (count === 0) return;
  const s = app.scenario;
  const { rates } = options;
  const base = `${s.name.replace(/-prod$/, '')}.${app.team?.dept ?? 'apps'}.${ctx.domain}`;
  const hostnames = Array.from({ length: count }, (_, i) => {
    const label = HOST_LABELS[i % HOST_LABELS.length]!;
    const round = Math.floor(i / HOST_LABELS.length);
    const prefix = round === 0 ? label : `${label || 'h'}${round + 1}`;
    return prefix ? `${prefix}.${base}` : base;
  });
  const domains: ScenarioDomain[] = hostnames.map((hostname) => ({ hostname }));
  s.domains = domains;

  if (random.chance(rates.noTls)) {
    s.acm = false;
    ctx.planted.apps_without_tls.push(s.name);
    ctx.planted.custom_domains_without_tls.push(...hostnames);
    return;
  }
  if (random.chance(rates.manualCert)) {
    s.acm = false;
    const name = `${random.pick(SNI_ENDPOINT_NAMES)}-${random.int(10000, 99999)}`;
    const endpoint: ScenarioSniEndpoint = {
      name,
      cert_domains: hostnames,
      starts_at: iso(ctx.now - random.int(60, 300) * DAY),
      expires_at: iso(ctx.now + random.int(60, 330) * DAY),
      issuer: '/C=US/O=DigiCert Inc/CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1',
    };
    const fate = random.next();
    const key = `${s.name}/${name}`;
    if (fate < rates.expiredCert) {
      endpoint.expires_at = iso(ctx.now - random.int(1, 60) * DAY);
      ctx.planted.expired_certificates.push(key);
      ctx.planted.custom_domains_without_tls.push(...hostnames);
    } else if (fate < rates.expiredCert + rates.expiringCert) {
      endpoint.expires_at = iso(ctx.now + random.int(1, 29) * DAY);
      ctx.planted.expiring_certificates.push(key);
    } else if (fate < rates.expiredCert + rates.expiringCert + rates.selfSignedCert) {
      endpoint.self_signed = true;
      endpoint.ca_signed = false;
      endpoint.issuer = `/CN=${hostnames[0]}`;
      ctx.planted.self_signed_certificates.push(key);
    }
    s.sni_endpoints = [endpoint];
    for (const domain of domains) domain.sni_endpoint = name;
    return;
  }
  for (const domain of domains) {
    if (random.chance(rates.acmFailing)) {
      domain.acm_status = 'failing';
      domain.acm_status_reason = 'CAA record prevents issuance by Let\u2019s Encrypt';
      ctx.planted.acm_failing_domains.push(domain.hostname);
      ctx.planted.custom_domains_without_tls.push(domain.hostname);
    } else {
      domain.acm_status = 'cert issued';
    }
  }
}
