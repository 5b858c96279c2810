import { SEVERITIES, type Severity } from '../compliance/check.js';
import { enabledChecks, evaluateChecks } from '../compliance/evaluate.js';
import { recordEvaluation, type FindingChange } from '../compliance/findings.js';
import { frameworkNamed, frameworks, mappingsByCheck } from '../compliance/frameworks.js';
import { loadInventory } from '../compliance/inventory.js';
import { CHECKS, checkNamed } from '../compliance/registry.js';
import { InputError } from '../errors.js';
import type { Selectable } from 'kysely';
import type { FindingsTable } from '../store/schema.js';
import { listConnections, requireConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

export interface EvaluationSummary {
  connection: string;
  evaluationId: number;
  runId: number | null;
  evaluatedAt: string;
  checks: number;
  passed: number;
  failed: number;
  unknown: number;
  /** Findings opened, reopened and resolved by this evaluation (suppressed ones left out). */
  changes: FindingChange[];
  timings: { loadMs: number; evaluateMs: number; storeMs: number };
}

/**
 * Evaluates every enabled check over a connection's inventory (its last
 * complete sync) and records the findings.
 */
export async function evaluateConnection(hw: Herowatch, name: string, options: { now?: Date } = {}): Promise<EvaluationSummary> {
  const connection = await requireConnection(hw.store, name);
  if (connection.last_complete_run === null) throw new InputError(`Connection "${name}" has not been synced yet: run herowatch sync --connection ${name} first.`);
  const now = options.now ?? new Date();
  const settings = hw.config.settings.compliance;
  const checks = enabledChecks(settings);
  const t0 = performance.now();
  const inventory = await loadInventory(hw.store, connection, now);
  const t1 = performance.now();
  const outcomes = evaluateChecks(inventory, settings, checks);
  const t2 = performance.now();
  const record = await recordEvaluation(hw.store, {
    connectionId: connection.id,
    runId: connection.last_complete_run,
    outcomes,
    checksRun: checks.map((c) => c.id),
    now,
    durationMs: Math.round(t2 - t1),
  });
  const t3 = performance.now();
  const suppressed = await activeSuppressions(hw, connection.id, now);
  return {
    connection: name,
    evaluationId: record.evaluationId,
    runId: connection.last_complete_run,
    evaluatedAt: now.toISOString(),
    checks: record.checks,
    passed: record.passed,
    failed: record.failed,
    unknown: record.unknown,
    changes: record.changes.filter((c) => !suppressed.has(`${c.checkId}\u0000${c.resourceKey}`)),
    timings: { loadMs: Math.round(t1 - t0), evaluateMs: Math.round(t2 - t1), storeMs: Math.round(t3 - t2) },
  };
}

async function activeSuppressions(hw: Herowatch, connectionId: number, now: Date): Promise<Map<string, SuppressionView>> {
  const rows = await hw.store.db
    .selectFrom('hw_suppressions')
    .select(['id', 'check_id', 'resource_key', 'reason', 'created_by', 'created_at', 'expires_at'])
    .where('connection_id', '=', connectionId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .execute();
  return new Map(rows.map((r) => [`${r.check_id}\u0000${r.resource_key}`, { id: Number(r.id), reason: r.reason, by: r.created_by, created_at: r.created_at, expires_at: r.expires_at }]));
}

export interface CatalogEntry {
  id: string;
  title: string;
  severity: Severity;
  resource_type: string;
  risk: string;
  remediation: { text: string; command: string | null };
  references: string[];
  frameworks: string[];
  enabled: boolean;
}

/** The check catalog, with the framework controls citing each check. */
export function checkCatalog(hw?: Herowatch): CatalogEntry[] {
  const mappings = mappingsByCheck();
  const names = new Map(frameworks().map((f) => [f.id, f.name]));
  const disabled = new Set(hw?.config.settings.compliance.disabled_checks ?? []);
  return CHECKS.map((check) => ({
    id: check.id,
    title: check.title,
    severity: check.severity,
    resource_type: check.resourceType,
    risk: check.risk,
    remediation: check.remediation,
    references: check.references,
    frameworks: (mappings.get(check.id) ?? []).map((m) => `${names.get(m.framework)} ${m.control}`),
    enabled: !disabled.has(check.id),
  }));
}

export type FindingViewStatus = 'open' | 'suppressed' | 'resolved' | 'pass' | 'unknown';

export interface SuppressionView {
  id: number;
  reason: string;
  by: string;
  created_at: string;
  expires_at: string;
}

/** A finding as people see it: the stored row (with its connection by name), its check's metadata, and any suppression in force. */
export interface FindingView extends Omit<Selectable<FindingsTable>, 'connection_id' | 'status'> {
  connection: string;
  account_id: string | null;
  account_email: string | null;
  check_title: string;
  status: FindingViewStatus;
  remediation: { text: string; command: string | null };
  references: string[];
  frameworks: string[];
  suppression: SuppressionView | null;
}

export interface FindingFilter {
  connection?: string;
  /** Statuses to include; default every status but pass. */
  status?: FindingViewStatus[];
  /** This severity and above. */
  severity?: Severity;
  check?: string;
  now?: Date;
  /** Also results of resources gone from the inventory (past views need them). */
  includeRemoved?: boolean;
}

export const FINDING_STATUSES: FindingViewStatus[] = ['open', 'suppressed', 'resolved', 'unknown', 'pass'];

/** Findings with their check's metadata and any suppression in force, most severe first. */
export async function listFindings(hw: Herowatch, filter: FindingFilter = {}): Promise<FindingView[]> {
  const now = filter.now ?? new Date();
  if (filter.check && !checkNamed(filter.check)) throw new InputError(`There is no check "${filter.check}"; herowatch checks lists them.`);
  const connections = filter.connection ? [await requireConnection(hw.store, filter.connection)] : await listConnections(hw.store);
  const catalog = new Map(checkCatalog().map((c) => [c.id, c]));
  const statuses = new Set(filter.status ?? FINDING_STATUSES.filter((s) => s !== 'pass'));
  const minimum = filter.severity ? SEVERITIES.indexOf(filter.severity) : SEVERITIES.length - 1;
  const views: FindingView[] = [];
  for (const connection of connections) {
    const suppressions = await activeSuppressions(hw, connection.id, now);
    let query = hw.store.db.selectFrom('hw_findings').selectAll().where('connection_id', '=', connection.id);
    if (filter.check) query = query.where('check_id', '=', filter.check);
    if (!filter.includeRemoved) query = query.where('removed_at', 'is', null);
    for (const row of await query.execute()) {
      if (SEVERITIES.indexOf(row.severity as Severity) > minimum) continue;
      const suppression = row.status === 'open' ? (suppressions.get(`${row.check_id}\u0000${row.resource_key}`) ?? null) : null;
      const status: FindingViewStatus = suppression ? 'suppressed' : row.status;
      if (!statuses.has(status)) continue;
      const check = catalog.get(row.check_id);
      const { connection_id: _connectionId, ...stored } = row;
      views.push({
        ...stored,
        id: Number(row.id),
        connection: connection.name,
        account_id: connection.account_id,
        account_email: connection.account_email,
        check_title: check?.title ?? row.check_id,
        status,
        remediation: check?.remediation ?? { text: '', command: null },
        references: check?.references ?? [],
        frameworks: check?.frameworks ?? [],
        suppression,
      });
    }
  }
  const order = (v: FindingView): number => FINDING_STATUSES.indexOf(v.status) * 10 + SEVERITIES.indexOf(v.severity as Severity);
  return views.sort((a, b) => order(a) - order(b) || a.connection.localeCompare(b.connection) || a.check_id.localeCompare(b.check_id) || a.resource_key.localeCompare(b.resource_key));
}

/** Accepts a failing finding until `expiresAt`: it is shown as suppressed and not notified, then reopens. */
export async function suppressFinding(hw: Herowatch, findingId: number, request: { reason: string; by: string; expiresAt: Date; now?: Date }): Promise<SuppressionView & { finding: string }> {
  const now = request.now ?? new Date();
  const finding = await hw.store.db.selectFrom('hw_findings').select(['id', 'connection_id', 'check_id', 'resource_key', 'resource_name', 'status']).where('id', '=', findingId).executeTakeFirst();
  if (!finding) throw new InputError(`There is no finding ${findingId}; herowatch findings lists them with their ids.`);
  if (!request.reason.trim()) throw new InputError('A suppression needs a reason (--reason "...") that an auditor can read.');
  if (!request.by.trim()) throw new InputError('A suppression needs the name of who decides it (--by NAME).');
  if (request.expiresAt.getTime() <= now.getTime()) throw new InputError(`The expiry ${request.expiresAt.toISOString().slice(0, 10)} is not in the future.`);
  if (request.expiresAt.getTime() - now.getTime() > 366 * 86_400_000) throw new InputError('A suppression lasts at most a year; review it again then.');
  const created = await hw.store.db.transaction().execute(async (tx) => {
    await tx.updateTable('hw_suppressions').set({ revoked_at: now.toISOString() }).where('connection_id', '=', finding.connection_id).where('check_id', '=', finding.check_id).where('resource_key', '=', finding.resource_key).where('revoked_at', 'is', null).execute();
    const row = await tx
      .insertInto('hw_suppressions')
      .values({ connection_id: finding.connection_id, check_id: finding.check_id, resource_key: finding.resource_key, reason: request.reason.trim(), created_by: request.by.trim(), created_at: now.toISOString(), expires_at: request.expiresAt.toISOString(), revoked_at: null, lapse_noted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('hw_finding_events').values({ finding_id: finding.id, evaluation_id: null, at: now.toISOString(), event: 'suppressed', detail: `${request.by.trim()}: ${request.reason.trim()} (until ${request.expiresAt.toISOString().slice(0, 10)})` }).execute();
    return Number(row.id);
  });
  return { id: created, reason: request.reason.trim(), by: request.by.trim(), created_at: now.toISOString(), expires_at: request.expiresAt.toISOString(), finding: `${finding.check_id} ${finding.resource_name}` };
}

/** Ends the suppression of a finding now. */
export async function unsuppressFinding(hw: Herowatch, findingId: number, by: string, now = new Date()): Promise<void> {
  const finding = await hw.store.db.selectFrom('hw_findings').select(['id', 'connection_id', 'check_id', 'resource_key']).where('id', '=', findingId).executeTakeFirst();
  if (!finding) throw new InputError(`There is no finding ${findingId}; herowatch findings lists them with their ids.`);
  const result = await hw.store.db
    .updateTable('hw_suppressions')
    .set({ revoked_at: now.toISOString() })
    .where('connection_id', '=', finding.connection_id)
    .where('check_id', '=', finding.check_id)
    .where('resource_key', '=', finding.resource_key)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new InputError(`Finding ${findingId} is not suppressed.`);
  await hw.store.db.insertInto('hw_finding_events').values({ finding_id: finding.id, evaluation_id: null, at: now.toISOString(), event: 'unsuppressed', detail: `ended by ${by}` }).execute();
}

export interface ControlReport {
  id: string;
  title: string;
  /** failing: an open finding; passing: every result passes; unknown: some results could not be evaluated; not_evaluated: no result. */
  status: 'failing' | 'passing' | 'unknown' | 'not_evaluated';
  checks: { id: string; title: string; passed: number; failed: number; suppressed: number; unknown: number }[];
}

export interface FrameworkReport {
  framework: { id: string; name: string; version: string };
  connections: string[];
  generated_at: string;
  controls: ControlReport[];
  summary: Record<ControlReport['status'], number>;
}

/** Each control of a framework with its checks' current results. */
export async function frameworkReport(hw: Herowatch, frameworkId: string, options: { connection?: string; now?: Date } = {}): Promise<FrameworkReport> {
  const findings = await listFindings(hw, { connection: options.connection, status: FINDING_STATUSES, now: options.now });
  const connections = options.connection ? [options.connection] : (await listConnections(hw.store)).map((c) => c.name);
  return buildFrameworkReport(frameworkId, findings, connections, options.now ?? new Date());
}

/** A framework's controls with the results of their checks among `findings`. */
export function buildFrameworkReport(frameworkId: string, findings: FindingView[], connections: string[], at: Date): FrameworkReport {
  const framework = frameworkNamed(frameworkId);
  if (!framework) throw new InputError(`There is no framework "${frameworkId}" (there are: ${frameworks().map((f) => f.id).join(', ')}).`);
  const counts = new Map<string, { passed: number; failed: number; suppressed: number; unknown: number }>();
  for (const finding of findings) {
    const c = counts.get(finding.check_id) ?? { passed: 0, failed: 0, suppressed: 0, unknown: 0 };
    if (finding.status === 'open') c.failed++;
    else if (finding.status === 'suppressed') c.suppressed++;
    else if (finding.status === 'unknown' || finding.result === 'UNKNOWN') c.unknown++;
    else c.passed++;
    counts.set(finding.check_id, c);
  }
  const controls = framework.controls.map((control): ControlReport => {
    const checks = control.checks.map((id) => ({ id, title: checkNamed(id)!.title, ...(counts.get(id) ?? { passed: 0, failed: 0, suppressed: 0, unknown: 0 }) }));
    const total = (k: 'passed' | 'failed' | 'suppressed' | 'unknown'): number => checks.reduce((sum, c) => sum + c[k], 0);
    const status = total('failed') > 0 ? 'failing' : total('unknown') > 0 ? 'unknown' : total('passed') + total('suppressed') > 0 ? 'passing' : 'not_evaluated';
    return { id: control.id, title: control.title, status, checks };
  });
  const summary = { failing: 0, passing: 0, unknown: 0, not_evaluated: 0 };
  for (const control of controls) summary[control.status]++;
  return { framework: { id: framework.id, name: framework.name, version: framework.version }, connections, generated_at: at.toISOString(), controls, summary };
}

/**
 * Findings as they stood at `at`: open, resolved or suppressed according to
 * the events recorded up to then (messages are the latest). Results that
 * had not failed by then pass (or stay unknown when they are unknown now);
 * resources first evaluated after `at` are left out.
 */
export async function findingsAsOf(hw: Herowatch, at: Date, connection?: string): Promise<FindingView[]> {
  const current = await listFindings(hw, { connection, status: FINDING_STATUSES, now: at, includeRemoved: true });
  if (current.length === 0) return current;
  const iso = at.toISOString();
  const ids = current.map((f) => f.id);
  const events = new Map<number, { event: string; at: string }[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await hw.store.db
      .selectFrom('hw_finding_events')
      .select(['finding_id', 'event', 'at'])
      .where('finding_id', 'in', ids.slice(i, i + 500))
      .where('event', 'in', ['opened', 'reopened', 'resolved'])
      .where('at', '<=', iso)
      .orderBy('at')
      .execute();
    for (const row of rows) events.set(row.finding_id, [...(events.get(row.finding_id) ?? []), { event: row.event, at: row.at }]);
  }
  const suppressions = await hw.store.db
    .selectFrom('hw_suppressions')
    .select(['id', 'connection_id', 'check_id', 'resource_key', 'reason', 'created_by', 'created_at', 'expires_at', 'revoked_at'])
    .where('created_at', '<=', iso)
    .where('expires_at', '>', iso)
    .execute();
  const inForce = new Map(suppressions.filter((s) => s.revoked_at === null || s.revoked_at > iso).map((s) => [`${s.check_id}\u0000${s.resource_key}`, s]));
  const result: FindingView[] = [];
  for (const finding of current) {
    const history = events.get(finding.id) ?? [];
    const last = history.at(-1);
    let status: FindingViewStatus;
    if (finding.created_at > iso) continue; // the resource was first evaluated after `at`
    if (finding.removed_at && finding.removed_at <= iso) continue; // and this one was gone by then
    if (last) status = last.event === 'resolved' ? 'resolved' : 'open';
    else status = finding.status === 'open' || finding.status === 'suppressed' || finding.status === 'resolved' ? 'pass' : finding.status;
    const suppression = status === 'open' ? inForce.get(`${finding.check_id}\u0000${finding.resource_key}`) : undefined;
    result.push({
      ...finding,
      removed_at: null,
      status: suppression ? 'suppressed' : status,
      resolved_at: status === 'resolved' ? last!.at : null,
      last_seen_at: finding.last_seen_at && finding.last_seen_at > iso ? iso : finding.last_seen_at,
      suppression: suppression ? { id: Number(suppression.id), reason: suppression.reason, by: suppression.created_by, created_at: suppression.created_at, expires_at: suppression.expires_at } : null,
    });
  }
  return result;
}
