import { errors } from '../http/errors.js';
import { couplingJson, pipelineJson, regionJson, stackJson } from '../representations/platform.js';
import type { Pipeline } from '../world/types.js';
import { get, type RouteContext, type RouteSpec } from './route.js';

function pipelineFor(ctx: RouteContext): Pipeline {
  const pipeline = ctx.world.pipelines.find(ctx.params.pipeline!);
  if (!pipeline || !ctx.access.canSeePipeline(ctx.viewer, pipeline)) throw errors.notFound('pipeline');
  return pipeline;
}

/** Couplings of apps the viewer sees. */
function visibleCouplings(ctx: RouteContext, pipelines: Pipeline[]) {
  return pipelines.flatMap((p) => p.couplings.filter((c) => ctx.access.canSeeApp(ctx.viewer, c.app)).map(couplingJson));
}

export const platformRoutes: RouteSpec[] = [
  get('/regions', 'read', (ctx) => ({ list: [...ctx.world.regions.values()].map(regionJson) })),
  get('/regions/:region', 'read', (ctx) => {
    const region = ctx.world.regions.find(ctx.params.region!);
    if (!region) throw errors.notFound('region');
    return { json: regionJson(region) };
  }),
  get('/stacks', 'read', (ctx) => ({ list: [...ctx.world.stacks.values()].map(stackJson) })),
  get('/stacks/:stack', 'read', (ctx) => {
    const stack = ctx.world.stacks.find(ctx.params.stack!);
    if (!stack) throw errors.notFound('stack');
    return { json: stackJson(stack) };
  }),
  get('/pipelines', 'read', (ctx) => ({ list: ctx.access.visiblePipelines(ctx.viewer).map(pipelineJson) })),
  get('/pipelines/:pipeline', 'read', (ctx) => ({ json: pipelineJson(pipelineFor(ctx)) })),
  get('/pipelines/:pipeline/pipeline-couplings', 'read', (ctx) => ({ list: visibleCouplings(ctx, [pipelineFor(ctx)]) })),
  get('/pipeline-couplings', 'read', (ctx) => ({ list: visibleCouplings(ctx, ctx.access.visiblePipelines(ctx.viewer)) })),
  get('/users/~/pipeline-couplings', 'read', (ctx) => ({ list: visibleCouplings(ctx, ctx.access.visiblePipelines(ctx.viewer)) })),
  get('/pipeline-couplings/:coupling', 'read', (ctx) => {
    const coupling = ctx.world.couplings.get(ctx.params.coupling!.toLowerCase());
    if (!coupling || !ctx.access.canSeeApp(ctx.viewer, coupling.app)) throw errors.notFound('pipeline_coupling');
    return { json: couplingJson(coupling) };
  }),
];
