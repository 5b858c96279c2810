import AjvDraft04Module from 'ajv-draft-04';
import type { ErrorObject } from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { platformSchema, type JsonSchema } from './platform-schema.js';

// Both packages are CommonJS with a `default` export; under NodeNext the
// default import is the module object, whose `default` is what we want.
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

export type Ajv = InstanceType<typeof AjvDraft04>;
export type { ErrorObject };

/** The id the official schema declares for itself; `$ref`s resolve against it. */
export const PLATFORM_SCHEMA_ID = 'http://api.heroku.com/schema';

/**
 * An Ajv instance that knows the official Platform API schema.
 *
 * Two liberties, both because the schema itself is looser than the API:
 * - `strictProperties` (Heroku's own keyword) is enforced as "no property the
 *   definition does not declare", so a field the emulator invents fails.
 * - `uri` is checked as a URI reference: the schema declares domain
 *   hostnames (`api.example.com`) with `format: uri`.
 */
export function createPlatformAjv(options: { verbose?: boolean } = {}): Ajv {
  // Patterns compile without the `u` flag: the schema writes them for plain regular expressions (`[\w\.\:]` is an error under `u`).
  const ajv = new AjvDraft04({
    strict: false,
    allErrors: true,
    validateSchema: false,
    allowUnionTypes: true,
    unicodeRegExp: false,
    verbose: options.verbose ?? false,
  });
  addFormats(ajv);
  ajv.addFormat('uri', { type: 'string', validate: (value: string) => isUriReference(value) });
  ajv.addKeyword({
    keyword: 'strictProperties',
    type: 'object',
    schemaType: 'boolean',
    errors: true,
    validate: function checkStrict(strict: boolean, data: Record<string, unknown>, parentSchema?: JsonSchema): boolean {
      if (!strict) return true;
      const declared = parentSchema?.properties ?? {};
      const extra = Object.keys(data).filter((key) => !(key in declared));
      if (extra.length === 0) return true;
      (checkStrict as { errors?: Partial<ErrorObject>[] }).errors = extra.map((key) => ({
        keyword: 'strictProperties',
        message: `has property "${key}", which the schema does not declare`,
        params: { additionalProperty: key },
      }));
      return false;
    },
  });
  ajv.addSchema(validationCopy(platformSchema()) as object, PLATFORM_SCHEMA_ID);
  return ajv;
}

/**
 * The schema as Ajv should see it: without `example` values (some carry an
 * `id` key that draft-04 would read as a schema id) and without `links`
 * (response schemas are compiled from them separately). One known gap is
 * closed: team roles include `viewer`, which the API serves for Enterprise
 * Teams but the schema's enum predates.
 */
function validationCopy(schema: JsonSchema): JsonSchema {
  const copy = JSON.parse(JSON.stringify(schema, (key, value: unknown) => (key === 'example' || key === 'links' ? undefined : value))) as PlatformSchemaCopy;
  const role = copy.definitions.team?.definitions?.role as { enum?: unknown[] } | undefined;
  if (role?.enum && !role.enum.includes('viewer')) role.enum.splice(role.enum.length - 1, 0, 'viewer');
  return copy;
}

type PlatformSchemaCopy = JsonSchema & { definitions: Record<string, JsonSchema> };

function isUriReference(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    new URL(value, 'http://placeholder.invalid/');
    return true;
  } catch {
    return false;
  }
}

/** Rewrites the schema's local `#/definitions/...` refs to absolute ones. */
export function absoluteRefs(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${PLATFORM_SCHEMA_ID}#/`)) as JsonSchema;
}

/** One line per Ajv error: `/0/app/name must be string`. */
export function describeAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`);
}
