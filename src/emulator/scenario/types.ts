/**
 * The scenario format (version 1): a Heroku world described with natural keys.
 * See docs/scenario-format.md. Besides the keys typed here, every entity may
 * carry any field that the official schema defines for its resource; those are
 * served as given (`SchemaFields`).
 */
export type SchemaFields = { [field: string]: unknown };

export type Scope = 'global' | 'identity' | 'read' | 'write' | 'read-protected' | 'write-protected';
export const SCOPES: readonly Scope[] = ['global', 'identity', 'read', 'write', 'read-protected', 'write-protected'];

export interface Scenario {
  version: 1;
  now?: string;
  accounts?: ScenarioAccount[];
  enterprise_accounts?: ScenarioEnterprise[];
  teams?: ScenarioTeam[];
  apps?: ScenarioApp[];
  addons?: ScenarioAddon[];
  pipelines?: ScenarioPipeline[];
  addon_services?: ScenarioAddonService[];
  /** Free-form notes, e.g. what a generator planted; the emulator ignores it. */
  meta?: Record<string, unknown>;
  /** Change over time: a living world (see SCENARIO-FORMAT and docs/emulator.md). */
  changes?: ScenarioChanges;
}

export interface ScenarioChanges {
  /** How much faster than real time the world's clock runs (0: only when moved through /__emulator/clock). Default 1. */
  time_scale?: number;
  scripted?: { at: string; kind: string; app?: string; team?: string; actor?: string }[];
  generated?: { apps_per_day: number; seed?: number; weights?: Record<string, number> };
  /** Other clients of an account, spending its rate-limit pool in bursts. */
  clients?: { name: string; account: string; requests_per_hour: number; burst_every?: string }[];
}

export interface ScenarioAccount extends SchemaFields {
  email: string;
  name?: string;
  two_factor_authentication?: boolean;
  federated?: boolean;
  tokens?: ScenarioToken[];
}

/** What Heroku would call this credential: the account's API key, an OAuth authorization, or the CLI's login token. */
export type TokenKind = 'api-key' | 'authorization' | 'cli-login';

export interface ScenarioToken extends SchemaFields {
  token: string;
  kind?: TokenKind;
  scope?: Scope[];
  description?: string;
  created_at?: string;
  expires_in?: number | null;
  revoked?: boolean;
}

export interface ScenarioEnterprise extends SchemaFields {
  name: string;
  identity_provider?: { name: string; id?: string } | null;
  members?: ScenarioEnterpriseMember[];
  events?: ScenarioEvent[];
}

export type EnterprisePermission = 'view' | 'create' | 'manage' | 'billing';

export interface ScenarioEnterpriseMember extends SchemaFields {
  email: string;
  permissions: EnterprisePermission[];
}

export interface ScenarioEvent extends SchemaFields {
  created_at: string;
  type: string;
  action: string;
  actor?: string;
  app?: string;
  team?: string;
  owner?: string;
  ip_address?: string;
  data?: Record<string, unknown>;
}

export type TeamRole = 'admin' | 'member' | 'viewer' | 'collaborator' | 'owner';

export interface ScenarioTeam extends SchemaFields {
  name: string;
  enterprise_account?: string;
  members?: ScenarioTeamMember[];
  features?: ScenarioTeamFeature[];
}

export interface ScenarioTeamMember extends SchemaFields {
  email: string;
  role: TeamRole;
}

export interface ScenarioTeamFeature extends SchemaFields {
  name: string;
  enabled: boolean;
}

export type AppPermission = 'view' | 'deploy' | 'operate' | 'manage';

export interface ScenarioApp extends SchemaFields {
  name: string;
  team?: string;
  owner?: string;
  region?: string;
  stack?: string;
  build_stack?: string;
  /** The platform generation: cedar (the default) builds slugs; fir builds OCI images and has no slug. */
  generation?: 'cedar' | 'fir';
  acm?: boolean;
  maintenance?: boolean;
  locked?: boolean;
  created_at?: string;
  config_vars?: Record<string, string>;
  collaborators?: ScenarioCollaborator[];
  domains?: ScenarioDomain[];
  sni_endpoints?: ScenarioSniEndpoint[];
  formation?: ScenarioFormation[];
  log_drains?: ScenarioLogDrain[];
  releases?: ScenarioRelease[];
}

export interface ScenarioCollaborator extends SchemaFields {
  email: string;
  permissions?: AppPermission[];
}

export interface ScenarioDomain extends SchemaFields {
  hostname: string;
  sni_endpoint?: string | null;
  acm_status?: string | null;
}

export interface ScenarioSniEndpoint extends SchemaFields {
  name: string;
  cert_domains: string[];
  starts_at?: string;
  expires_at: string;
  issuer?: string;
  subject?: string;
  self_signed?: boolean;
  ca_signed?: boolean;
}

export interface ScenarioFormation extends SchemaFields {
  type: string;
  quantity?: number;
  size?: string;
}

export interface ScenarioLogDrain extends SchemaFields {
  url: string;
}

export interface ScenarioRelease extends SchemaFields {
  version: number;
  description?: string;
  user?: string;
  created_at?: string;
  status?: 'failed' | 'pending' | 'succeeded' | 'expired';
  slug?: ScenarioSlug | null;
  /** The OCI image a Fir-generation release runs (instead of a slug). */
  oci_image?: { id?: string } | null;
}

/** File contents: a string, or any JSON value (written out as JSON). */
export type SlugFile = string | number | boolean | null | Record<string, unknown> | unknown[];

export interface ScenarioSlug extends SchemaFields {
  commit?: string;
  files?: Record<string, SlugFile>;
  /** Files whose content is binary (jars, executables), base64-encoded. */
  binary_files?: Record<string, string>;
}

export interface ScenarioAddon extends SchemaFields {
  name: string;
  service: string;
  plan: string;
  app: string;
  config_vars?: string[];
  attachments?: ScenarioAttachment[];
}

export interface ScenarioAttachment extends SchemaFields {
  app: string;
  name: string;
}

export type PipelineStage = 'test' | 'review' | 'development' | 'staging' | 'production';

export interface ScenarioPipeline extends SchemaFields {
  name: string;
  owner: { team: string } | { user: string };
  couplings?: ScenarioCoupling[];
}

export interface ScenarioCoupling extends SchemaFields {
  app: string;
  stage: PipelineStage;
}

/** An add-on service the built-in catalog lacks. */
export interface ScenarioAddonService extends SchemaFields {
  name: string;
  plans: ({ name: string } & SchemaFields)[];
  /** Config var names the service sets, named after its default attachment. */
  config_vars?: string[];
  /** The attachment name a new add-on of this service gets, e.g. DATABASE. */
  attachment_name?: string;
  /** Data stores (databases, brokers) hold data; herowatch checks where they are attached. */
  data_store?: boolean;
}
