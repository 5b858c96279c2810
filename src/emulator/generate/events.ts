import type { ScenarioApp, ScenarioEvent } from '../scenario/types.js';
import { ACTIONS_BY_TYPE } from './names.js';
import type { GenerateOptions } from './options.js';
import type { Random } from './random.js';

const DAY = 86_400_000;
const TYPE_WEIGHTS: [string, number][] = [
  ['app', 10],
  ['collaborator', 6],
  ['addon', 8],
  ['config_var', 14],
  ['domain', 4],
  ['formation', 10],
  ['release', 30],
  ['team_member', 4],
  ['authorization', 3],
  ['account', 11],
];

interface EventsContext {
  now: number;
  apps: ScenarioApp[];
  teams: string[];
  actors: string[];
}

/** An audit trail: `days` days ending now, about `eventsPerDay` events a day, never in the future. */
export function generateEvents(random: Random, options: GenerateOptions, ctx: EventsContext): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  if (ctx.actors.length === 0) return events;
  const today = Math.floor(ctx.now / DAY) * DAY;
  for (let d = options.days - 1; d >= 0; d--) {
    const dayStart = today - d * DAY;
    const dayEnd = Math.min(dayStart + DAY, ctx.now);
    if (dayEnd <= dayStart) continue;
    const count = Math.round(options.eventsPerDay * (0.7 + 0.6 * random.next()) * ((dayEnd - dayStart) / DAY));
    const times = Array.from({ length: count }, () => dayStart + Math.floor(random.next() * (dayEnd - dayStart))).sort((a, b) => a - b);
    for (const time of times) {
      const type = random.weighted(TYPE_WEIGHTS);
      const action = random.pick(ACTIONS_BY_TYPE[type]!);
      const event: ScenarioEvent = {
        created_at: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        type,
        action,
        actor: random.pick(ctx.actors),
        ip_address: `${random.pick(['203.0.113', '198.51.100', '192.0.2'])}.${random.int(1, 254)}`,
        data: {},
      };
      if (type === 'team_member') {
        event.team = random.pick(ctx.teams);
        event.data = { member: random.pick(ctx.actors), role: random.pick(['admin', 'member', 'viewer']) };
      } else if (type !== 'account' && type !== 'authorization' && ctx.apps.length > 0) {
        const app = random.pick(ctx.apps);
        event.app = app.name;
        if (app.team) event.team = app.team;
        if (type === 'config_var') event.data = { keys: [random.pick(Object.keys(app.config_vars ?? { LOG_LEVEL: '' }))] };
        if (type === 'release') event.data = { version: random.int(2, 400) };
      }
      events.push(event);
    }
  }
  return events;
}
