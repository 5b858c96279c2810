import { errors } from '../http/errors.js';
import { addonServiceJson, expandedAddonJson, includedAttachmentJson, planJson } from '../representations/addons.js';
import type { Attachment } from '../world/types.js';
import type { Addon } from '../world/types.js';
import { appFor, byIdentity, requireSelf } from './lookup.js';
import { get, type RouteContext, type RouteSpec } from './route.js';

export function addonFor(ctx: RouteContext, identity = ctx.params.addon!): Addon {
  const addon = ctx.world.addons.find(identity);
  if (!addon || !ctx.access.canSeeAddon(ctx.viewer, addon)) throw errors.notFound('addon', 'add-on');
  return addon;
}

const included = (ctx: RouteContext, attachment: Attachment) => includedAttachmentJson(attachment, ctx.inclusions);

function serviceFor(ctx: RouteContext) {
  const service = ctx.world.services.find(ctx.params.service!);
  if (!service) throw errors.notFound('addon_service', 'add-on service');
  return service;
}

export const addonRoutes: RouteSpec[] = [
  get('/addons', 'read', (ctx) => ({ list: ctx.access.visibleAddons(ctx.viewer).map((a) => expandedAddonJson(a, ctx.expansions)) })),
  get('/addons/:addon', 'read', (ctx) => ({ json: expandedAddonJson(addonFor(ctx), ctx.expansions) })),
  get('/apps/:app/addons', 'read', (ctx) => {
    const app = appFor(ctx);
    // An app's add-ons include the ones attached to it from other apps.
    const addons = new Set<Addon>(app.ownedAddons);
    for (const attachment of app.attachments) addons.add(attachment.addon);
    return { list: [...addons].map((a) => expandedAddonJson(a, ctx.expansions)) };
  }),
  get('/apps/:app/addons/:addon', 'read', (ctx) => {
    const app = appFor(ctx);
    const addon = addonFor(ctx);
    if (addon.app !== app && !addon.attachments.some((a) => a.app === app)) throw errors.notFound('addon', 'add-on');
    return { json: expandedAddonJson(addon, ctx.expansions) };
  }),
  get('/addons/:addon/addon-attachments', 'read', (ctx) => ({
    list: addonFor(ctx)
      .attachments.filter((a) => ctx.access.canSeeApp(ctx.viewer, a.app))
      .map((a) => included(ctx, a)),
  })),
  get('/addon-attachments', 'read', (ctx) => ({ list: ctx.access.visibleAttachments(ctx.viewer).map((a) => included(ctx, a)) })),
  get('/addon-attachments/:attachment', 'read', (ctx) => {
    const attachment = ctx.world.attachments.get(ctx.params.attachment!.toLowerCase());
    if (!attachment || !ctx.access.canSeeApp(ctx.viewer, attachment.app)) throw errors.notFound('attachment', 'add-on attachment');
    return { json: included(ctx, attachment) };
  }),
  get('/apps/:app/addon-attachments', 'read', (ctx) => ({ list: appFor(ctx).attachments.map((a) => included(ctx, a)) })),
  get('/apps/:app/addon-attachments/:attachment', 'read', (ctx) => {
    const attachment = byIdentity(appFor(ctx).attachments, ctx.params.attachment!, (a) => a.name);
    if (!attachment) throw errors.notFound('attachment', 'add-on attachment');
    return { json: included(ctx, attachment) };
  }),
  get('/addon-services', 'read', (ctx) => ({ list: [...ctx.world.services.values()].map(addonServiceJson) })),
  get('/addon-services/:service', 'read', (ctx) => ({ json: addonServiceJson(serviceFor(ctx)) })),
  get('/addon-services/:service/plans', 'read', (ctx) => ({ list: serviceFor(ctx).plans.map(planJson) })),
  get('/addon-services/:service/plans/:plan', 'read', (ctx) => {
    const service = serviceFor(ctx);
    const plan = byIdentity(
      service.plans,
      ctx.params.plan!,
      (p) => p.name,
      (p) => p.name.split(':')[1]!,
    );
    if (!plan) throw errors.notFound('plan');
    return { json: planJson(plan) };
  }),
  get('/plans/:plan', 'read', (ctx) => {
    const plan = ctx.world.plans.find(ctx.params.plan!);
    if (!plan) throw errors.notFound('plan');
    return { json: planJson(plan) };
  }),

  get('/users/:user/addons', 'read', (ctx) => {
    requireSelf(ctx);
    return { list: ctx.access.visibleAddons(ctx.viewer).map((a) => expandedAddonJson(a, ctx.expansions)) };
  }),
];
