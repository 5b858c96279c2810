import type { Access } from '../world/access.js';
import type { User, World } from '../world/types.js';

/** What a representation may depend on besides the entity: who asks, and where the emulator is served. */
export interface RepresentContext {
  world: World;
  access: Access;
  viewer: User;
  /** The emulator's own URL, for blob links. */
  baseUrl: string;
}

export type Json = Record<string, unknown>;

/** Defaults first, then the fields the scenario set explicitly. */
export function withGiven(defaults: Json, given: Json): Json {
  return Object.keys(given).length === 0 ? defaults : { ...defaults, ...given };
}

/** Every representation cache, so that an entity changed in place can be forgotten by all of them. */
const caches: WeakMap<object, Json>[] = [];

/** Drops the cached representations of entities changed in place (a living world's changes). */
export function forget(...entities: (object | null | undefined)[]): void {
  for (const entity of entities) if (entity) for (const cache of caches) cache.delete(entity);
}

/** Caches a viewer-independent representation per entity. */
export function cachedPer<T extends object>(build: (entity: T) => Json): (entity: T) => Json {
  const cache = new WeakMap<T, Json>();
  caches.push(cache as WeakMap<object, Json>);
  return (entity) => {
    let json = cache.get(entity);
    if (!json) {
      json = build(entity);
      cache.set(entity, json);
    }
    return json;
  };
}
