import type { Scenario, SchemaFields } from '../scenario/types.js';
import { servedFieldsOf, type EntityKindName } from '../scenario/scenario-schema.js';
import { jsonPath, ScenarioError, type ScenarioProblem } from '../scenario/scenario-error.js';
import { deriveFraction, deriveId } from './ids.js';
import { between, DAY_MS, isoSeconds } from './time.js';
import { Index, type User, type World } from './types.js';

/** Defaults are placed relative to this when a scenario fixes no clock, so they never depend on the day it runs. */
const DEFAULT_REFERENCE_TIME = '2026-01-01T00:00:00Z';

/**
 * Shared state of one world build: the world under construction, the problems
 * found so far, and helpers that every part of the build needs.
 */
export class BuildContext {
  readonly problems: ScenarioProblem[] = [];
  /** The scenario's `now`, or a fixed reference: anchors default timestamps. */
  readonly referenceTime: string;
  private readonly servedFields = new Map<EntityKindName, Set<string>>();

  constructor(
    readonly scenario: Scenario,
    readonly world: World,
    readonly source: string,
  ) {
    this.referenceTime = scenario.now ? isoSeconds(scenario.now) : DEFAULT_REFERENCE_TIME;
  }

  problem(message: string, ...path: (string | number)[]): void {
    this.problems.push({ path: jsonPath(...path), message });
  }

  fail(): never {
    throw new ScenarioError(this.source, this.problems);
  }

  /** The schema fields an entity sets explicitly; they are served as given. */
  given(kind: EntityKindName, entity: object): SchemaFields {
    let fields = this.servedFields.get(kind);
    if (!fields) {
      fields = servedFieldsOf(kind);
      this.servedFields.set(kind, fields);
    }
    const given: SchemaFields = {};
    for (const [key, value] of Object.entries(entity)) if (fields.has(key)) given[key] = value;
    return given;
  }

  /** A default creation time, deterministic per object: between `after` and the reference time. */
  createdAt(explicit: unknown, after: string | null, ...key: (string | number)[]): string {
    if (typeof explicit === 'string') return isoSeconds(explicit);
    const start = after ?? isoSeconds(Date.parse(this.referenceTime) - 760 * DAY_MS);
    return between(start, this.referenceTime, after ? 0.05 + 0.5 * deriveFraction(...key) : deriveFraction(...key));
  }

  /** The user with this email, created on first mention when not listed under `accounts`. */
  user(email: string, hints: { twoFactor?: unknown; federated?: unknown; name?: unknown } = {}): User {
    const key = email.toLowerCase();
    let user = this.world.users.byKey.get(key);
    if (!user) {
      const createdAt = this.createdAt(undefined, null, 'account', key);
      user = {
        id: deriveId('account', key),
        email: key,
        name: typeof hints.name === 'string' ? hints.name : nameFromEmail(key),
        twoFactor: typeof hints.twoFactor === 'boolean' ? hints.twoFactor : true,
        federated: typeof hints.federated === 'boolean' ? hints.federated : false,
        declared: false,
        suspendedAt: null,
        delinquentAt: null,
        createdAt,
        updatedAt: createdAt,
        given: {},
        tokens: [],
        teamMemberships: [],
        enterpriseMemberships: [],
        collaborations: [],
        personalApps: [],
      };
      this.world.users.add(user, key);
    }
    return user;
  }
}

/** `jane.doe@acme.example` -> `Jane Doe`. */
function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ');
}

export function emptyWorld(now: () => Date): World {
  return {
    now,
    users: new Index(),
    tokens: new Map(),
    enterprises: new Index(),
    teams: new Index(),
    apps: new Index(),
    addons: new Index(),
    attachments: new Map(),
    services: new Index(),
    plans: new Index(),
    pipelines: new Index(),
    couplings: new Map(),
    regions: new Index(),
    stacks: new Index(),
    slugs: new Map(),
    stats: {},
  };
}
