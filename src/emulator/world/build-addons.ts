import type { BuildContext } from './build-context.js';
import { ADDON_SERVICES, type AddonServiceInfo } from './catalog.js';
import { deriveHex, deriveId } from './ids.js';
import { isoSeconds } from './time.js';
import type { Addon, AddonService, App, Attachment } from './types.js';

/** Heroku names further attachments of a service after colours. */
const COLOURS = [
  'AMBER',
  'BLUE',
  'BRONZE',
  'CHARCOAL',
  'COBALT',
  'COPPER',
  'CRIMSON',
  'CYAN',
  'GOLD',
  'GRAY',
  'GREEN',
  'IVORY',
  'JADE',
  'MAROON',
  'NAVY',
  'OLIVE',
  'ONYX',
  'ORANGE',
  'PINK',
  'PURPLE',
  'RED',
  'ROSE',
  'SILVER',
  'TEAL',
  'WHITE',
  'YELLOW',
];

export function buildServiceCatalog(ctx: BuildContext): void {
  const custom = new Map((ctx.scenario.addon_services ?? []).map((s, i) => [s.name, { source: s, index: i }]));
  const infos: { info: AddonServiceInfo; given: Record<string, unknown>; planGiven: Map<string, Record<string, unknown>> }[] = [];
  for (const info of ADDON_SERVICES) if (!custom.has(info.name)) infos.push({ info, given: {}, planGiven: new Map() });
  for (const { source, index } of custom.values()) {
    const prefix = source.attachment_name ?? source.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    const plans = source.plans.map((plan) => {
      const price = (plan.price as { cents?: unknown } | undefined)?.cents;
      return { name: plan.name, cents: typeof price === 'number' ? price : 0 };
    });
    const seen = new Set<string>();
    source.plans.forEach((plan, j) => {
      if (seen.has(plan.name)) ctx.problem(`plan ${plan.name} is listed twice`, 'addon_services', index, 'plans', j, 'name');
      seen.add(plan.name);
    });
    infos.push({
      info: {
        name: source.name,
        human_name: typeof source.human_name === 'string' ? source.human_name : source.name,
        attachment_name: prefix,
        config_vars: source.config_vars ?? [`${prefix}_URL`],
        data_store: source.data_store ?? false,
        state: (source.state as AddonServiceInfo['state'] | undefined) ?? 'ga',
        plans,
        created_at: typeof source.created_at === 'string' ? isoSeconds(source.created_at) : '2015-01-01T00:00:00Z',
      },
      given: ctx.given('addonService', source),
      planGiven: new Map(source.plans.map((plan) => [plan.name, ctx.given('plan', plan)])),
    });
  }
  for (const { info, given, planGiven } of infos) {
    const service: AddonService = { id: deriveId('addon-service', info.name), info, plans: [], given };
    ctx.world.services.add(service, info.name);
    for (const plan of info.plans) {
      const entry = {
        id: deriveId('plan', info.name, plan.name),
        name: `${info.name}:${plan.name}`,
        service,
        cents: plan.cents,
        given: planGiven.get(plan.name) ?? {},
      };
      service.plans.push(entry);
      ctx.world.plans.add(entry, entry.name);
    }
  }
}

export function buildAddons(ctx: BuildContext): void {
  const { world } = ctx;
  (ctx.scenario.addons ?? []).forEach((source, i) => {
    if (world.addons.find(source.name)) return ctx.problem(`duplicate add-on ${source.name}`, 'addons', i, 'name');
    const service = world.services.find(source.service);
    if (!service) {
      return ctx.problem(
        `unknown add-on service ${source.service}; define it under addon_services or use one of ${[...world.services.byKey.keys()].join(', ')}`,
        'addons',
        i,
        'service',
      );
    }
    const plan = world.plans.find(`${service.info.name}:${source.plan}`);
    if (!plan) {
      return ctx.problem(
        `${service.info.name} has no plan ${source.plan}; its plans are ${service.info.plans.map((p) => p.name).join(', ')}`,
        'addons',
        i,
        'plan',
      );
    }
    const app = world.apps.find(source.app);
    if (!app) return ctx.problem(`no app named ${source.app}`, 'addons', i, 'app');
    const createdAt = ctx.createdAt(source.created_at, app.createdAt, 'addon', source.name);
    const addon: Addon = {
      id: typeof source.id === 'string' ? source.id.toLowerCase() : deriveId('addon', source.name),
      name: source.name,
      service,
      plan,
      app,
      configVars: [],
      attachments: [],
      createdAt,
      updatedAt: typeof source.updated_at === 'string' ? isoSeconds(source.updated_at) : createdAt,
      given: ctx.given('addon', source),
    };
    world.addons.add(addon, source.name);
    app.ownedAddons.push(addon);

    const requested = source.attachments ?? [{ app: app.name, name: freeAttachmentName(app, service.info) }];
    requested.forEach((entry, j) => {
      const target = world.apps.find(entry.app);
      if (!target) return ctx.problem(`no app named ${entry.app}`, 'addons', i, 'attachments', j, 'app');
      if (target.attachments.some((a) => a.name === entry.name)) {
        return ctx.problem(`${target.name} already has an attachment named ${entry.name}`, 'addons', i, 'attachments', j, 'name');
      }
      const at = ctx.createdAt(entry.created_at, latestOf(createdAt, target.createdAt), 'attachment', addon.name, target.name, entry.name);
      const attachment: Attachment = {
        id: deriveId('addon-attachment', addon.name, target.name, entry.name),
        addon,
        app: target,
        name: entry.name,
        configVars: [],
        createdAt: at,
        updatedAt: at,
        given: ctx.given('attachment', entry),
      };
      addon.attachments.push(attachment);
      target.attachments.push(attachment);
      world.attachments.set(attachment.id, attachment);
    });

    // The add-on's config vars are named after its attachment on the billing app;
    // every attachment exposes the same credentials under its own prefix.
    const primary = addon.attachments.find((a) => a.app === app) ?? addon.attachments[0];
    const base = primary?.name ?? service.info.attachment_name;
    addon.configVars = source.config_vars ?? renameVars(service.info.config_vars, service.info.attachment_name, base);
    const values = addon.configVars.map((name) => primary?.app.configVars.get(name) ?? fakeValue(service.info, name, addon.name));
    for (const attachment of addon.attachments) {
      attachment.configVars = renameVars(addon.configVars, base, attachment.name);
      attachment.configVars.forEach((name, k) => {
        if (!attachment.app.configVars.has(name)) attachment.app.configVars.set(name, values[k]!);
      });
    }
  });
}

function latestOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function freeAttachmentName(app: App, service: AddonServiceInfo): string {
  const taken = new Set(app.attachments.map((a) => a.name));
  if (!taken.has(service.attachment_name)) return service.attachment_name;
  const stem = service.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  for (const colour of COLOURS) if (!taken.has(`${stem}_${colour}`)) return `${stem}_${colour}`;
  return `${stem}_${taken.size}`;
}

/** `DATABASE_URL` seen through the attachment `PROD_DATABASE` is `PROD_DATABASE_URL`. */
function renameVars(vars: string[], from: string, to: string): string[] {
  if (from === to) return [...vars];
  return vars.map((name) => (name.startsWith(`${from}_`) ? `${to}${name.slice(from.length)}` : `${to}_${name}`));
}

/** A plausible, deterministic secret for a config var an add-on sets. */
function fakeValue(service: AddonServiceInfo, name: string, addon: string): string {
  const hex = (n: number, tag: string): string => deriveHex(n, 'config-value', addon, name, tag);
  if (name.endsWith('_URL')) {
    switch (service.name) {
      case 'heroku-postgresql':
        return `postgres://u${hex(12, 'user')}:p${hex(40, 'password')}@c${hex(8, 'host')}.cluster-${hex(10, 'cluster')}.us-east-1.rds.amazonaws.com:5432/d${hex(12, 'db')}`;
      case 'heroku-redis':
        return `rediss://:p${hex(40, 'password')}@ec2-${hex(8, 'host')}.compute-1.amazonaws.com:${6000 + parseInt(hex(3, 'port'), 16)}`;
      case 'heroku-kafka':
        return `kafka+ssl://ec2-${hex(8, 'a')}.compute-1.amazonaws.com:9096,kafka+ssl://ec2-${hex(8, 'b')}.compute-1.amazonaws.com:9096`;
      default:
        return `https://${hex(10, 'user')}:${hex(24, 'password')}@${service.name}.example-provider.com/${hex(8, 'path')}`;
    }
  }
  return hex(32, 'value');
}
