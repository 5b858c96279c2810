import { RESOURCES } from './registry.js';
import type { ColumnType, ResourceDefinition } from './resource.js';

export interface DatasetColumn {
  name: string;
  type: ColumnType;
  description: string;
}

/**
 * A dataset: a SQL view with documented columns, queryable and exportable.
 * Inventory datasets come from a synced resource and show each connection's
 * last complete run (or a given past run); the others show one of
 * herowatch's own tables. The store (src/store/dataset-views.ts) turns the
 * declaration into SQL.
 */
export interface Dataset {
  name: string;
  description: string;
  columns: DatasetColumn[];
  source: { kind: 'resource'; resource: ResourceDefinition } | { kind: 'table'; table: HerowatchTableDataset };
}

/** Datasets over herowatch's own tables. */
export type HerowatchTableDataset =
  'audit_events' | 'sync_runs' | 'coverage' | 'verified' | 'findings' | 'suppressions' | 'vulnerabilities' | 'vulnerability_tests' | 'sboms' | 'vex_statements';

const CONNECTION: DatasetColumn = { name: 'connection', type: 'text', description: 'Name of the herowatch connection the row came from' };

/** Every dataset: one per synced resource, the audit trail, sync runs and their coverage, findings and suppressions, vulnerabilities and the tests that found them. */
export function datasets(): Dataset[] {
  return [
    ...RESOURCES.map(resourceDataset),
    auditEvents,
    syncRuns,
    coverage,
    verified,
    findings,
    suppressions,
    vulnerabilities,
    vulnerabilityTests,
    sboms,
    vexStatementsDataset,
  ];
}

export function datasetNamed(name: string): Dataset | undefined {
  const wanted = name.replace(/-/g, '_').toLowerCase();
  return datasets().find((d) => d.name === wanted);
}

function resourceDataset(resource: ResourceDefinition): Dataset {
  const columns: DatasetColumn[] = [CONNECTION, ...resource.columns.map(({ name, type, description }) => ({ name, type, description }))];
  return { name: resource.name, description: resource.description, columns, source: { kind: 'resource', resource } };
}

function tableDataset(spec: Omit<Dataset, 'source' | 'name'> & { name: HerowatchTableDataset }): Dataset {
  return { ...spec, source: { kind: 'table', table: spec.name } };
}

const auditEvents = tableDataset({
  name: 'audit_events',
  description: 'Enterprise audit trail events collected day by day (deduplicated by id).',
  columns: [
    CONNECTION,
    { name: 'id', type: 'text', description: 'Event id' },
    { name: 'enterprise_account_id', type: 'text', description: 'Enterprise account the event belongs to' },
    { name: 'created_at', type: 'timestamp', description: 'When it happened' },
    { name: 'day', type: 'text', description: 'UTC day (YYYY-MM-DD)' },
    { name: 'type', type: 'text', description: 'What kind of object it concerns (app, addon, collaborator...)' },
    { name: 'action', type: 'text', description: 'What happened (create, update, destroy...)' },
    { name: 'actor_email', type: 'text', description: 'Who did it' },
    { name: 'app_name', type: 'text', description: 'App concerned, if any' },
    { name: 'team_name', type: 'text', description: 'Team concerned, if any' },
    { name: 'data', type: 'json', description: 'The whole event as Heroku gave it' },
  ],
});

const syncRuns = tableDataset({
  name: 'sync_runs',
  description: 'Every sync run: when, how it ended, how many requests it made and how low the rate-limit pool went.',
  columns: [
    CONNECTION,
    { name: 'id', type: 'integer', description: 'Run number' },
    { name: 'started_at', type: 'timestamp', description: 'When the run started' },
    { name: 'finished_at', type: 'timestamp', description: 'When the run ended (null while it runs)' },
    { name: 'kind', type: 'text', description: 'inventory (everything), or audit (the audit trail only, between inventory runs)' },
    { name: 'mode', type: 'text', description: 'full (every list read) or incremental (the account-wide lists, and the per-app lists the planner chose)' },
    {
      name: 'status',
      type: 'text',
      description: 'running, complete, incomplete (more than 5% of its lists could not be read: nothing it read was kept), failed or interrupted',
    },
    { name: 'requests', type: 'integer', description: 'HTTP requests made (retries included)' },
    { name: 'not_modified', type: 'integer', description: 'Requests answered 304 (unchanged since the last sync)' },
    { name: 'retries', type: 'integer', description: 'Requests retried after a transient error' },
    { name: 'rate_limit_low', type: 'integer', description: 'Lowest RateLimit-Remaining seen' },
    { name: 'throttled_ms', type: 'integer', description: 'Time spent waiting to keep the rate-limit reserve' },
    { name: 'items', type: 'integer', description: 'Records collected' },
    { name: 'error', type: 'text', description: 'Why the run failed or was interrupted' },
  ],
});

const coverage = tableDataset({
  name: 'coverage',
  description:
    'What each sync run could read: a summary row per resource (parent_key empty) and a row for each parent that could not be read in full: forbidden (with the reason and the fix), failed or missing.',
  columns: [
    CONNECTION,
    { name: 'run_id', type: 'integer', description: 'Run number' },
    { name: 'resource', type: 'text', description: 'Dataset the coverage is about' },
    { name: 'parent_key', type: 'text', description: "Empty for a resource's summary row; otherwise the parent (e.g. the app id) that had a gap" },
    { name: 'status', type: 'text', description: 'ok, forbidden, failed or missing' },
    { name: 'http_status', type: 'integer', description: "Heroku's HTTP status when not ok" },
    { name: 'error_id', type: 'text', description: "Heroku's error id when not ok" },
    { name: 'reason', type: 'text', description: 'Why it could not be read' },
    { name: 'fix', type: 'text', description: 'What would make it readable' },
    { name: 'items', type: 'integer', description: 'Records read' },
    {
      name: 'parents',
      type: 'integer',
      description: 'Summary rows of per-parent resources: how many parents were read (each one without a row of its own was read in full)',
    },
  ],
});

const verified = tableDataset({
  name: 'verified',
  description:
    "When each list was last read from Heroku: a resource under one parent (an app's domains), or an account-wide one (parent_key empty). Every record of a dataset was verified when its list was (join on resource and parent_key).",
  columns: [
    CONNECTION,
    { name: 'resource', type: 'text', description: 'Dataset the list belongs to' },
    { name: 'parent_key', type: 'text', description: 'The parent the list is read under (an app id, a team id); empty for an account-wide list' },
    { name: 'verified_at', type: 'timestamp', description: 'When it was last read from Heroku (a refusal or an absence counts: it was asked)' },
    { name: 'run_id', type: 'integer', description: 'The run that read it' },
  ],
});

const findings = tableDataset({
  name: 'findings',
  description: "Compliance findings: one per check and resource, as the last evaluation left them (herowatch findings shows them with their check's fix).",
  columns: [
    CONNECTION,
    { name: 'id', type: 'integer', description: 'Finding id (herowatch findings show ID)' },
    { name: 'check_id', type: 'text', description: 'The check (herowatch checks lists them)' },
    { name: 'severity', type: 'text', description: 'critical, high, medium or low' },
    { name: 'status', type: 'text', description: 'open, resolved, pass or unknown (an open one with suppressed_until ahead is suppressed)' },
    { name: 'result', type: 'text', description: 'The last result: PASS, FAIL or UNKNOWN' },
    { name: 'resource_type', type: 'text', description: 'What the result is about (app, team_member, domain...)' },
    { name: 'resource_key', type: 'text', description: 'The resource, stable across syncs (e.g. app/shop)' },
    { name: 'resource_name', type: 'text', description: 'The resource as people call it' },
    { name: 'message', type: 'text', description: 'What the last evaluation found' },
    { name: 'first_seen_at', type: 'timestamp', description: 'When it was first seen failing' },
    { name: 'last_seen_at', type: 'timestamp', description: 'When it was last seen failing' },
    { name: 'resolved_at', type: 'timestamp', description: 'When it was last resolved' },
    { name: 'removed_at', type: 'timestamp', description: 'When a resource that never failed left the inventory' },
    { name: 'suppressed_until', type: 'timestamp', description: 'The end of its suppression, if one was made and not ended (a time past means it lapsed)' },
    { name: 'suppression_reason', type: 'text', description: 'Why it was suppressed' },
  ],
});

const suppressions = tableDataset({
  name: 'suppressions',
  description: 'Every suppression: which failure was accepted, by whom, why and until when, and when it ended early.',
  columns: [
    CONNECTION,
    { name: 'id', type: 'integer', description: 'Suppression id' },
    { name: 'check_id', type: 'text', description: 'The check' },
    { name: 'resource_key', type: 'text', description: 'The resource' },
    { name: 'reason', type: 'text', description: 'Why the failure was accepted' },
    { name: 'created_by', type: 'text', description: 'Who decided it' },
    { name: 'created_at', type: 'timestamp', description: 'When it was decided' },
    { name: 'expires_at', type: 'timestamp', description: 'Until when' },
    { name: 'revoked_at', type: 'timestamp', description: 'When it ended early (by hand, a new suppression, or the failure being fixed)' },
  ],
});

const vulnerabilities = tableDataset({
  name: 'vulnerabilities',
  description:
    'Known vulnerabilities of the packages monitored apps deploy: one per vulnerability, package and app, open or resolved (herowatch vulns show APP).',
  columns: [
    CONNECTION,
    { name: 'id', type: 'integer', description: 'Vulnerability finding id (herowatch vulns ignore ID)' },
    { name: 'app_id', type: 'text', description: 'Id of the app' },
    { name: 'app_name', type: 'text', description: 'Name of the app' },
    { name: 'vuln_id', type: 'text', description: 'The vulnerability: its CVE when it has one, else its first advisory id' },
    { name: 'advisories', type: 'json', description: 'The advisories that matched' },
    { name: 'aliases', type: 'json', description: 'Every other id they are known by' },
    { name: 'ecosystem', type: 'text', description: 'npm, PyPI, RubyGems, Go, Packagist, Maven or crates.io' },
    { name: 'package', type: 'text', description: 'The package' },
    { name: 'version', type: 'text', description: 'The version installed' },
    { name: 'severity', type: 'text', description: 'critical, high, medium, low or unknown' },
    { name: 'cvss', type: 'text', description: 'The CVSS vector the severity comes from' },
    { name: 'summary', type: 'text', description: 'What the vulnerability is' },
    { name: 'fixed', type: 'text', description: 'The smallest version no advisory of the package affects (null: no fix yet)' },
    { name: 'locations', type: 'json', description: 'The files of the slug that name the package' },
    { name: 'status', type: 'text', description: 'open or resolved' },
    { name: 'first_seen_at', type: 'timestamp', description: 'When it was first found' },
    { name: 'last_seen_at', type: 'timestamp', description: 'When it was last found' },
    { name: 'resolved_at', type: 'timestamp', description: 'When it was last resolved' },
    { name: 'introduced_release', type: 'integer', description: 'The release it was first found in' },
    { name: 'fixed_release', type: 'integer', description: 'The release that fixed it' },
    { name: 'ignored_until', type: 'timestamp', description: 'The end of its ignore, if one was made (a time past means it lapsed)' },
    { name: 'ignored_reason', type: 'text', description: 'Why it is ignored' },
    { name: 'ignored_by', type: 'text', description: 'Who decided it' },
    {
      name: 'vex_status',
      type: 'text',
      description: 'What the VEX statement standing for it says: not_affected, affected, fixed or under_investigation (null: none)',
    },
    { name: 'vex_justification', type: 'text', description: 'Why it is not affected, as the statement says (vulnerable_code_not_in_execute_path...)' },
    { name: 'vex_statement', type: 'text', description: 'The statement in words (impact statement, detail)' },
    { name: 'kev_added', type: 'text', description: 'When CISA added one of its CVEs to the Known Exploited Vulnerabilities catalog (null: none is in it)' },
    { name: 'kev_ransomware', type: 'integer', description: 'When in KEV: 1 if ransomware campaigns are known to use it' },
    { name: 'epss', type: 'number', description: 'The highest EPSS score of its CVEs: probability of exploitation in the next 30 days (null: none scored)' },
    { name: 'epss_percentile', type: 'number', description: "That score's percentile among all CVEs" },
  ],
});

const vexStatementsDataset = tableDataset({
  name: 'vex_statements',
  description:
    'VEX statements imported (herowatch vex import): a vulnerability, narrowed to a package, version and app when they say; the newest standing for a finding is written beside it.',
  columns: [
    { ...CONNECTION, description: 'The connection it applies to (null: every connection)' },
    { name: 'id', type: 'integer', description: 'Statement id (herowatch vex remove ID)' },
    { name: 'document', type: 'text', description: 'The document it came from (its @id or serial number, else the digest of its bytes)' },
    { name: 'format', type: 'text', description: 'OpenVEX 0.2 or CycloneDX 1.x VEX' },
    { name: 'author', type: 'text', description: 'Who wrote the document, when it says' },
    { name: 'app', type: 'text', description: 'The app it speaks of, by id or name (null: every app)' },
    { name: 'ids', type: 'json', description: 'The vulnerability it speaks of and its aliases' },
    { name: 'ecosystem', type: 'text', description: 'The package ecosystem it speaks of (null: any)' },
    { name: 'package', type: 'text', description: 'The package it speaks of (null: any)' },
    { name: 'version', type: 'text', description: 'The package version it speaks of (null: any)' },
    { name: 'status', type: 'text', description: 'not_affected, affected, fixed or under_investigation' },
    { name: 'justification', type: 'text', description: 'Why it is not affected' },
    { name: 'statement', type: 'text', description: 'The statement in words' },
    { name: 'issued_at', type: 'timestamp', description: 'When it was made (the newest standing for a finding wins)' },
    { name: 'imported_at', type: 'timestamp', description: 'When it was imported' },
    { name: 'imported_by', type: 'text', description: 'Who imported it' },
  ],
});

const vulnerabilityTests = tableDataset({
  name: 'vulnerability_tests',
  description: 'The last vulnerability test of each monitored app: the release and slug read, or why nothing could be (herowatch vulns).',
  columns: [
    CONNECTION,
    { name: 'app_id', type: 'text', description: 'Id of the app' },
    { name: 'app_name', type: 'text', description: 'Name of the app' },
    { name: 'tested_at', type: 'timestamp', description: 'When it was tested' },
    { name: 'release_version', type: 'integer', description: 'The release running then' },
    { name: 'slug_id', type: 'text', description: 'Its slug' },
    { name: 'checksum', type: 'text', description: "The slug's checksum (a slug is read once per checksum)" },
    { name: 'status', type: 'text', description: 'scanned, or gap (nothing could be read: see reason)' },
    { name: 'reason', type: 'text', description: 'Why nothing was read, or which files could not be' },
    { name: 'packages', type: 'integer', description: 'Packages found' },
    { name: 'files', type: 'json', description: 'The package files read or set aside, with their format and evidence' },
    { name: 'source', type: 'text', description: 'Where the packages came from: slug (read from it), or sbom (imported for the build: herowatch sbom import)' },
    { name: 'commit', type: 'text', description: 'The commit the packages were built from, when known' },
  ],
});

const sboms = tableDataset({
  name: 'sboms',
  description:
    "SBOMs imported for monitored apps whose deployed code herowatch cannot read itself (Fir apps' OCI images, container apps): herowatch sbom import.",
  columns: [
    CONNECTION,
    { name: 'app_id', type: 'text', description: 'Id of the app' },
    { name: 'app_name', type: 'text', description: 'Name of the app' },
    { name: 'checksum', type: 'text', description: 'sbom: and the SHA-256 of the document imported' },
    { name: 'commit', type: 'text', description: 'The commit the build was made from (named by the SBOM or given at import)' },
    { name: 'release_version', type: 'integer', description: 'The release it was attributed to at import; null when its commit ran in no release seen then' },
    { name: 'format', type: 'text', description: 'CycloneDX 1.4-1.6 or SPDX 2.2/2.3' },
    { name: 'tool', type: 'text', description: 'The tool that wrote it, when it says' },
    { name: 'components', type: 'integer', description: 'Components it lists' },
    { name: 'packages', type: 'integer', description: 'Packages herowatch matches (npm, PyPI, RubyGems, Go, Packagist, Maven, crates.io)' },
    { name: 'skipped', type: 'json', description: 'Components not matched, by reason (other package types, no purl)' },
    { name: 'imported_at', type: 'timestamp', description: 'When it was imported' },
    { name: 'imported_by', type: 'text', description: 'Who imported it (cli:USER, a dashboard user, an access token)' },
  ],
});
