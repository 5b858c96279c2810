import type { AddonServiceInfo, RegionInfo, StackInfo } from './catalog.js';
import type {
  ScenarioEvent,
  AppPermission,
  EnterprisePermission,
  PipelineStage,
  Scope,
  SchemaFields,
  SlugFile,
  TeamRole,
  TokenKind,
} from '../scenario/types.js';

/**
 * The world the emulator serves: the scenario with every reference resolved,
 * every id derived and every default filled in. Entities point at each other
 * directly; `given` holds the schema fields the scenario set explicitly, which
 * win over defaults when the entity is represented.
 */
export interface World {
  /** The world's clock: the scenario's fixed `now`, or the real time. */
  now(): Date;
  users: Index<User>;
  tokens: Map<string, Token>;
  enterprises: Index<Enterprise>;
  teams: Index<Team>;
  apps: Index<App>;
  addons: Index<Addon>;
  attachments: Map<string, Attachment>;
  services: Index<AddonService>;
  plans: Index<Plan>;
  pipelines: Index<Pipeline>;
  couplings: Map<string, Coupling>;
  regions: Index<Region>;
  stacks: Index<Stack>;
  slugs: Map<string, Slug>;
  /** Counts, for the start-up banner and tests. */
  stats: Record<string, number>;
}

/** Entities by id and by their natural key (name or email, lower-cased). */
export class Index<T extends { id: string }> {
  readonly byId = new Map<string, T>();
  readonly byKey = new Map<string, T>();

  add(entity: T, key: string): void {
    this.byId.set(entity.id, entity);
    this.byKey.set(key.toLowerCase(), entity);
  }

  /** By id or natural key, as Heroku resolves `{id|name}` in a path. */
  find(identity: string): T | undefined {
    return this.byId.get(identity.toLowerCase()) ?? this.byKey.get(identity.toLowerCase());
  }

  get size(): number {
    return this.byId.size;
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }
}

interface Dated {
  createdAt: string;
  updatedAt: string;
  given: SchemaFields;
}

export interface User extends Dated {
  id: string;
  email: string;
  name: string | null;
  twoFactor: boolean;
  federated: boolean;
  /** Listed under `accounts` (as opposed to only mentioned by email). */
  declared: boolean;
  suspendedAt: string | null;
  delinquentAt: string | null;
  tokens: Token[];
  teamMemberships: TeamMember[];
  enterpriseMemberships: EnterpriseMember[];
  collaborations: Collaborator[];
  personalApps: App[];
}

export interface Token {
  id: string;
  accessTokenId: string;
  token: string;
  user: User;
  kind: TokenKind;
  scope: Scope[];
  description: string;
  createdAt: string;
  updatedAt: string;
  expiresIn: number | null;
  revoked: boolean;
  given: SchemaFields;
}

export interface IdentityProvider {
  id: string;
  name: string;
  owner: { id: string; name: string; type: 'team' | 'enterprise-account' };
}

export interface Enterprise extends Dated {
  id: string;
  name: string;
  identityProvider: IdentityProvider | null;
  members: EnterpriseMember[];
  teams: Team[];
  auditTrail: AuditTrailReader;
}

export interface EnterpriseMember {
  id: string;
  enterprise: Enterprise;
  user: User;
  permissions: EnterprisePermission[];
  given: SchemaFields;
}

/** An enterprise account's audit trail as the routes read it, one UTC day at a time (kept by world/audit-trail.ts). */
export interface AuditTrailReader {
  /** How many events it holds. */
  readonly count: number;
  /** Days with at least one event, oldest first. */
  days(): string[];
  /** The events of a UTC day (YYYY-MM-DD), in time order. */
  on(day: string): AuditEvent[];
  /** Records an event as it happens (a living world's change). */
  add(event: ScenarioEvent): unknown;
}

export interface AuditEvent {
  id: string;
  enterprise: Enterprise;
  createdAt: string;
  type: string;
  action: string;
  actor: { id: string; email: string } | null;
  app: { id: string; name: string } | null;
  owner: { id: string; email: string } | null;
  team: { id: string; name: string } | null;
  ipAddress: string | null;
  data: Record<string, unknown>;
  given: SchemaFields;
}

export interface Team extends Dated {
  id: string;
  name: string;
  enterprise: Enterprise | null;
  identityProvider: IdentityProvider | null;
  members: TeamMember[];
  features: TeamFeature[];
  apps: App[];
  /** The pseudo-user that owns the team's apps: `<team>@herokumanager.com`, with the team's own id. */
  ownerRef: { id: string; email: string };
}

export interface TeamMember extends Dated {
  id: string;
  team: Team;
  user: User;
  role: TeamRole;
}

export interface TeamFeature extends Dated {
  id: string;
  team: Team;
  name: string;
  enabled: boolean;
}

export interface App extends Dated {
  id: string;
  name: string;
  team: Team | null;
  /** The owning user of a personal app. */
  owner: User | null;
  ownerRef: { id: string; email: string };
  region: Region;
  stack: Stack;
  buildStack: Stack;
  generation: 'cedar' | 'fir';
  acm: boolean;
  locked: boolean;
  maintenance: boolean;
  webUrl: string;
  /** Values included: the emulator serves them as Heroku would. */
  configVars: Map<string, string>;
  collaborators: Collaborator[];
  domains: Domain[];
  sniEndpoints: SniEndpoint[];
  formation: Formation[];
  logDrains: LogDrain[];
  /** Sorted by version. */
  releases: Release[];
  currentRelease: Release | null;
  ownedAddons: Addon[];
  attachments: Attachment[];
  coupling: Coupling | null;
}

export interface Collaborator extends Dated {
  id: string;
  app: App;
  user: User;
  /** Team apps only; `view` is always among them. */
  permissions: AppPermission[] | null;
  role: 'admin' | 'collaborator' | 'member' | 'owner' | 'viewer';
}

export interface Domain extends Dated {
  id: string;
  app: App;
  hostname: string;
  kind: 'heroku' | 'custom';
  sniEndpoint: SniEndpoint | null;
}

export interface SniEndpoint extends Dated {
  id: string;
  certId: string;
  app: App;
  name: string;
  certDomains: string[];
  startsAt: string;
  expiresAt: string;
  issuer: string;
  subject: string;
  selfSigned: boolean;
  caSigned: boolean;
  domains: Domain[];
}

export interface Formation extends Dated {
  id: string;
  app: App;
  type: string;
  quantity: number;
  size: string;
  command: string;
}

export interface LogDrain extends Dated {
  id: string;
  app: App;
  url: string;
  token: string;
}

export interface Release extends Dated {
  id: string;
  app: App;
  version: number;
  description: string;
  user: { id: string; email: string };
  status: 'failed' | 'pending' | 'succeeded' | 'expired';
  slug: Slug | null;
  /** A Fir-generation release's image. */
  ociImage: { id: string } | null;
  current: boolean;
}

export interface Slug extends Dated {
  id: string;
  app: App;
  release: Release;
  commit: string | null;
  files: Record<string, SlugFile>;
  binaryFiles: Record<string, Uint8Array>;
  processTypes: Record<string, string>;
  buildpackDescription: string | null;
}

export interface AddonService {
  id: string;
  info: AddonServiceInfo;
  plans: Plan[];
  given: SchemaFields;
}

export interface Plan {
  id: string;
  /** `service:plan`, as Heroku names plans. */
  name: string;
  service: AddonService;
  cents: number;
  given: SchemaFields;
}

export interface Addon extends Dated {
  id: string;
  name: string;
  service: AddonService;
  plan: Plan;
  app: App;
  configVars: string[];
  attachments: Attachment[];
}

export interface Attachment extends Dated {
  id: string;
  addon: Addon;
  app: App;
  name: string;
  /** The names the add-on's config vars take on the app through this attachment (`PROD_DATABASE_URL`). */
  configVars: string[];
}

export interface Pipeline extends Dated {
  id: string;
  name: string;
  owner: { kind: 'team'; team: Team } | { kind: 'user'; user: User };
  couplings: Coupling[];
}

export interface Coupling extends Dated {
  id: string;
  pipeline: Pipeline;
  app: App;
  stage: PipelineStage;
}

export interface Region {
  id: string;
  info: RegionInfo;
}

export interface Stack {
  id: string;
  info: StackInfo;
}
