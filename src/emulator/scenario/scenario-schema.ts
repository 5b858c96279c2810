import { PLATFORM_SCHEMA_ID } from '../schema/ajv.js';
import { definitionProperties, propertyPointer, type JsonSchema } from '../schema/platform-schema.js';
import { SCOPES } from './types.js';
import { CHANGE_KINDS } from '../world/changes.js';
import { DURATION_PATTERN } from '../world/time.js';

/**
 * The JSON Schema of a scenario file. Each entity accepts its own keys (the
 * natural-key references of the scenario format) plus every property the
 * official schema defines for the matching Heroku resource, validated against
 * that property's schema. Anything else is an unknown key.
 */

const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const email: JsonSchema = { type: 'string', format: 'email' };
const name: JsonSchema = { type: 'string', minLength: 1 };
const stringList: JsonSchema = { type: 'array', items: { type: 'string' } };

interface EntityKind {
  /** The official schema definition whose properties the entity may carry. */
  definition: string;
  /** Extra definitions whose properties are also accepted (team apps have `locked`). */
  alsoFrom?: { definition: string; properties: string[] }[];
  /** The scenario's own keys; they win over a schema property of the same name. */
  keys: Record<string, JsonSchema>;
  required: string[];
  /** The entity may be `null` (a release without a slug). */
  nullable?: boolean;
}

/** Where each entity's served fields come from; the world builder uses it too. */
export const ENTITY_KINDS = {
  account: {
    definition: 'account',
    keys: { email, tokens: { type: 'array', items: { $ref: '#/definitions/token' } } },
    required: ['email'],
  },
  token: {
    definition: 'oauth-authorization',
    keys: {
      token: { type: 'string', minLength: 8 },
      kind: { enum: ['api-key', 'authorization', 'cli-login'] },
      scope: { type: 'array', minItems: 1, items: { enum: [...SCOPES] } },
      description: { type: 'string' },
      created_at: dateTime,
      expires_in: { type: ['integer', 'null'], minimum: 0 },
      revoked: { type: 'boolean' },
    },
    required: ['token'],
  },
  enterprise: {
    definition: 'enterprise-account',
    keys: {
      name,
      identity_provider: {
        type: ['object', 'null'],
        properties: { name, id: { type: 'string', format: 'uuid' } },
        required: ['name'],
        additionalProperties: false,
      },
      members: { type: 'array', items: { $ref: '#/definitions/enterpriseMember' } },
      events: { type: 'array', items: { $ref: '#/definitions/event' } },
    },
    required: ['name'],
  },
  enterpriseMember: {
    definition: 'enterprise-account-member',
    keys: {
      email,
      permissions: { type: 'array', items: { enum: ['view', 'create', 'manage', 'billing'] }, uniqueItems: true },
    },
    required: ['email', 'permissions'],
  },
  event: {
    definition: 'audit-trail-event',
    keys: {
      created_at: dateTime,
      type: name,
      action: name,
      actor: email,
      app: name,
      team: name,
      owner: email,
      ip_address: { type: 'string', format: 'ipv4' },
      data: { type: 'object' },
    },
    required: ['created_at', 'type', 'action'],
  },
  team: {
    definition: 'team',
    keys: {
      name,
      enterprise_account: name,
      members: { type: 'array', items: { $ref: '#/definitions/teamMember' } },
      features: { type: 'array', items: { $ref: '#/definitions/teamFeature' } },
    },
    required: ['name'],
  },
  teamMember: {
    definition: 'team-member',
    keys: { email, role: { enum: ['admin', 'member', 'viewer', 'collaborator', 'owner'] } },
    required: ['email', 'role'],
  },
  teamFeature: {
    definition: 'team-feature',
    keys: { name, enabled: { type: 'boolean' } },
    required: ['name', 'enabled'],
  },
  app: {
    definition: 'app',
    alsoFrom: [{ definition: 'team-app', properties: ['locked', 'joined'] }],
    keys: {
      name: { $ref: `${PLATFORM_SCHEMA_ID}${propertyPointer('app', 'name')}` },
      team: name,
      owner: email,
      region: name,
      stack: name,
      build_stack: name,
      generation: { enum: ['cedar', 'fir'] },
      created_at: dateTime,
      config_vars: {
        type: 'object',
        patternProperties: { '^\\w+$': { type: 'string' } },
        additionalProperties: false,
      },
      collaborators: { type: 'array', items: { $ref: '#/definitions/collaborator' } },
      domains: { type: 'array', items: { $ref: '#/definitions/domain' } },
      sni_endpoints: { type: 'array', items: { $ref: '#/definitions/sniEndpoint' } },
      formation: { type: 'array', items: { $ref: '#/definitions/formation' } },
      log_drains: { type: 'array', items: { $ref: '#/definitions/logDrain' } },
      releases: { type: 'array', items: { $ref: '#/definitions/release' } },
    },
    required: ['name'],
  },
  collaborator: {
    definition: 'collaborator',
    keys: {
      email,
      permissions: { type: 'array', items: { enum: ['view', 'deploy', 'operate', 'manage'] }, uniqueItems: true },
    },
    required: ['email'],
  },
  domain: {
    definition: 'domain',
    keys: {
      hostname: { type: 'string', pattern: '^(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$' },
      sni_endpoint: { type: ['string', 'null'] },
    },
    required: ['hostname'],
  },
  sniEndpoint: {
    definition: 'sni-endpoint',
    keys: {
      name,
      cert_domains: { type: 'array', minItems: 1, items: { type: 'string' } },
      starts_at: dateTime,
      expires_at: dateTime,
      issuer: { type: 'string' },
      subject: { type: 'string' },
      self_signed: { type: 'boolean' },
      ca_signed: { type: 'boolean' },
    },
    required: ['name', 'cert_domains', 'expires_at'],
  },
  formation: {
    definition: 'formation',
    keys: { type: { type: 'string', pattern: '^[-\\w]{1,128}$' }, quantity: { type: 'integer', minimum: 0 }, size: name },
    required: ['type'],
  },
  logDrain: {
    definition: 'log-drain',
    keys: { url: { type: 'string', minLength: 1 } },
    required: ['url'],
  },
  release: {
    definition: 'release',
    keys: {
      version: { type: 'integer', minimum: 1 },
      user: email,
      created_at: dateTime,
      slug: { $ref: '#/definitions/slug' },
      oci_image: { type: ['object', 'null'], properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } }, additionalProperties: false },
    },
    required: ['version'],
  },
  slug: {
    definition: 'slug',
    nullable: true,
    keys: {
      commit: { type: 'string' },
      files: { type: 'object' },
      binary_files: { type: 'object', additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' } },
    },
    required: [],
  },
  addon: {
    definition: 'add-on',
    keys: {
      name: { type: 'string', pattern: '^[a-zA-Z][A-Za-z0-9_-]+$' },
      service: name,
      plan: name,
      app: name,
      config_vars: stringList,
      attachments: { type: 'array', items: { $ref: '#/definitions/attachment' } },
    },
    required: ['name', 'service', 'plan', 'app'],
  },
  attachment: {
    definition: 'add-on-attachment',
    keys: { app: name, name: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' } },
    required: ['app', 'name'],
  },
  pipeline: {
    definition: 'pipeline',
    keys: {
      name,
      owner: {
        type: 'object',
        properties: { team: name, user: email },
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
      },
      couplings: { type: 'array', items: { $ref: '#/definitions/coupling' } },
    },
    required: ['name', 'owner'],
  },
  coupling: {
    definition: 'pipeline-coupling',
    keys: { app: name },
    required: ['app', 'stage'],
  },
  addonService: {
    definition: 'add-on-service',
    keys: {
      name,
      plans: {
        type: 'array',
        minItems: 1,
        items: { $ref: '#/definitions/plan' },
      },
      config_vars: stringList,
      attachment_name: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      data_store: { type: 'boolean' },
    },
    required: ['name', 'plans'],
  },
  plan: {
    definition: 'plan',
    keys: { name },
    required: ['name'],
  },
} satisfies Record<string, EntityKind>;

export type EntityKindName = keyof typeof ENTITY_KINDS;

export const SCENARIO_SCHEMA_ID = 'urn:herowatch:scenario';

/** The JSON Schema of one entity kind. */
function entitySchema(kind: EntityKind): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const sources = [{ definition: kind.definition, properties: definitionProperties(kind.definition) }, ...(kind.alsoFrom ?? [])];
  for (const source of sources) {
    for (const property of source.properties) {
      properties[property] = { $ref: `${PLATFORM_SCHEMA_ID}${propertyPointer(source.definition, property)}` };
    }
  }
  Object.assign(properties, kind.keys);
  return { type: kind.nullable ? ['object', 'null'] : 'object', properties, required: kind.required, additionalProperties: false };
}

/** Names of the fields an entity may carry that are served as given. */
export function servedFieldsOf(kindName: EntityKindName): Set<string> {
  const kind: EntityKind = ENTITY_KINDS[kindName];
  const fields = new Set(definitionProperties(kind.definition));
  for (const extra of kind.alsoFrom ?? []) for (const property of extra.properties) fields.add(property);
  for (const key of Object.keys(kind.keys)) fields.delete(key);
  return fields;
}

export function scenarioJsonSchema(): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  for (const [kindName, kind] of Object.entries(ENTITY_KINDS)) definitions[kindName] = entitySchema(kind);
  const list = (ref: string): JsonSchema => ({ type: 'array', items: { $ref: `#/definitions/${ref}` } });
  return {
    id: SCENARIO_SCHEMA_ID,
    type: 'object',
    definitions,
    properties: {
      version: { enum: [1] },
      now: dateTime,
      accounts: list('account'),
      enterprise_accounts: list('enterprise'),
      teams: list('team'),
      apps: list('app'),
      addons: list('addon'),
      pipelines: list('pipeline'),
      addon_services: list('addonService'),
      meta: { type: 'object' },
      changes: {
        type: 'object',
        additionalProperties: false,
        properties: {
          time_scale: { type: 'number', minimum: 0 },
          scripted: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['at', 'kind'],
              properties: { at: dateTime, kind: { enum: [...CHANGE_KINDS] }, app: name, team: name, actor: email },
            },
          },
          generated: {
            type: 'object',
            additionalProperties: false,
            required: ['apps_per_day'],
            properties: {
              apps_per_day: { type: 'number', minimum: 0, maximum: 100 },
              seed: { type: 'integer' },
              weights: {
                type: 'object',
                additionalProperties: false,
                properties: Object.fromEntries(CHANGE_KINDS.map((k) => [k, { type: 'number', minimum: 0 }])),
              },
            },
          },
          clients: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'account', 'requests_per_hour'],
              properties: {
                name,
                account: email,
                requests_per_hour: { type: 'number', minimum: 0 },
                burst_every: { type: 'string', pattern: DURATION_PATTERN },
              },
            },
          },
        },
      },
    },
    required: ['version'],
    additionalProperties: false,
  };
}
