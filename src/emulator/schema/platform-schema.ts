import { readFileSync } from 'node:fs';
import { platformApiSchemaPath } from '../assets.js';

/**
 * Heroku's official Platform API schema (JSON Hyper-Schema, draft-04), loaded
 * once. The emulator takes from it what Heroku's own clients rely on: the
 * links (paths), their `ranges` (sortable fields) and the shapes that
 * responses are validated against.
 */
export interface SchemaLink {
  href: string;
  method: string;
  rel?: string;
  title?: string;
  ranges?: string[];
  targetSchema?: JsonSchema;
}

export interface JsonSchema {
  [key: string]: unknown;
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
  links?: SchemaLink[];
  strictProperties?: boolean;
  additionalProperties?: boolean | JsonSchema;
}

export interface PlatformSchema extends JsonSchema {
  definitions: Record<string, JsonSchema>;
}

let cached: PlatformSchema | undefined;

export function platformSchema(): PlatformSchema {
  cached ??= JSON.parse(readFileSync(platformApiSchemaPath, 'utf8')) as PlatformSchema;
  return cached;
}

/** The JSON pointer of a definition's property, e.g. `#/definitions/app/properties/acm`. */
export function propertyPointer(definition: string, property: string): string {
  return `#/definitions/${definition}/properties/${escapePointer(property)}`;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Names of the top-level properties a definition declares. */
export function definitionProperties(definition: string): string[] {
  const def = platformSchema().definitions[definition];
  if (!def) throw new Error(`The Platform API schema has no definition named ${definition}`);
  return Object.keys(def.properties ?? {});
}

export interface LinkEntry {
  definition: string;
  link: SchemaLink;
  /** The href with each `{(...)}` placeholder replaced by `{}`: `/apps/{}/domains`. */
  template: string;
  segments: string[];
}

let linkTable: LinkEntry[] | undefined;

/** Every link of the schema, with a normalised path template. */
export function schemaLinks(): LinkEntry[] {
  if (linkTable) return linkTable;
  linkTable = [];
  for (const [definition, def] of Object.entries(platformSchema().definitions)) {
    for (const link of def.links ?? []) {
      const template = link.href.replace(/\{\([^)]*\)\}/g, '{}');
      linkTable.push({ definition, link, template, segments: template.split('/').slice(1) });
    }
  }
  return linkTable;
}

/**
 * The schema link serving `method path`, preferring literal segments over
 * placeholders (so `/apps/~` never shadows `/users/~/apps`, and
 * `/teams/apps/x` matches the team-app link rather than `/teams/{team}/...`).
 */
export function findLink(method: string, path: string): LinkEntry | undefined {
  const parts = path.split('?')[0]!.split('/').slice(1);
  let best: LinkEntry | undefined;
  let bestScore = -1;
  for (const entry of schemaLinks()) {
    if (entry.link.method !== method || entry.segments.length !== parts.length) continue;
    let score = 0;
    let matches = true;
    for (let i = 0; i < parts.length; i++) {
      const seg = entry.segments[i]!;
      if (seg === parts[i]) score += 1;
      else if (seg !== '{}' && !(seg.includes('{}') && literalAround(seg, parts[i]!))) {
        matches = false;
        break;
      }
    }
    if (matches && score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  return best;
}

/** Matches a segment such as `{}` inside `prefix{}suffix`. */
function literalAround(template: string, actual: string): boolean {
  const [prefix, suffix] = template.split('{}') as [string, string];
  return actual.startsWith(prefix) && actual.endsWith(suffix);
}

/**
 * The schema that a successful response to `link` must satisfy: its
 * `targetSchema` when given; otherwise the definition itself, or an array of
 * it for `instances` links (the schema leaves a few links without one).
 */
export function responseSchemaOf(entry: LinkEntry): JsonSchema {
  if (entry.link.targetSchema) return entry.link.targetSchema;
  const ref = { $ref: `#/definitions/${entry.definition}` };
  return entry.link.rel === 'instances' ? { type: ['array'], items: ref } : ref;
}
