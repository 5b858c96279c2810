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

export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted';

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
}

export type CoverageStatus = 'ok' | 'forbidden' | 'failed' | 'missing';

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
}
