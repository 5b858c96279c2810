import { DYNO_SIZES, type DynoSizeInfo, type FeatureInfo, type GENERATIONS } from '../world/catalog.js';
import { deriveId } from '../world/ids.js';
import type { AddonService, App, Region } from '../world/types.js';
import { addonServiceJson } from './addons.js';
import type { Json } from './context.js';
import { regionJson } from './platform.js';

const generationRef = (name: 'cedar' | 'fir'): Json => ({ id: deriveId('generation', name), name });

export function generationJson(generation: (typeof GENERATIONS)[number]): Json {
  return { created_at: generation.created_at, id: deriveId('generation', generation.name), name: generation.name, updated_at: generation.created_at };
}

export function dynoSizeJson(size: DynoSizeInfo): Json {
  return {
    architecture: 'amd64',
    compute: size.compute,
    cost: size.cents === null ? null : { cents: size.cents, unit: 'month' },
    dedicated: size.dedicated,
    precise_dyno_units: size.dyno_units,
    generation: generationRef(size.generation),
    id: deriveId('dyno-size', size.name),
    memory: size.memory,
    name: size.name,
    private_space_only: size.private_space_only,
  };
}

/** The sizes an app can scale to: its generation's, outside Private Spaces (the emulator has none). */
export function availableDynoSizes(app: App): DynoSizeInfo[] {
  return DYNO_SIZES.filter((size) => size.generation === app.generation && (size.generation === 'fir' || !size.private_space_only));
}

/** A Heroku Labs feature as an app or account has it: `enabled` is the holder's, the rest the catalog's. */
export function featureJson(feature: FeatureInfo, holder: { id: string; createdAt: string }, enabled: boolean): Json {
  return {
    created_at: holder.createdAt,
    description: feature.description,
    doc_url: `https://devcenter.heroku.com/articles/${feature.name}`,
    enabled,
    id: deriveId('feature', holder.id, feature.name),
    name: feature.name,
    state: feature.state,
    updated_at: holder.createdAt,
    display_name: feature.display_name,
    feedback_email: feature.feedback_email,
  };
}

/** Whether a service is offered in a region: everything in the Common Runtime, data stores in private regions too. */
export function regionCapabilityJson(service: AddonService, region: Region): Json {
  return {
    id: deriveId('addon-region-capability', service.id, region.id),
    supports_private_networking: region.info.private_capable && service.info.data_store,
    addon_service: addonServiceJson(service),
    region: regionJson(region),
  };
}
