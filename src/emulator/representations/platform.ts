import type { Coupling, Pipeline, Region, Stack } from '../world/types.js';
import { deriveId } from '../world/ids.js';
import { cachedPer, withGiven, type Json } from './context.js';

export const regionJson = cachedPer((region: Region): Json => ({
  country: region.info.country,
  created_at: '2012-11-21T20:44:16Z',
  description: region.info.description,
  id: region.id,
  locale: region.info.locale,
  name: region.info.name,
  private_capable: region.info.private_capable,
  provider: region.info.provider,
  updated_at: '2016-08-09T22:03:28Z',
}));

export const stackJson = cachedPer((stack: Stack): Json => ({
  default: stack.info.default,
  created_at: stack.info.created_at,
  id: stack.id,
  name: stack.info.name,
  state: stack.info.state,
  updated_at: stack.info.created_at,
}));

export const pipelineJson = cachedPer((pipeline: Pipeline): Json =>
  withGiven(
    {
      created_at: pipeline.createdAt,
      id: pipeline.id,
      name: pipeline.name,
      owner: pipeline.owner.kind === 'team' ? { id: pipeline.owner.team.id, type: 'team' } : { id: pipeline.owner.user.id, type: 'user' },
      updated_at: pipeline.updatedAt,
      generation: { id: deriveId('generation', 'cedar'), name: 'cedar' },
    },
    pipeline.given,
  ),
);

export const couplingJson = cachedPer((coupling: Coupling): Json =>
  withGiven(
    {
      app: { id: coupling.app.id, name: coupling.app.name },
      created_at: coupling.createdAt,
      id: coupling.id,
      pipeline: { id: coupling.pipeline.id, name: coupling.pipeline.name },
      stage: coupling.stage,
      updated_at: coupling.updatedAt,
    },
    coupling.given,
  ),
);
