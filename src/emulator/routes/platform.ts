import { errors } from '../http/errors.js';
import { releaseJson } from '../representations/apps.js';
import { buildJson, builtReleases } from '../representations/builds.js';
import { couplingJson, pipelineJson, regionJson, stackJson } from '../representations/platform.js';
import type { PipelineStage } from '../scenario/types.js';
import type { App, Pipeline } from '../world/types.js';
import { get, type RouteContext, type RouteSpec } from './route.js';

export function pipelineFor(ctx: RouteContext): Pipeline {
  const pipeline = ctx.world.pipelines.find(ctx.params.pipeline!);
  if (!pipeline || !ctx.access.canSeePipeline(ctx.viewer, pipeline)) throw errors.notFound('pipeline');
  return pipeline;
}

/** Couplings of apps the viewer sees. */
function visibleCouplings(ctx: RouteContext, pipelines: Pipeline[]) {
  return pipelines.flatMap((p) => p.couplings.filter((c) => ctx.access.canSeeApp(ctx.viewer, c.app)).map(couplingJson));
}

/** The apps of a pipeline the viewer sees. */
function pipelineApps(ctx: RouteContext, pipeline: Pipeline): App[] {
  return pipeline.couplings.filter((c) => ctx.access.canSeeApp(ctx.viewer, c.app)).map((c) => c.app);
}

const STAGES: PipelineStage[] = ['test', 'review', 'development', 'staging', 'production'];

export const platformRoutes: RouteSpec[] = [
  get('/pipelines/:pipeline/latest-builds', 'read', (ctx) => ({
    list: pipelineApps(ctx, pipelineFor(ctx)).flatMap((app) =>
      builtReleases(app)
        .slice(-1)
        .map((r) => {
          // A pipeline's build is an app's build without its generation.
          const { generation: _, ...build } = buildJson(r, ctx);
          return build;
        }),
    ),
  })),
  get('/pipelines/:pipeline/latest-releases', 'read', (ctx) => ({
    list: pipelineApps(ctx, pipelineFor(ctx)).flatMap((app) => (app.currentRelease ? [releaseJson(app.currentRelease)] : [])),
  })),
  get('/pipelines/:pipeline/latest-deployments', 'read', (ctx) => ({
    list: pipelineApps(ctx, pipelineFor(ctx)).flatMap((app) => builtReleases(app).slice(-1).map(releaseJson)),
  })),
  // The stack of new CI and review apps: the pipeline's production (or first) app's, else the default.
  get('/pipelines/:pipeline/pipeline-stack', 'read', (ctx) => {
    const pipeline = pipelineFor(ctx);
    const coupling = pipeline.couplings.find((c) => c.stage === 'production') ?? pipeline.couplings[0];
    const stack = coupling?.app.stack ?? [...ctx.world.stacks.values()].find((s) => s.info.default)!;
    return { json: { stack: { id: stack.id, name: stack.info.name } } };
  }),
  // Config vars of Heroku CI and review apps: the scenario format has none.
  get('/pipelines/:pipeline/stage/:stage/config-vars', 'read', (ctx) => {
    pipelineFor(ctx);
    if (!STAGES.includes(ctx.params.stage as PipelineStage)) throw errors.notFound('stage', 'pipeline stage');
    return { json: {} };
  }),
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
  // `?eq[name]=<pipeline>` keeps the pipeline of that name (the CLI finds pipelines by name so).
  get('/pipelines', 'read', (ctx) => {
    const name = ctx.query['eq[name]'];
    const pipelines = ctx.access.visiblePipelines(ctx.viewer);
    return { list: (name === undefined ? pipelines : pipelines.filter((p) => p.name === name)).map(pipelineJson) };
  }),
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
