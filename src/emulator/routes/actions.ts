import { errors } from '../http/errors.js';
import { expandedAddonJson, includedAttachmentJson } from '../representations/addons.js';
import { teamAppJson } from '../representations/apps.js';
import { deriveId } from '../world/ids.js';
import { isoSeconds } from '../world/time.js';
import type { Addon, App, Attachment } from '../world/types.js';
import { appFor } from './lookup.js';
import type { RouteContext, RouteSpec } from './route.js';

/** A POST that only reads: answered like a GET, at the same cost. */
const read = (path: string, handler: RouteSpec['handler']): RouteSpec => ({ method: 'POST', path, access: 'read', handler });

function body(ctx: RouteContext): Record<string, unknown> {
  return ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : {};
}

function stringField(ctx: RouteContext, name: string, required: boolean): string | undefined {
  const value = body(ctx)[name];
  if (value === undefined || value === null) {
    if (required) throw errors.invalidParams(`${name} is required.`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') throw errors.invalidParams(`${name} must be a string.`);
  return value;
}

/** The app a resolve names, or null; one the viewer cannot see is not found. */
function namedApp(ctx: RouteContext): App | null {
  const name = stringField(ctx, 'app', false);
  return name ? appFor(ctx, name) : null;
}

function ofService(ctx: RouteContext) {
  const service = stringField(ctx, 'addon_service', false);
  return (addon: Addon): boolean => !service || addon.service.info.name === service || addon.service.id === service;
}

/**
 * Heroku's resolvers, which the CLI calls for every add-on or attachment a
 * user names: an add-on by id or name, or through one of the app's
 * attachments by its name (`DATABASE`); an attachment by id, or by name on
 * the app. Every match is returned (the CLI says when there are several);
 * none is a 404.
 */
export const actionRoutes: RouteSpec[] = [
  read('/actions/addons/resolve', (ctx) => {
    const wanted = stringField(ctx, 'addon', true)!.toLowerCase();
    const app = namedApp(ctx);
    const matches = new Set<Addon>();
    for (const addon of ctx.access.visibleAddons(ctx.viewer)) if (addon.id === wanted || addon.name.toLowerCase() === wanted) matches.add(addon);
    if (app) for (const attachment of app.attachments) if (attachment.name.toLowerCase() === wanted) matches.add(attachment.addon);
    const found = [...matches].filter(ofService(ctx)).filter((addon) => !app || addon.app === app || addon.attachments.some((a) => a.app === app));
    if (found.length === 0) throw errors.notFound('add_on', 'add-on');
    return { json: found.map((addon) => expandedAddonJson(addon, ctx.expansions)) };
  }),
  read('/actions/addon-attachments/resolve', (ctx) => {
    const wanted = stringField(ctx, 'addon_attachment', true)!.toLowerCase();
    const app = namedApp(ctx);
    const pool: Attachment[] = app ? app.attachments : ctx.access.visibleAttachments(ctx.viewer);
    const keep = ofService(ctx);
    const found = pool.filter((a) => (a.id === wanted || a.name.toLowerCase() === wanted || a.addon.name.toLowerCase() === wanted) && keep(a.addon));
    if (found.length === 0) throw errors.notFound('add_on attachment', 'add-on attachment');
    return { json: found.map((a) => includedAttachmentJson(a, ctx.inclusions)) };
  }),
  // Apps by id, as team apps: what the CLI asks for when it lists a space's or a pipeline's apps.
  read('/filters/apps', (ctx) => {
    const ids = (body(ctx).in as { id?: unknown } | undefined)?.id;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw errors.invalidParams('in.id must be a list of app ids.');
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    return {
      list: ctx.access
        .visibleApps(ctx.viewer)
        .filter((app) => wanted.has(app.id))
        .map((app) => teamAppJson(app, ctx)),
    };
  }),
  // A log session: a URL the emulator streams the app's recent log lines from.
  {
    method: 'POST',
    path: '/apps/:app/log-sessions',
    access: 'read',
    handler: (ctx) => {
      const app = appFor(ctx);
      const lines = body(ctx).lines;
      if (lines !== undefined && lines !== null && (!Number.isInteger(lines) || (lines as number) < 1 || (lines as number) > 1500)) {
        throw errors.invalidParams('lines must be a whole number from 1 to 1500.');
      }
      const query = new URLSearchParams({ lines: String(lines ?? 100) });
      const dyno = stringField(ctx, 'dyno_name', false) ?? stringField(ctx, 'dyno', false);
      const source = stringField(ctx, 'source', false);
      if (dyno) query.set('dyno', dyno);
      if (source) query.set('source', source);
      if (body(ctx).tail === true) query.set('tail', 'true');
      const now = isoSeconds(ctx.world.now());
      return {
        json: {
          created_at: now,
          id: deriveId('log-session', app.id, now, query.toString()),
          logplex_url: `${ctx.baseUrl}/__emulator/streams/logs/${app.id}?${query.toString()}`,
          updated_at: now,
        },
        status: 201,
      };
    },
    cacheable: false,
  },
];
