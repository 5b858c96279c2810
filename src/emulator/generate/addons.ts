import type { ScenarioAddon } from '../scenario/types.js';
import type { GeneratedApp } from './apps.js';
import type { GenerateOptions } from './options.js';
import type { Planted } from './planted.js';
import type { Random } from './random.js';

const ADJECTIVES = [
  'amorphous',
  'clean',
  'rugged',
  'shallow',
  'silhouetted',
  'vertical',
  'curly',
  'deep',
  'fluffy',
  'graceful',
  'opaque',
  'polished',
  'solid',
  'spherical',
  'triangular',
];
const EXTRAS: [string, string, number][] = [
  ['scheduler', 'standard', 20],
  ['papertrail', 'choklad', 10],
  ['sendgrid', 'starter', 12],
  ['sentry', 'f1', 12],
  ['newrelic', 'wayne', 10],
  ['memcachier', 'dev', 8],
  ['bucketeer', 'hobbyist', 8],
  ['cloudamqp', 'lemur', 8],
  ['rediscloud', '30', 6],
  ['bonsai', 'sandbox', 6],
];

/**
 * Add-ons the way teams provision them: a Postgres database per production
 * and staging app (and a Key-Value Store for some production apps), then
 * assorted services up to the requested count. Some production databases are
 * also attached to their staging app, a planted imperfection.
 */
export function generateAddons(random: Random, options: GenerateOptions, apps: GeneratedApp[], planted: Planted): ScenarioAddon[] {
  const addons: ScenarioAddon[] = [];
  const names = new Set<string>();
  const nameFor = (kind: string): string => {
    let name: string;
    do name = `${kind}-${random.pick(ADJECTIVES)}-${random.int(10000, 99999)}`;
    while (names.has(name));
    names.add(name);
    return name;
  };
  const byService = new Map<string, GeneratedApp[]>();
  for (const app of apps) if (app.service) byService.set(app.service, [...(byService.get(app.service) ?? []), app]);

  for (const app of apps) {
    if (addons.length >= options.addons) break;
    const s = app.scenario;
    if (app.stage === 'production') {
      const database: ScenarioAddon = {
        name: nameFor('postgresql'),
        service: 'heroku-postgresql',
        plan: random.pick(['standard-0', 'standard-2', 'premium-0']),
        app: s.name,
      };
      const staging = byService.get(app.service!)?.find((a) => a.stage === 'staging');
      if (staging && random.chance(options.rates.prodDbOnStaging)) {
        database.attachments = [
          { app: s.name, name: 'DATABASE' },
          { app: staging.scenario.name, name: 'PROD_DATABASE' },
        ];
        planted.production_db_on_non_production.push(`${database.name} -> ${staging.scenario.name}`);
      }
      addons.push(database);
      if (addons.length < options.addons && random.chance(0.5)) {
        addons.push({ name: nameFor('redis'), service: 'heroku-redis', plan: random.pick(['premium-0', 'premium-1']), app: s.name });
      }
    } else if (app.stage === 'staging' || (app.stage === null && random.chance(0.5))) {
      addons.push({ name: nameFor('postgresql'), service: 'heroku-postgresql', plan: 'essential-0', app: s.name });
    }
  }
  const extras = random.fork('extras');
  const taken = new Set(addons.map((a) => `${a.app}|${a.service}`));
  let attempts = 0;
  while (addons.length < options.addons && apps.length > 0 && attempts < options.addons * 20) {
    attempts++;
    const app = extras.pick(apps);
    const [service, plan] = extras.weighted(EXTRAS.map(([svc, pl, weight]) => [[svc, pl] as const, weight] as const));
    if (taken.has(`${app.scenario.name}|${service}`)) continue;
    taken.add(`${app.scenario.name}|${service}`);
    addons.push({ name: nameFor(service), service, plan, app: app.scenario.name });
  }
  return addons;
}
