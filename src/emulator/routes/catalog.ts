import { errors } from '../http/errors.js';
import { availableDynoSizes, dynoSizeJson, generationJson, regionCapabilityJson } from '../representations/catalog.js';
import { stackJson } from '../representations/platform.js';
import { DYNO_SIZES, GENERATIONS } from '../world/catalog.js';
import { deriveId } from '../world/ids.js';
import type { AddonService, Region } from '../world/types.js';
import { appFor, teamFor } from './lookup.js';
import { get, type RouteSpec } from './route.js';

function capabilities(services: AddonService[], regions: Region[]) {
  return services.flatMap((service) => regions.map((region) => regionCapabilityJson(service, region)));
}

/** Platform reference data: dyno sizes, generations, where add-on services run, the stacks an app can move to. */
export const catalogRoutes: RouteSpec[] = [
  get('/dyno-sizes', 'read', () => ({ list: DYNO_SIZES.map(dynoSizeJson) })),
  get('/dyno-sizes/:size', 'read', (ctx) => {
    const wanted = ctx.params.size!.toLowerCase();
    const size = DYNO_SIZES.find((s) => s.name.toLowerCase() === wanted || deriveId('dyno-size', s.name) === wanted);
    if (!size) throw errors.notFound('dyno_size', 'dyno size');
    return { json: dynoSizeJson(size) };
  }),
  get('/apps/:app/available-dyno-sizes', 'read', (ctx) => ({ list: availableDynoSizes(appFor(ctx)).map(dynoSizeJson) })),
  get('/generations', 'read', () => ({ list: GENERATIONS.map(generationJson) })),
  get('/generations/:generation', 'read', (ctx) => {
    const wanted = ctx.params.generation!.toLowerCase();
    const generation = GENERATIONS.find((g) => g.name === wanted || deriveId('generation', g.name) === wanted);
    if (!generation) throw errors.notFound('generation');
    return { json: generationJson(generation) };
  }),
  get('/teams/:team/available-generations', 'read', (ctx) => {
    teamFor(ctx);
    return { list: GENERATIONS.map(generationJson) };
  }),
  get('/addon-region-capabilities', 'read', (ctx) => ({ list: capabilities([...ctx.world.services.values()], [...ctx.world.regions.values()]) })),
  get('/addon-services/:service/region-capabilities', 'read', (ctx) => {
    const service = ctx.world.services.find(ctx.params.service!);
    if (!service) throw errors.notFound('addon_service', 'add-on service');
    return { list: capabilities([service], [...ctx.world.regions.values()]) };
  }),
  get('/regions/:region/addon-region-capabilities', 'read', (ctx) => {
    const region = ctx.world.regions.find(ctx.params.region!);
    if (!region) throw errors.notFound('region');
    return { list: capabilities([...ctx.world.services.values()], [region]) };
  }),
  // The stacks an app can be moved to: those still supported.
  get('/apps/:app/available-stacks', 'read', (ctx) => {
    appFor(ctx);
    return { list: [...ctx.world.stacks.values()].filter((s) => s.info.state !== 'retired').map(stackJson) };
  }),
];
