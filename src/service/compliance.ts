import { checkCatalog, type CatalogEntry } from '../compliance/catalog.js';
import { SEVERITIES, type Severity } from '../severity.js';
import { enabledChecks, evaluateChecks, readsApps, retiredChecks } from '../compliance/evaluate.js';
import { groupBy, type CheckDefinition } from '../compliance/check.js';
import {
  dataAsOf,
  findingsAt,
  findingView,
  FINDING_STATUSES,
  resultApp,
  suppressionKey,
  suppressionView,
  type FindingView,
  type FindingViewStatus,
  type SuppressionView,
} from '../compliance/finding-view.js';
import { verifiedAges, type VerifiedAges } from '../store/verified.js';
import { EvaluationPlanner, type ChangeCounts, type FindingChange } from '../compliance/findings.js';
import { appPages, loadAccountInventory, type ComplianceInventory } from '../compliance/inventory.js';
import { checkNamed } from '../compliance/registry.js';
import { frameworkReportFromCounts, type FrameworkReport } from '../compliance/report.js';
import { InputError, NotFoundError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../store/cursor.js';
import {
  activeSuppressionRows,
  findingById,
  findingCountsByCheck,
  findingHistory,
  findingPage,
  insertSuppression,
  lifecycleEventsUpTo,
  markNotified,
  pendingNotices,
  revokeSuppression,
  suppressionsInForceAt,
  type ExistingFinding,
} from '../store/findings.js';
import {
  beginEvaluation,
  findingIdsOfResources,
  findingKeysAfter,
  findingsById,
  findingsOf,
  finishEvaluation,
  suppressionState,
  writeEvaluationChunk,
  type FindingKey,
} from '../store/evaluation-writes.js';
import { connectionById } from '../store/connections.js';
import { inTransaction } from '../store/database.js';
import { listConnections, requireConnection, type ConnectionRecord } from './connections.js';
import type { Herowatch } from './herowatch.js';
import { requireSynced, riskAcceptance } from './policy.js';

export { FINDING_STATUSES, type CatalogEntry, type FindingView, type FindingViewStatus, type FrameworkReport, type SuppressionView };

export interface EvaluationSummary {
  connection: string;
  evaluationId: number;
  runId: number | null;
  evaluatedAt: string;
  checks: number;
  passed: number;
  failed: number;
  unknown: number;
  /** How many findings this evaluation opened, reopened and resolved (suppressed ones left out). */
  changeCounts: ChangeCounts;
  /** Those changes, most severe first: at most CHANGES_LISTED of them (`herowatch findings` lists every finding). */
  changes: FindingChange[];
  /** How many passing results need attention soon (a stack near its end of life). */
  warningCount: number;
  /** The first WARNINGS_LISTED of them. */
  warnings: { checkId: string; resourceName: string; message: string }[];
  timings: { loadMs: number; evaluateMs: number; storeMs: number };
}

/**
 * Apps per page of an evaluation: it holds one page of the per-app lists
 * and of their results at a time, besides the account's own lists.
 */
export const EVALUATION_PAGE_APPS = 500;

/** Warnings an evaluation lists (the rest are counted). */
export const WARNINGS_LISTED = 100;

/** Stored findings read at once when an evaluation looks for those it gave no result. */
const FINDINGS_PAGE = 2000;

/**
 * Evaluates every enabled check over a connection's inventory (its last
 * complete sync) and records the findings, in one transaction. The
 * inventory is read a page of apps at a time and each page's results are
 * written before the next is read: what it holds does not grow with the
 * account (only the ids of the findings it saw, and the changes to tell).
 */
export async function evaluateConnection(
  hw: Herowatch,
  name: string,
  options: { now?: Date; notify?: boolean; pageApps?: number } = {},
): Promise<EvaluationSummary> {
  const connection = requireSynced(await requireConnection(hw.store, name));
  const now = options.now ?? new Date();
  const settings = hw.config.settings.compliance;
  const checks = enabledChecks(settings);
  const onAccount = checks.filter((check) => !readsApps(check));
  const perApp = checks.filter(readsApps);
  const timings = { loadMs: 0, evaluateMs: 0, storeMs: 0 };
  const timed = async <T>(part: keyof typeof timings, work: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[part] += performance.now() - started;
    }
  };
  const warnings: EvaluationSummary['warnings'] = [];
  let warningCount = 0;
  const { evaluationId, totals, changes } = await inTransaction(hw.store, async (store) => {
    const planner = new EvaluationPlanner({
      ...(await suppressionState(store, connection.id, now)),
      checksRun: checks.map((c) => c.id),
      retired: retiredChecks(settings),
      now,
    });
    const evaluation = await beginEvaluation(store, {
      connectionId: connection.id,
      runId: connection.last_complete_run,
      now: now.toISOString(),
      notify: options.notify,
    });
    const record = async (inventory: ComplianceInventory, run: CheckDefinition[]): Promise<void> => {
      const outcomes = await timed('evaluateMs', () => evaluateChecks(inventory, settings, run));
      for (const o of outcomes)
        if (o.warning && warningCount++ < WARNINGS_LISTED) warnings.push({ checkId: o.check.id, resourceName: o.resource.name, message: o.message });
      await timed('storeMs', async () => {
        const existing: ExistingFinding[] = [];
        for (const [checkId, ofCheck] of groupBy(outcomes, (o) => o.check.id))
          existing.push(
            ...(await findingsOf(
              store,
              connection.id,
              checkId,
              ofCheck.map((o) => o.resource.key),
            )),
          );
        planner.inserted(await writeEvaluationChunk(store, evaluation, planner.page(outcomes, existing)));
      });
    };
    const account = await timed('loadMs', () =>
      loadAccountInventory(store, connection, now, { advisoryMaxAgeMs: hw.config.settings.vulnerabilities.advisory_max_age }),
    );
    await record(account, onAccount);
    const pages = appPages(store, connection, account, options.pageApps ?? EVALUATION_PAGE_APPS);
    for (;;) {
      const page = await timed('loadMs', () => pages.next());
      if (page.done) break;
      await record(page.value, perApp);
    }
    await timed('storeMs', async () => {
      // Every stored finding once, for those no result was given.
      for (let after: FindingKey | null = null; ;) {
        const rows: FindingKey[] = await findingKeysAfter(store, connection.id, after, FINDINGS_PAGE);
        if (rows.length === 0) break;
        after = rows.at(-1)!;
        const open = await findingsById(store, planner.unseenOpen(rows));
        const gone = [...new Set(open.map((row) => row.resource_key))];
        const elsewhere = gone.length === 0 ? [] : await findingIdsOfResources(store, connection.id, gone);
        const present = new Set(elsewhere.filter((f) => planner.saw(f.id)).map((f) => f.resource_key));
        await writeEvaluationChunk(store, evaluation, planner.unseen(rows, open, present));
      }
    });
    const end = planner.finish(Math.round(timings.evaluateMs));
    await timed('storeMs', async () => {
      await writeEvaluationChunk(store, evaluation, end.chunk);
      await finishEvaluation(store, evaluation, end.totals);
    });
    return { evaluationId: evaluation.id, totals: end.totals, changes: planner.changes };
  });
  return {
    connection: name,
    evaluationId,
    runId: connection.last_complete_run,
    evaluatedAt: now.toISOString(),
    checks: totals.checks,
    passed: totals.passed,
    failed: totals.failed,
    unknown: totals.unknown,
    changeCounts: { ...changes.counts },
    changes: changes.listed(),
    warningCount,
    warnings,
    timings: { loadMs: Math.round(timings.loadMs), evaluateMs: Math.round(timings.evaluateMs), storeMs: Math.round(timings.storeMs) },
  };
}

/** An evaluation's changes the webhook has not received, suppressed findings left out. */
export interface PendingNotification {
  evaluationId: number;
  evaluatedAt: string;
  changes: FindingChange[];
}

/**
 * What the webhook is owed for a connection: every evaluation a scheduled
 * job made that is not delivered yet, oldest first (a process that died
 * before sending leaves its evaluation pending; the next job sends it).
 */
export async function pendingNotifications(hw: Herowatch, connectionId: number, now = new Date()): Promise<PendingNotification[]> {
  const suppressed = await activeSuppressions(hw, connectionId, now);
  return (await pendingNotices(hw.store, connectionId)).map((notice) => ({
    ...notice,
    changes: notice.changes.filter((c) => !suppressed.has(suppressionKey(c.checkId, c.resourceKey))),
  }));
}

/** Records that the webhook received an evaluation's changes. */
export async function notificationDelivered(hw: Herowatch, evaluationId: number, at = new Date()): Promise<void> {
  await markNotified(hw.store, evaluationId, at);
}

async function activeSuppressions(hw: Herowatch, connectionId: number, now: Date): Promise<Map<string, SuppressionView>> {
  const rows = await activeSuppressionRows(hw.store, connectionId, now);
  return new Map(rows.map((r) => [suppressionKey(r.check_id, r.resource_key), suppressionView(r)]));
}

/** The check catalog as configured here (which checks the settings disable). */
export function configuredCatalog(hw: Herowatch): CatalogEntry[] {
  return checkCatalog(hw.config.settings.compliance.disabled_checks);
}

export interface FindingFilter {
  connection?: string;
  /** Several connections by name (instead of `connection`); the unsynced among them have no findings. */
  connections?: string[];
  /** Only findings about these apps (the app itself, or one of its resources). */
  apps?: string[];
  /** Statuses to include; default every status but pass. */
  status?: FindingViewStatus[];
  /** This severity and above. */
  severity?: Severity;
  check?: string;
  now?: Date;
  /** Also results of resources gone from the inventory (past views need them). */
  includeRemoved?: boolean;
}

/** Findings with their check's metadata and any suppression in force, most severe first. */
export async function listFindings(hw: Herowatch, filter: FindingFilter = {}): Promise<FindingView[]> {
  return (await queryFindings(hw, filter)).findings;
}

/** One page of findings (at most `limit`, from `cursor`), with the total that match and where the next page starts. */
export async function findingsPage(
  hw: Herowatch,
  filter: FindingFilter,
  page: { limit: number; cursor?: string },
): Promise<{ findings: FindingView[]; total: number; nextCursor: string | null }> {
  const offset = decodeCursor(page.cursor);
  const { findings, total } = await queryFindings(hw, filter, { limit: page.limit, offset });
  const next = offset + findings.length;
  return { findings, total, nextCursor: next < total ? encodeCursor(next) : null };
}

async function queryFindings(
  hw: Herowatch,
  filter: FindingFilter,
  page?: { limit: number; offset: number },
  options: { unsynced?: 'refuse' | 'allow' } = {},
): Promise<{ findings: FindingView[]; total: number }> {
  const now = filter.now ?? new Date();
  if (filter.check && !checkNamed(filter.check))
    throw new NotFoundError('HW_CHECK_UNKNOWN', `There is no check "${filter.check}".`, { remedy: { do: 'list', what: 'checks' } });
  const connections = filter.connection
    ? [await requireConnection(hw.store, filter.connection)]
    : (await listConnections(hw.store)).filter((c) => filter.connections === undefined || filter.connections.includes(c.name));
  // An empty list must mean "all clear", never "nothing was looked at".
  if ((options.unsynced ?? 'refuse') === 'refuse' && connections.every((c) => c.last_complete_run === null)) {
    if (connections.length === 0)
      throw new InputError('HW_NO_CONNECTIONS', 'There are no connections here, so there are no findings: connect an account and sync it.', {
        remedy: { do: 'connect' },
      });
    throw new InputError(
      'HW_CONNECTION_NOT_SYNCED',
      filter.connection
        ? `Connection "${filter.connection}" has not been synced yet, so it has no findings.`
        : `No connection has been synced yet (${connections.map((c) => c.name).join(', ')}), so there are no findings.`,
      { remedy: { do: 'sync', connection: filter.connection } },
    );
  }
  const catalog = new Map(checkCatalog().map((c) => [c.id, c]));
  const minimum = filter.severity ? SEVERITIES.indexOf(filter.severity) : SEVERITIES.length - 1;
  const { rows, total } = await findingPage(hw.store, {
    connectionIds: connections.map((c) => c.id),
    now,
    statuses: filter.status ?? FINDING_STATUSES.filter((s) => s !== 'pass'),
    severities: SEVERITIES.slice(0, minimum + 1),
    statusOrder: FINDING_STATUSES,
    severityOrder: SEVERITIES,
    check: filter.check,
    apps: filter.apps,
    includeRemoved: filter.includeRemoved,
    limit: page?.limit,
    offset: page?.offset,
  });
  const byId = new Map(connections.map((c) => [c.id, c]));
  const ages = new Map<number, VerifiedAges>();
  for (const id of new Set(rows.map((r) => r.connection_id))) {
    ages.set(
      id,
      await verifiedAges(
        hw.store,
        id,
        rows.filter((r) => r.connection_id === id).flatMap((r) => resultApp(r.resource_key) ?? []),
      ),
    );
  }
  const findings = rows.map((row) => {
    const { connection_name: _name, suppression_id, suppression_reason, suppression_by, suppression_created_at, suppression_expires_at, ...stored } = row;
    const suppression =
      suppression_id === null
        ? null
        : {
            id: Number(suppression_id),
            reason: suppression_reason!,
            by: suppression_by!,
            created_at: suppression_created_at!,
            expires_at: suppression_expires_at!,
          };
    return findingView(
      stored,
      byId.get(row.connection_id)!,
      catalog.get(row.check_id),
      suppression,
      asOf(ages.get(row.connection_id)!, catalog.get(row.check_id), row.resource_key),
    );
  });
  return { findings, total };
}

/** When the data behind a result was read; a check no longer in the catalog is judged by every list. */
function asOf(ages: VerifiedAges, check: CatalogEntry | undefined, resourceKey: string): string | null {
  return dataAsOf(ages, check?.reads ?? [...ages.oldest.keys()], resourceKey);
}

/** No finding has this id (or none the caller may see: the same answer, so that it tells nothing). */
export function unknownFinding(id: number): NotFoundError {
  return new NotFoundError('HW_FINDING_UNKNOWN', `There is no finding ${id}.`, { remedy: { do: 'list', what: 'findings' } });
}

/** Evaluates the named connection, or every connection synced at least once. */
export async function evaluateConnections(hw: Herowatch, name?: string): Promise<EvaluationSummary[]> {
  const names = name ? [name] : (await listConnections(hw.store)).filter((c) => c.last_complete_run !== null).map((c) => c.name);
  if (names.length === 0)
    throw new InputError('HW_CONNECTION_NOT_SYNCED', 'Nothing to evaluate: no connection has been synced yet.', { remedy: { do: 'sync' } });
  const done: EvaluationSummary[] = [];
  for (const each of names) done.push(await evaluateConnection(hw, each));
  return done;
}

/** One finding in full: the view, what the check guards against, and its history. */
export interface FindingDetail extends FindingView {
  risk: string;
  history: { at: string; event: string; detail: string | null }[];
}

export async function findingDetail(hw: Herowatch, findingId: number, now = new Date()): Promise<FindingDetail> {
  const row = await findingById(hw.store, findingId);
  if (!row) throw unknownFinding(findingId);
  const connection = await connectionById(hw.store, row.connection_id);
  const catalog = checkCatalog(hw.config.settings.compliance.disabled_checks).find((c) => c.id === row.check_id);
  const suppression = (await activeSuppressions(hw, row.connection_id, now)).get(suppressionKey(row.check_id, row.resource_key)) ?? null;
  const app = resultApp(row.resource_key);
  const view = findingView(
    row,
    connection,
    catalog,
    suppression,
    asOf(await verifiedAges(hw.store, row.connection_id, app ? [app] : []), catalog, row.resource_key),
  );
  return { ...view, risk: catalog?.risk ?? '', history: await findingHistory(hw.store, findingId) };
}

/** Accepts a failing finding until `expiresAt`: it is shown as suppressed and not notified, then reopens. */
export async function suppressFinding(
  hw: Herowatch,
  findingId: number,
  request: { reason: string; by: string; expiresAt: Date; now?: Date },
): Promise<SuppressionView & { finding: string }> {
  const now = request.now ?? new Date();
  const finding = await findingById(hw.store, findingId);
  if (!finding) throw unknownFinding(findingId);
  if (finding.status !== 'open') {
    throw new InputError(
      'HW_NOT_APPLICABLE',
      `Finding ${findingId} (${finding.check_id} ${finding.resource_name}) is ${finding.status === 'pass' ? 'passing' : finding.status}: only a failing finding can be suppressed, and a failure that comes later is reported.`,
    );
  }
  const { reason, by } = riskAcceptance('suppression', request, now);
  const until = request.expiresAt.toISOString().slice(0, 10);
  const id = await insertSuppression(hw.store, finding, { reason, by, now, expiresAt: request.expiresAt, detail: `${by}: ${reason} (until ${until})` });
  return {
    id,
    reason,
    by,
    created_at: now.toISOString(),
    expires_at: request.expiresAt.toISOString(),
    finding: `${finding.check_id} ${finding.resource_name}`,
  };
}

/** Ends the suppression of a finding now. */
export async function unsuppressFinding(hw: Herowatch, findingId: number, by: string, now = new Date()): Promise<void> {
  const finding = await findingById(hw.store, findingId);
  if (!finding) throw unknownFinding(findingId);
  if (!(await revokeSuppression(hw.store, finding, now, `ended by ${by}`)))
    throw new InputError('HW_NOT_APPLICABLE', `Finding ${findingId} is not suppressed.`);
}

/** Each control of a framework with its checks' current results. */
/** A framework's report over the current findings, counted by the database (no finding is read). */
export async function frameworkReport(
  hw: Herowatch,
  frameworkId: string,
  options: { connection?: string; connections?: ConnectionRecord[]; now?: Date } = {},
): Promise<FrameworkReport> {
  const [report] = await frameworkReports(hw, [frameworkId], options);
  return report!;
}

/** Several frameworks' reports from one count of the findings. */
export async function frameworkReports(
  hw: Herowatch,
  frameworkIds: string[],
  options: { connection?: string; connections?: ConnectionRecord[]; now?: Date } = {},
): Promise<FrameworkReport[]> {
  const now = options.now ?? new Date();
  const connections = options.connections ?? (options.connection ? [await requireConnection(hw.store, options.connection)] : await listConnections(hw.store));
  const counts = await findingCountsByCheck(
    hw.store,
    connections.map((c) => c.id),
    now,
  );
  return frameworkIds.map((id) =>
    frameworkReportFromCounts(
      id,
      counts,
      connections.map((c) => c.name),
      now,
    ),
  );
}

/**
 * Findings as they stood at `at` (what evidence bundles show): see
 * compliance/finding-view.ts. Each finding takes the suppressions of its own
 * connection only, even where two connections see the same team or app.
 */
export async function findingsAsOf(hw: Herowatch, at: Date, connection?: string): Promise<FindingView[]> {
  const { findings: current } = await queryFindings(hw, { connection, status: FINDING_STATUSES, now: at, includeRemoved: true }, undefined, {
    unsynced: 'allow',
  });
  if (current.length === 0) return current;
  const connections = connection ? [await requireConnection(hw.store, connection)] : await listConnections(hw.store);
  const events = await lifecycleEventsUpTo(
    hw.store,
    current.map((f) => f.id),
    at,
  );
  const names = new Map(connections.map((c) => [c.id, c.name]));
  const suppressionsAt = new Map<string, Map<string, SuppressionView>>();
  for (const row of await suppressionsInForceAt(
    hw.store,
    connections.map((c) => c.id),
    at,
  )) {
    const name = names.get(row.connection_id)!;
    const map = suppressionsAt.get(name) ?? new Map<string, SuppressionView>();
    map.set(suppressionKey(row.check_id, row.resource_key), suppressionView(row));
    suppressionsAt.set(name, map);
  }
  // When the data was read is kept for the present only: a later read says nothing of what stood at `at`.
  return findingsAt(current, at, events, suppressionsAt).map((f) =>
    f.data_as_of !== null && Date.parse(f.data_as_of) > at.getTime() ? { ...f, data_as_of: null } : f,
  );
}
