import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Timestamps are ISO 8601 UTC strings in
 * both SQLite and PostgreSQL (they sort and compare correctly as text).
 */
export interface Database {
  hw_connections: ConnectionsTable;
  hw_sync_runs: SyncRunsTable;
  hw_coverage: CoverageTable;
  hw_records: RecordsTable;
  hw_http_cache: HttpCacheTable;
  hw_audit_events: AuditEventsTable;
  hw_audit_cursors: AuditCursorsTable;
  hw_credentials: CredentialsTable;
  hw_monitored_apps: MonitoredAppsTable;
  hw_evaluations: EvaluationsTable;
  hw_findings: FindingsTable;
  hw_finding_events: FindingEventsTable;
  hw_suppressions: SuppressionsTable;
  hw_jobs: JobsTable;
  hw_meta: MetaTable;
  hw_sql_readers: SqlReadersTable;
  hw_advisories: AdvisoriesTable;
  hw_advisory_packages: AdvisoryPackagesTable;
  hw_advisory_imports: AdvisoryImportsTable;
  hw_slug_scans: SlugScansTable;
  hw_slug_packages: SlugPackagesTable;
  hw_vuln_tests: VulnTestsTable;
  hw_sboms: SbomsTable;
  hw_vex_statements: VexStatementsTable;
  hw_kev: KevTable;
  hw_epss: EpssTable;
  hw_vulnerabilities: VulnerabilitiesTable;
  hw_access_tokens: AccessTokensTable;
  hw_agent_calls: AgentCallsTable;
  hw_users: UsersTable;
  hw_sessions: SessionsTable;
  hw_setup_links: SetupLinksTable;
  hw_verified: VerifiedTable;
  hw_run_keys: RunKeysTable;
  hw_run_lists: RunListsTable;
  hw_workers: WorkersTable;
}

/** A worker process of a scaled deployment, and when it last said it was alive. */
export interface WorkersTable {
  id: string;
  host: string;
  pid: number;
  started_at: string;
  seen_at: string;
  /** JSON: the job queue's ids of its workers. */
  queue_workers: string;
  stopped_at: string | null;
}

/** A dashboard user: an argon2id hash of the password, never the password. */
export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  role: string;
  created_at: string;
  last_login_at: string | null;
}

/** A dashboard session, kept server-side under the hash of its secret; `id` is a public handle for listing and revoking. */
export interface SessionsTable {
  secret_hash: string;
  id: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  user_agent: string | null;
}

/** A one-time link: without a user, it creates the first admin; with one, it signs that user in. */
export interface SetupLinksTable {
  secret_hash: string;
  user_id: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** An access token herowatch issued: the hash of its secret, never the secret. */
export interface AccessTokensTable {
  id: Generated<number>;
  name: string;
  secret_hash: string;
  scopes: unknown;
  /** Connection names it may see; null for all. */
  connections: unknown;
  apps: unknown;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** One call an agent made (MCP), for the agent audit log. */
export interface AgentCallsTable {
  id: Generated<number>;
  at: string;
  token_id: number | null;
  transport: string;
  method: string;
  name: string | null;
  arguments: unknown;
  outcome: string;
  result_bytes: number;
  duration_ms: number;
}

/** One slug's packages, read once per checksum (and again only when the scanner's rules change). */
export interface SlugScansTable {
  checksum: string;
  /** The scanner's rules version the packages were read with. */
  scanner: string;
  scanned_at: string;
  size: number | null;
  packages: unknown;
  files: unknown;
  gaps: unknown;
  entries: number;
  bytes: number;
  /** JSON: the ecosystems of its packages; null in scans stored before it was kept. */
  ecosystems: string | null;
}

/** Which slugs hold which package (normalised name): who to match again when an advisory changes. */
export interface SlugPackagesTable {
  checksum: string;
  ecosystem: string;
  name: string;
  /** JSON: the slug's packages under this (ecosystem, normalised name); null in rows written before it was kept. */
  entries: string | null;
}

/** The last vulnerability test of a monitored app: what it read, or why it could not. */
export interface VulnTestsTable {
  connection_id: number;
  app_id: string;
  app_name: string;
  tested_at: string;
  release_version: number | null;
  slug_id: string | null;
  checksum: string | null;
  /** 'scanned', or 'gap' (no slug to read: the reason says why). */
  status: string;
  reason: string | null;
  packages: number;
  files: unknown;
  /** Where the packages came from: `slug` (read from it) or `sbom` (an imported SBOM; checksum is then `sbom:<sha256>`). */
  source: Generated<string>;
  /** The commit the packages were built from, when known. */
  commit: string | null;
}

/** A VEX statement imported: a vulnerability (by its ids), narrowed to a package, version, connection and app when it says. */
export interface VexStatementsTable {
  id: Generated<number>;
  /** The document it came from (its @id or serial number, else the digest of its bytes): importing it again replaces its statements. */
  document: string;
  format: string;
  author: string | null;
  /** null: every connection. */
  connection_id: number | null;
  /** An app id or name; null: every app. */
  app: string | null;
  ids: unknown;
  ecosystem: string | null;
  package: string | null;
  version: string | null;
  status: string;
  justification: string | null;
  statement: string | null;
  issued_at: string | null;
  imported_at: string;
  imported_by: string | null;
  /** The app the import was made for, if one was. */
  imported_for: string | null;
}

/** An SBOM imported for an app: its packages are the scan stored under `checksum`. */
export interface SbomsTable {
  connection_id: number;
  app_id: string;
  app_name: string;
  checksum: string;
  commit: string | null;
  /** The release it was attributed to when imported; null when its commit is of no release seen yet. */
  release_version: number | null;
  format: string;
  tool: string | null;
  components: number;
  packages: number;
  skipped: unknown;
  imported_at: string;
  imported_by: string | null;
}

/** A vulnerability of one package in one monitored app, with its lifecycle. */
export interface VulnerabilitiesTable {
  id: Generated<number>;
  connection_id: number;
  app_id: string;
  app_name: string;
  /** ecosystem, normalised package and the id it was first seen under: stable while its aliases grow. */
  key: string;
  vuln_id: string;
  advisories: unknown;
  aliases: unknown;
  ecosystem: string;
  package: string;
  version: string;
  severity: string;
  cvss: string | null;
  summary: string;
  fixed: string | null;
  locations: unknown;
  status: string;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  introduced_release: number | null;
  fixed_release: number | null;
  ignored_reason: string | null;
  ignored_by: string | null;
  ignored_at: string | null;
  ignored_until: string | null;
  /** The VEX statement standing for it, when one does (see hw_vex_statements): its status, why, and in words. */
  vex_status: Generated<string | null>;
  vex_justification: Generated<string | null>;
  vex_statement: Generated<string | null>;
  vex_id: Generated<number | null>;
  /** When CISA added one of its CVEs to the Known Exploited Vulnerabilities catalog (null: none is in it). */
  kev_added: Generated<string | null>;
  /** 1: the catalog says ransomware campaigns use it. */
  kev_ransomware: Generated<number | null>;
  /** The highest EPSS score and percentile of its CVEs (null: none scored). */
  epss: Generated<number | null>;
  epss_percentile: Generated<number | null>;
}

/** CISA's Known Exploited Vulnerabilities catalog, by CVE. */
export interface KevTable {
  cve: string;
  date_added: string | null;
  due_date: string | null;
  ransomware: number;
  name: string | null;
}

/** FIRST's EPSS scores, by CVE. */
export interface EpssTable {
  cve: string;
  score: number;
  percentile: number;
}

/** One OSV advisory: its facts (id, aliases, summary, severity) as JSON. */
export interface AdvisoriesTable {
  id: string;
  modified: string | null;
  facts: unknown;
  imported_at: string;
}

/** What one advisory says of one package, compiled for matching (ranges sorted, versions normalised). */
export interface AdvisoryPackagesTable {
  advisory_id: string;
  ecosystem: string;
  /** Normalised for the ecosystem (PEP 503 for PyPI, lowercase for Packagist). */
  name: string;
  entry: unknown;
}

/** Per ecosystem: where its advisories were last imported from, and when. */
export interface AdvisoryImportsTable {
  ecosystem: string;
  source: string;
  imported_at: string;
  /** The newest `modified` among its advisories: how current the copy is. */
  newest_modified: string | null;
}

/** Facts about the database itself (the dataset views' fingerprint). */
export interface MetaTable {
  key: string;
  value: string;
}

/** PostgreSQL only: which connections each of the SQL console's roles may read (null: every one). */
export interface SqlReadersTable {
  role: string;
  connection_name: string | null;
}

/** One evaluation of every check over a connection's inventory. */
export interface EvaluationsTable {
  id: Generated<number>;
  connection_id: number;
  /** The inventory run evaluated. */
  run_id: number | null;
  evaluated_at: string;
  checks: number;
  passed: number;
  failed: number;
  unknown: number;
  opened: number;
  resolved: number;
  duration_ms: number;
  /** The webhook outbox: null (not to be sent), pending, or sent. */
  notify: 'pending' | 'sent' | null;
  notified_at: string | null;
}

export type CheckResultStatus = 'PASS' | 'FAIL' | 'UNKNOWN';
/** open: failing now; resolved: failed before, passes (or is gone) now; pass: never failed; unknown: cannot be evaluated. */
export type FindingStatus = 'open' | 'resolved' | 'pass' | 'unknown';

/** The latest result of one check on one resource, and its failure history in brief. */
export interface FindingsTable {
  id: Generated<number>;
  connection_id: number;
  check_id: string;
  resource_type: string;
  resource_key: string;
  resource_name: string;
  severity: string;
  result: CheckResultStatus;
  status: FindingStatus;
  message: string;
  /** When it was first seen failing, and last seen failing. */
  first_seen_at: string | null;
  last_seen_at: string | null;
  resolved_at: string | null;
  /** When the check first gave a result for the resource. */
  created_at: string;
  /** When a resource that never failed left the inventory (kept so that past views still show it); null while present. */
  removed_at: string | null;
  /** When the row last changed (a result that stays the same is not rewritten). */
  updated_at: string;
}

/** opened, resolved, reopened; suppressed and unsuppressed are recorded when people act. */
export interface FindingEventsTable {
  finding_id: number;
  evaluation_id: number | null;
  at: string;
  event: 'opened' | 'resolved' | 'reopened' | 'suppressed' | 'unsuppressed';
  detail: string | null;
}

/** A decision to accept a failing result for a while; it lapses at expires_at. */
export interface SuppressionsTable {
  id: Generated<number>;
  connection_id: number;
  check_id: string;
  resource_key: string;
  reason: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** When an evaluation noticed the suppression had lapsed (and reopened what it covered). */
  lapse_noted_at: string | null;
}

export type JobKind = 'inventory' | 'audit';

/** What the scheduler ran, so it catches up after downtime and never overlaps. */
export interface JobsTable {
  id: Generated<number>;
  connection_id: number;
  kind: JobKind;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'complete' | 'failed' | 'interrupted';
  error: string | null;
  pid: number;
  host: string;
}

export interface ConnectionsTable {
  id: Generated<number>;
  name: string;
  api_url: string;
  account_id: string | null;
  account_email: string | null;
  created_at: string;
  updated_at: string;
  /** The last run whose inventory is complete: what datasets show. */
  last_complete_run: number | null;
  /** `active`, or `disabled` after a disconnect (credentials gone, history kept). */
  state: Generated<'active' | 'disabled'>;
  /** Enterprise account (slug) the connection is for, when given. */
  enterprise: string | null;
  /** JSON of the last connection test (see connections/status.ts). */
  last_status: string | null;
  last_tested_at: string | null;
  disabled_at: string | null;
}

/** A connection's token, encrypted (vault/vault.ts); never stored anywhere else. */
export interface CredentialsTable {
  connection_id: number;
  ciphertext: string;
  key_id: string;
  created_at: string;
  updated_at: string;
}

/** Apps chosen for deeper per-app work (vulnerability tests, per-app checks). */
export interface MonitoredAppsTable {
  connection_id: number;
  app_id: string;
  app_name: string;
  /** 1 monitored; 0 deactivated (by a disconnect, until the connection is re-enabled). */
  active: number;
  added_at: string;
  deactivated_at: string | null;
}

/** `incomplete`: the run read too little to replace the last complete inventory (see INCOMPLETE_SHARE in inventory/coverage.ts). */
export type RunStatus = 'running' | 'complete' | 'incomplete' | 'failed' | 'interrupted';

export interface SyncRunsTable {
  id: Generated<number>;
  connection_id: number;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  requests: Generated<number>;
  not_modified: Generated<number>;
  retries: Generated<number>;
  rate_limit_low: number | null;
  throttled_ms: Generated<number>;
  items: Generated<number>;
  error: string | null;
  pid: number;
  host: string;
  heartbeat_at: string;
  /** Until when the run's process holds it (renewed by its heartbeat); past it, the run is taken for dead. Null on runs from before leases. */
  lease_until: string | null;
  /** `inventory` (everything) or `audit` (the audit trail only; datasets do not move). */
  kind: Generated<'inventory' | 'audit'>;
  /** `full` (every list read) or `incremental` (the lists the planner chose). */
  mode: Generated<SyncMode>;
}

export type SyncMode = 'full' | 'incremental';

/** When a list (a resource under one parent; '' for an account-wide one) was last read from Heroku. */
export interface VerifiedTable {
  connection_id: number;
  resource: string;
  parent_key: string;
  verified_at: string;
  run_id: number;
}

export type CoverageStatus = 'ok' | 'forbidden' | 'failed' | 'missing';

/** A record an unfinished run found unchanged (its open version stays). */
export interface RunKeysTable {
  run_id: number;
  resource: string;
  key: string;
}

/** A list an unfinished run read, how it went, and when it counts as verified (null: it does not). */
export interface RunListsTable {
  run_id: number;
  resource: string;
  parent_key: string;
  status: CoverageStatus;
  verified_at: string | null;
}

/**
 * What a run could read. One row per resource with `parent_key` '' (its
 * summary: for per-parent resources, how many parents were read and whether
 * any had a gap), plus one row per parent that had a gap. A parent with no
 * row of its own was read in full.
 */
export interface CoverageTable {
  run_id: number;
  resource: string;
  /** '' for the resource's summary row. */
  parent_key: string;
  status: CoverageStatus;
  http_status: number | null;
  error_id: string | null;
  reason: string | null;
  fix: string | null;
  items: Generated<number>;
  /** Summary rows of per-parent resources: parents read; null otherwise. */
  parents: number | null;
}

export interface RecordsTable {
  connection_id: number;
  resource: string;
  key: string;
  parent_key: string;
  hash: string;
  data: string;
  valid_from: number;
  valid_to: number | null;
}

export interface HttpCacheTable {
  connection_id: number;
  key: string;
  etag: string;
  status: number;
  body: string;
  next_range: string | null;
  updated_at: string;
}

export interface AuditEventsTable {
  connection_id: number;
  enterprise_id: string;
  id: string;
  created_at: string;
  day: string;
  type: string;
  action: string;
  actor_email: string | null;
  app_name: string | null;
  team_name: string | null;
  data: string;
  first_seen_run: number;
}

export interface AuditCursorsTable {
  connection_id: number;
  enterprise_id: string;
  /** The last UTC day whose events are all stored. */
  complete_through: string;
  /** The first UTC day collected (the backfill's start); days from it to complete_through are all stored. */
  first_day: string | null;
}
