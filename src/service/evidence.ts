import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findingsCsv } from '../compliance/finding-view.js';
import { toCsv } from '../export/csv.js';
import { writeOutputFile } from '../export/write-file.js';
import type { ConnectionStatus } from '../connections/status.js';
import { datasets } from '../datasets/catalog.js';
import { verifyBundle, writeBundle, type BundleFile, type Verification } from '../evidence/manifest.js';
import { renderReport } from '../evidence/report-html.js';
import { existingSigner, expectedSigner, loadSigningKey, type SigningKey } from '../evidence/signing.js';
import type { KeyEnvironment } from '../config.js';
import { frameworks } from '../compliance/frameworks.js';
import { InputError, NotFoundError } from '../errors.js';
import { auditCursors, queryAuditEvents } from '../store/audit-events.js';
import { readDataset } from '../store/datasets.js';
import { evaluationsBetween, findingEventsBetween } from '../store/findings.js';
import { coverageOfRuns, lastInventoryRunBy, runsStartedBetween } from '../store/runs.js';
import { herokuTime } from '../time.js';
import { VERSION } from '../version.js';
import { buildFrameworkReport } from '../compliance/report.js';
import { configuredCatalog, findingsAsOf, type FindingView } from './compliance.js';
import { vulnerabilityRecords } from './vuln-views.js';
import { listConnections, requireConnection, type ConnectionRecord } from './connections.js';
import { formatRows } from './datasets.js';
import type { Herowatch } from './herowatch.js';

export interface EvidenceRequest {
  out: string;
  from: Date;
  to: Date;
  connection?: string;
  now?: Date;
  /** Sign the manifest with the installation's key (default: yes). */
  sign?: boolean;
}

export interface EvidenceResult {
  out: string;
  files: number;
  bytes: number;
  manifestHash: string;
  /** The signing key's fingerprint, null when unsigned. */
  signer: string | null;
  period: { from: string; to: string };
  connections: string[];
  openFindings: number;
  /** What the bundle lacks and says so in its notes (a connection with no complete sync by the period's end). */
  warnings: string[];
}

/** Datasets an auditor gets as they stood at the period's end (the audit trail, runs and coverage come as their own files). */
const INVENTORY_DATASETS = () => datasets().filter((d) => !['audit_events', 'sync_runs', 'coverage', 'verified'].includes(d.name));

/**
 * Writes an evidence bundle for a period: the report, findings as they stood
 * at its end with what changed during it, the check catalog and framework
 * files, each connection's inventory as of its last complete sync before
 * the period's end, the audit trail, sync runs with coverage, connection
 * status and the settings in force; with a manifest of hashes.
 */
export async function createEvidence(hw: Herowatch, request: EvidenceRequest): Promise<EvidenceResult> {
  if (!(request.from.getTime() < request.to.getTime()))
    throw new InputError(
      'HW_PERIOD_INVALID',
      `The period is empty: it starts ${request.from.toISOString().slice(0, 10)}, which is not before its end ${request.to.toISOString().slice(0, 10)}.`,
    );
  const now = request.now ?? new Date();
  if (request.to.getTime() > now.getTime()) {
    throw new InputError(
      'HW_PERIOD_INVALID',
      `The period ends at ${request.to.toISOString()}, which is in the future: evidence shows what has happened. End it today (${now.toISOString().slice(0, 10)}) or earlier.`,
      { remedy: { do: 'end-period', day: now.toISOString().slice(0, 10) } },
    );
  }
  const from = request.from.toISOString();
  const to = request.to.toISOString();
  const connections: ConnectionRecord[] = request.connection ? [await requireConnection(hw.store, request.connection)] : await listConnections(hw.store);
  if (connections.length === 0)
    throw new InputError('HW_NO_CONNECTIONS', 'There are no connections: connect and sync one first.', { remedy: { do: 'connect' } });
  // Loaded first: a key that cannot be used stops the command before any work.
  const signingKey = request.sign === false ? undefined : loadSigningKey(hw.config.home, hw.config.keys);
  const ids = connections.map((c) => c.id);
  const names = new Map(connections.map((c) => [c.id, c.name]));
  const files: BundleFile[] = [];
  const notes: string[] = [];

  // Findings at the period's end, and the changes within it.
  const findings: FindingView[] = [];
  for (const connection of connections) findings.push(...(await findingsAsOf(hw, request.to, connection.name)));
  findings.sort((a, b) => a.connection.localeCompare(b.connection) || a.check_id.localeCompare(b.check_id) || a.resource_key.localeCompare(b.resource_key));
  const changeRows = await findingEventsBetween(hw.store, ids, request.from, request.to);
  const changes = changeRows.map((c) => ({
    connection: names.get(c.connection_id)!,
    finding_id: Number(c.id),
    at: c.at,
    event: c.event,
    check_id: c.check_id,
    resource_key: c.resource_key,
    resource_name: c.resource_name,
    detail: c.detail,
  }));
  const frameworkReports = frameworks().map((f) =>
    buildFrameworkReport(
      f.id,
      findings,
      connections.map((c) => c.name),
      request.to,
    ),
  );

  files.push({
    path: 'findings.json',
    description: "Every check result per resource at the period's end: status (open, suppressed, resolved, pass, unknown), first and last seen, suppression",
    content: `${JSON.stringify(findings, null, 2)}\n`,
  });
  files.push({ path: 'findings.csv', description: 'The same findings as CSV', content: findingsCsv(findings) });
  files.push({
    path: 'finding-changes.json',
    description: 'Findings opened, reopened, resolved, suppressed and unsuppressed during the period',
    content: `${JSON.stringify(changes, null, 2)}\n`,
  });
  // Vulnerabilities of monitored apps known by the period's end, as they stood then.
  const connectionNames = new Set(names.values());
  const vulnerabilities = (await vulnerabilityRecords(hw))
    .filter((v) => connectionNames.has(v.connection) && v.first_seen_at <= to)
    .map((v) => ({
      ...v,
      status_at_period_end: v.resolved_at !== null && v.resolved_at <= to ? 'resolved' : 'open',
      resolved_during_period: v.resolved_at !== null && v.resolved_at > from && v.resolved_at <= to,
    }));
  files.push({
    path: 'vulnerabilities.json',
    description:
      "Known vulnerabilities of the packages monitored apps ran, as they stood at the period's end (open or resolved), with first seen, the release that fixed them and ignores",
    content: `${JSON.stringify(vulnerabilities, null, 2)}\n`,
  });
  files.push({
    path: 'checks.json',
    description: 'The check catalog: what each check tests, its severity, risk, remediation and framework controls',
    content: `${JSON.stringify(configuredCatalog(hw), null, 2)}\n`,
  });
  for (const report of frameworkReports) {
    files.push({
      path: `frameworks/${report.framework.id}.json`,
      description: `${report.framework.name} controls with their checks and results at the period's end`,
      content: `${JSON.stringify(report, null, 2)}\n`,
    });
  }
  files.push({
    path: 'settings.json',
    description: 'The check thresholds and options in force when the bundle was made',
    content: `${JSON.stringify(hw.config.settings.compliance, null, 2)}\n`,
  });

  // Each connection's inventory as of its last complete inventory run before the period's end.
  const inventoryRuns = new Map<number, { id: number; finished_at: string | null }>();
  for (const connection of connections) {
    const run = await lastInventoryRunBy(hw.store, connection.id, request.to);
    if (run) inventoryRuns.set(connection.id, run);
    else notes.push(`Connection ${connection.name} had no complete sync by ${to.slice(0, 10)}: its inventory is not in the bundle.`);
  }
  if (inventoryRuns.size === 0) {
    throw new InputError(
      'HW_PERIOD_INVALID',
      `No connection${connections.length === 1 ? ` (${connections[0]!.name})` : ''} had a complete sync by ${to.slice(0, 10)}: a bundle would prove nothing. Sync first, or end the period later.`,
      { remedy: { do: 'sync', ...(connections.length === 1 ? { connection: connections[0]!.name } : {}) } },
    );
  }
  for (const dataset of INVENTORY_DATASETS()) {
    const rows: Record<string, unknown>[] = [];
    for (const connection of connections) {
      const run = inventoryRuns.get(connection.id);
      if (!run) continue;
      rows.push(...(await readDataset(hw.store, dataset.name, { connection: connection.name, asOfRun: run.id })).rows);
    }
    files.push({
      path: `datasets/${dataset.name}.csv`,
      description: `${dataset.description} (as of each connection's last complete sync by the period's end)`,
      content: formatRows(dataset, rows, 'csv'),
    });
  }

  // Audit trail, runs and coverage within the period.
  const events = await queryAuditEvents(hw.store, {
    connectionIds: ids,
    since: herokuTime(request.from),
    until: herokuTime(request.to),
    untilInclusive: true,
    order: 'oldest',
  });
  files.push({
    path: 'audit-events.csv',
    description: 'Enterprise audit trail events of the period, as Heroku gave them (data column: the whole event)',
    content: toCsv(
      ['connection', 'enterprise_account_id', 'id', 'created_at', 'type', 'action', 'actor_email', 'app_name', 'team_name', 'data'],
      events.map((e) => [
        names.get(e.connection_id)!,
        e.enterprise_id,
        e.id,
        e.created_at,
        e.type,
        e.action,
        e.actor_email,
        e.app_name,
        e.team_name,
        typeof e.data === 'string' ? e.data : JSON.stringify(e.data),
      ]),
    ),
  });
  const runs = (await runsStartedBetween(hw.store, ids, request.from, request.to)).map((r) => ({
    connection: names.get(r.connection_id)!,
    ...r,
    id: Number(r.id),
    requests: Number(r.requests),
  }));
  const runIds = runs.map((r) => r.id);
  const coverage = await coverageOfRuns(hw.store, runIds);
  files.push({
    path: 'sync-runs.json',
    description: 'Every sync run of the period: kind, status, requests, errors',
    content: `${JSON.stringify(runs, null, 2)}\n`,
  });
  files.push({
    path: 'coverage.json',
    description: 'What each run of the period could read, and for what could not be read, why and the fix',
    content: `${JSON.stringify(coverage, null, 2)}\n`,
  });
  const evaluations = await evaluationsBetween(hw.store, ids, request.from, request.to);
  files.push({
    path: 'evaluations.json',
    description: 'Every evaluation of the checks during the period, with its counts',
    content: `${JSON.stringify(
      evaluations.map((e) => ({ connection: names.get(e.connection_id), ...e })),
      null,
      2,
    )}\n`,
  });
  const statuses = connections.map((c) => ({
    connection: c.name,
    account_email: c.account_email,
    state: c.state,
    enterprise: c.enterprise,
    last_tested_at: c.last_tested_at,
    status: c.last_status ? (JSON.parse(c.last_status) as ConnectionStatus) : null,
  }));
  files.push({
    path: 'connections.json',
    description: 'Each connection and its last connection test (who the token belongs to, its scope, what it can read)',
    content: `${JSON.stringify(statuses, null, 2)}\n`,
  });

  const cursors = await auditCursors(hw.store, ids);
  const audit = cursors.map((c) => ({
    connection: names.get(c.connection_id)!,
    enterprise: c.enterprise_id,
    events: events.filter((e) => e.connection_id === c.connection_id && e.enterprise_id === c.enterprise_id).length,
    first_day: c.first_day,
    complete_through: c.complete_through,
  }));
  const latestInventory = new Set([...inventoryRuns.values()].map((r) => r.id));
  const gaps = coverage
    .filter((g) => latestInventory.has(Number(g.run_id)) && g.status !== 'ok' && g.parent_key === '')
    .map((g) => ({
      connection: runs.find((r) => r.id === Number(g.run_id))?.connection ?? '',
      resource: g.resource,
      reason: g.reason,
      fix: g.fix,
      parents: Number(g.parents ?? 0),
    }));
  const html = renderReport({
    generatedAt: now.toISOString(),
    generatedBy: `herowatch ${VERSION}`,
    period: { from, to },
    connections: connections.map((c) => ({
      name: c.name,
      account_email: c.account_email,
      state: c.state,
      status: statuses.find((s) => s.connection === c.name)!.status,
      inventoryRun: inventoryRuns.get(c.id) ?? null,
    })),
    findings,
    changes,
    frameworks: frameworkReports,
    runs,
    gaps,
    audit,
    signer: signingKey?.fingerprint ?? null,
    files: [...files.map((f) => f.path), 'report.html', 'SHA256SUMS', 'manifest.json', 'manifest.sha256', ...(signingKey ? ['manifest.sig'] : [])],
  });
  files.unshift({ path: 'report.html', description: 'The report for people: connections, framework controls, findings, changes, collection', content: html });

  const { zip, manifestHash } = writeBundle(
    files,
    {
      generated_at: now.toISOString(),
      generated_by: `herowatch ${VERSION}`,
      period: { from, to },
      connections: connections.map((c) => c.name),
      notes: [
        ...notes,
        "Findings are as they stood at the period's end, from their recorded history; messages are the latest. Results that had not failed by then are given as passing (or unknown when they are unknown now); resources first evaluated after the period are left out.",
      ],
    },
    signingKey,
  );
  await writeOutputFile(request.out, zip);
  return {
    out: request.out,
    files: files.length + (signingKey ? 4 : 3),
    warnings: notes,
    bytes: zip.length,
    manifestHash,
    signer: signingKey?.fingerprint ?? null,
    period: { from, to },
    connections: connections.map((c) => c.name),
    openFindings: findings.filter((f) => f.status === 'open').length,
  };
}

/** The installation's evidence signing key (created on first use). */
export function evidenceSigningKey(hw: Herowatch): SigningKey {
  return loadSigningKey(hw.config.home, hw.config.keys);
}

/** Verifies a bundle; `signer` (a fingerprint or a public key file) must then have signed it. */
/**
 * Verifies a bundle on this installation: without `signer`, a bundle counts
 * as trusted only when this installation's own key signed it.
 */
export async function verifyEvidence(path: string, options: { signer?: string; home: string; keys: KeyEnvironment }): Promise<Verification> {
  const signer = options.signer ? expectedSigner(options.signer) : undefined;
  const own = signer ? null : existingSigner(options.home, options.keys);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(
      'HW_FILE_UNREADABLE',
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  return verifyBundle(new Uint8Array(bytes), { signer, trusted: own ? [own] : [] });
}

/**
 * Bundles kept for the dashboard, in the `evidence` folder of herowatch's
 * home, named by their period and when they were made; a name that is not
 * one of these (a path, `..`) is never opened.
 */
const BUNDLE_NAME = /^herowatch-evidence-[0-9]{8}-[0-9]{8}(-[a-z0-9_-]{1,63})?-[0-9]{14}\.zip$/;

const evidenceFolder = (hw: Herowatch): string => join(hw.config.home, 'evidence');

export interface StoredBundle {
  name: string;
  bytes: number;
  created_at: string;
}

export async function storedBundles(hw: Herowatch): Promise<StoredBundle[]> {
  let names: string[];
  try {
    names = await readdir(evidenceFolder(hw));
  } catch {
    return [];
  }
  const bundles: StoredBundle[] = [];
  for (const name of names.filter((n) => BUNDLE_NAME.test(n))) {
    const info = await stat(join(evidenceFolder(hw), name));
    bundles.push({ name, bytes: info.size, created_at: info.mtime.toISOString() });
  }
  return bundles.sort((a, b) => (a.name < b.name ? 1 : -1));
}

/** The path of a stored bundle, by its name only. */
export function storedBundlePath(hw: Herowatch, name: string): string {
  if (!BUNDLE_NAME.test(name)) throw new NotFoundError('HW_EVIDENCE_UNKNOWN', `There is no evidence bundle "${name.slice(0, 80)}".`);
  return join(evidenceFolder(hw), name);
}

/** Writes a bundle into the evidence folder under a name of its period (the dashboard's "generate"). */
export async function createStoredBundle(hw: Herowatch, request: Omit<EvidenceRequest, 'out'>): Promise<EvidenceResult & { name: string }> {
  const now = request.now ?? new Date();
  const compact = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '');
  const connection = request.connection
    ? `-${request.connection
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, '_')
        .slice(0, 63)}`
    : '';
  const name = `herowatch-evidence-${compact(request.from)}-${compact(request.to)}${connection}-${now
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}.zip`;
  await mkdir(evidenceFolder(hw), { recursive: true, mode: 0o700 });
  const result = await createEvidence(hw, { ...request, now, out: storedBundlePath(hw, name) });
  return { ...result, name };
}
