import type { ValidateFunction } from 'ajv-draft-04';
import { absoluteRefs, createPlatformAjv, describeAjvErrors, type Ajv } from './ajv.js';
import { findLink, responseSchemaOf, type LinkEntry } from './platform-schema.js';

/**
 * Fields Heroku serves beyond the schema, which Heroku's own clients read:
 * an app's `create_status` (`heroku apps:info`) and `process_tier`
 * (`heroku ps`), an SNI endpoint's `ssl_cert.acm` (`heroku certs`). They are
 * left out before a response is checked.
 */
export const BEYOND_SCHEMA: Record<string, readonly string[]> = {
  app: ['create_status', 'process_tier'],
  'team-app': ['create_status', 'process_tier'],
  // ACM certificates are listed among SNI endpoints, marked so (the CLI's `certs` reads it).
  'sni-endpoint': ['ssl_cert.acm'],
};

/**
 * Links Heroku serves beyond the schema, which the CLI calls: each answer is
 * checked against the shape the CLI reads (`heroku sessions`, `heroku
 * usage:addons`, the Eco quota of `heroku ps`).
 */
const BEYOND_SCHEMA_LINKS: { method: string; path: RegExp; shape: object }[] = [
  {
    method: 'GET',
    path: /^\/accounts\/[^/]+\/actions\/get-quota$/,
    shape: {
      type: 'object',
      required: ['account_quota', 'quota_used', 'apps'],
      properties: {
        account_quota: { type: 'integer' },
        quota_used: { type: 'integer' },
        apps: { type: 'array', items: { type: 'object', required: ['app_uuid', 'quota_used'] } },
      },
    },
  },
  { method: 'GET', path: /^\/oauth\/sessions$/, shape: { type: 'array', items: { type: 'object', required: ['id', 'description'] } } },
  {
    method: 'GET',
    path: /^\/(apps|teams\/[^/]+\/apps)\/[^/]+\/usage$/,
    shape: { type: 'object', required: ['addons'], properties: { addons: { type: 'array', items: { type: 'object', required: ['id', 'meters'] } } } },
  },
  {
    method: 'GET',
    path: /^\/teams\/[^/]+\/usage$/,
    shape: { type: 'object', required: ['apps'], properties: { apps: { type: 'array', items: { type: 'object', required: ['id', 'addons'] } } } },
  },
];

export interface SchemaViolation {
  method: string;
  path: string;
  status: number;
  problems: string[];
}

/**
 * Checks response bodies against the official schema: a success body against
 * its link's target schema, an error body against Heroku's error shape.
 * Expanded add-on responses (`Accept-Expansion: addon_service,plan`) are
 * checked with each expanded object against its own definition.
 */
export class ResponseValidator {
  private readonly ajv: Ajv = createPlatformAjv();
  private readonly compiled = new Map<LinkEntry | string, ValidateFunction>();

  check(method: string, path: string, status: number, body: unknown, expansions: readonly string[] = [], inclusions: readonly string[] = []): string[] {
    if (status >= 400) return checkErrorBody(body);
    const entry = findLink(method, path);
    if (!entry) {
      const pathOnly = path.split('?')[0]!;
      const beyond = BEYOND_SCHEMA_LINKS.find((l) => l.method === method && l.path.test(pathOnly));
      if (!beyond) return [`no link of the official schema serves ${method} ${pathOnly}`];
      const validate = this.ajv.compile(beyond.shape);
      return validate(body) ? [] : describeAjvErrors(validate.errors);
    }
    const validate = this.validatorFor(entry);
    const problems: string[] = [];
    const items = Array.isArray(body) ? body : [body];
    const expanded = expansions.length > 0 ? items.map((item) => this.collapse(item, expansions, problems)) : items;
    const included = inclusions.length > 0 ? expanded.map((item) => withoutInclusions(item, inclusions, problems)) : expanded;
    const beyond = BEYOND_SCHEMA[entry.definition];
    const collapsed = beyond ? included.map((item) => without(item, beyond)) : included;
    if (!validate(Array.isArray(body) ? collapsed : collapsed[0])) problems.push(...describeAjvErrors(validate.errors));
    return problems;
  }

  /** Replaces expanded references by `{id, name}` after checking them. */
  private collapse(item: unknown, expansions: readonly string[], problems: string[]): unknown {
    if (!item || typeof item !== 'object') return item;
    const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
    const definitions: Record<string, string> = { addon_service: 'add-on-service', plan: 'plan' };
    for (const field of expansions) {
      const definition = definitions[field];
      const value = copy[field] as Record<string, unknown> | undefined;
      if (!definition || !value) continue;
      const validate = this.definitionValidator(definition);
      if (!validate(value)) problems.push(...describeAjvErrors(validate.errors).map((p) => `${field}${p}`));
      copy[field] = { id: value.id, name: value.name };
    }
    return copy;
  }

  private validatorFor(entry: LinkEntry): ValidateFunction {
    const known = this.compiled.get(entry);
    if (known) return known;
    const validate = this.ajv.compile(absoluteRefs(responseSchemaOf(entry)));
    this.compiled.set(entry, validate);
    return validate;
  }

  private definitionValidator(definition: string): ValidateFunction {
    const known = this.compiled.get(definition);
    if (known) return known;
    const validate = this.ajv.compile(absoluteRefs({ $ref: `#/definitions/${definition}` }));
    this.compiled.set(definition, validate);
    return validate;
  }
}

/** A copy of an item without the given fields; `a.b` names a field of a nested object. */
function without(item: unknown, fields: readonly string[]): unknown {
  if (!item || typeof item !== 'object') return item;
  const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const field of fields) {
    const [head, ...rest] = field.split('.');
    if (rest.length === 0) delete copy[head!];
    else if (head! in copy) copy[head!] = without(copy[head!], [rest.join('.')]);
  }
  return copy;
}

/**
 * An attachment without what `Accept-Inclusion` added beyond the schema
 * (`addon.plan`, `config_vars`), after checking its shape.
 */
function withoutInclusions(item: unknown, inclusions: readonly string[], problems: string[]): unknown {
  if (!item || typeof item !== 'object') return item;
  const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  if (inclusions.includes('config_vars') && 'config_vars' in copy) {
    if (!Array.isArray(copy.config_vars) || !copy.config_vars.every((v) => typeof v === 'string')) problems.push('/config_vars is not a list of names');
    delete copy.config_vars;
  }
  const addon = copy.addon as Record<string, unknown> | undefined;
  if (inclusions.includes('addon:plan') && addon && 'plan' in addon) {
    const { plan, ...rest } = addon;
    const ok = plan && typeof plan === 'object' && typeof (plan as { id?: unknown }).id === 'string' && typeof (plan as { name?: unknown }).name === 'string';
    if (!ok) problems.push('/addon/plan is not {id, name}');
    copy.addon = rest;
  }
  return copy;
}

/** Heroku's error body: `{id, message}` strings, `url` and a few extras optional; `missing_version` words its text under `error`. */
function checkErrorBody(body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['error body is not an object'];
  const error = body as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof error.id !== 'string' || error.id === '') problems.push('error body has no string "id"');
  const text = error.id === 'missing_version' ? error.error : error.message;
  if (typeof text !== 'string' || text === '') problems.push(`error body has no string "${error.id === 'missing_version' ? 'error' : 'message'}"`);
  if (error.url !== undefined && typeof error.url !== 'string') problems.push('error "url" is not a string');
  return problems;
}

export type { Ajv };
