import type { Account } from '@heroku-cli/schema';
import type { HerokuClient } from '../heroku/client.js';
import { HerokuApiError, HerokuUnreachableError } from '../heroku/errors.js';
import { IncompleteRunError, InterruptedError, TokenRejectedError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Store } from '../store/database.js';
import { RunWriter, type RecordItem } from '../store/records.js';
import { connectionById, updateConnection } from '../store/connections.js';
import { auditCursor } from '../store/audit-events.js';
import { lastCompleteInventoryRun, recordCoverage, runCoverage, type CoverageEntry } from '../store/runs.js';
import type { ReadPlan } from './plan.js';
import { remainingRequests, syncSeconds, type SyncEstimate } from './estimate.js';
import { beginRun } from './run-lifecycle.js';
import { daysToRead, syncAuditTrail, type AuditCursorUpdate } from './audit-trail.js';
import { classifyFailure, CoverageTally, gapGroups, scopeGap, scopeRulesOut } from './coverage.js';
import { parentFirst, RESOURCES } from '../datasets/registry.js';
import type { ParentRecord, ResourceDefinition } from '../datasets/resource.js';

export interface SyncOptions {
  store: Store;
  connectionId: number;
  client: HerokuClient;
  resources?: ResourceDefinition[];
  /** Days of audit trail to collect the first time (later runs go on from where the last stopped). */
  auditBackfillDays?: number;
  now?: () => Date;
  onProgress?: (event: SyncProgress) => void;
  /** Fetch tasks (one resource for one parent) under way at once; the client bounds HTTP concurrency. */
  taskConcurrency?: number;
  signal?: AbortSignal;
  /** How long the run's lease lasts between heartbeats (default 60 s): a run that stops renewing it is taken for dead after this. */
  leaseMs?: number;
  logger?: Logger;
  /**
   * Makes the run incremental: called once the account-wide lists and the
   * audit trail are read, it says which parents' lists to read of the
   * resources it names (others are read in full). Lists not read keep
   * their records as last verified, and their gaps as last recorded.
   */
  plan?: (context: PlanContext) => Promise<ReadPlan>;
}

/** What the planner sees mid-run: the lists read so far and the requests spent on them. */
export interface PlanContext {
  runId: number;
  fetched: ReadonlyMap<string, ParentRecord[]>;
  requests: number;
  /** Tokens the pool holds, as last seen (null: unknown), and the reserve the client keeps. */
  available: number | null;
  reserve: number;
  poolSize: number;
  refillPerMinute: number;
}

export type SyncProgress =
  | { type: 'start'; runId: number; interrupted: number[] }
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'gap'; resource: string; parentKey: string; status: string; reason: string | null }
  /** Requests wait for the account's rate-limit pool to refill above the reserve. */
  | { type: 'rate-limit-wait'; remaining: number; reserve: number; resumesInMs: number }
  /** An incremental run's plan: what it reads of the per-app lists, and why. */
  | { type: 'plan'; plan: Omit<ReadPlan, 'reads'> & { lists: number } }
  /** What the sync will cost and take: from the last run at the start, from the account's size once its lists are read. */
  | SyncEstimate;

export interface SyncResult {
  runId: number;
  mode: 'full' | 'incremental';
  /** An incremental run's plan (null for a full one). */
  plan: (Omit<ReadPlan, 'reads'> & { lists: number }) | null;
  /** `incomplete`: more lists than INCOMPLETE_SHARE could not be read, so the run did not replace the last complete inventory. */
  status: 'complete' | 'incomplete' | 'failed' | 'interrupted';
  error: string | null;
  account: { id: string; email: string } | null;
  requests: number;
  notModified: number;
  retries: number;
  rateLimitLow: number | null;
  throttledMs: number;
  items: number;
  versions: number;
  auditEvents: number;
  coverage: Record<'ok' | 'forbidden' | 'failed' | 'missing', number>;
  /** Every coverage entry that is not ok. */
  gaps: CoverageEntry[];
  /** Runs of this connection found dead and marked interrupted before this one. */
  recovered: number[];
  durationMs: number;
}

export { SyncAlreadyRunning } from './run-lifecycle.js';

/**
 * The share of a run's lists that may fail (after retries) while the run
 * still replaces the last complete inventory, the failed lists keeping
 * their last known records and a gap each. Past it, what the run read is
 * not the account: the run ends `incomplete`, and nothing it read is kept.
 */
export const INCOMPLETE_SHARE = 0.05;

/**
 * Collects a connection's inventory: every resource, parents before
 * children, each list page written as it arrives; the audit trail day by
 * day; then, in one transaction, this run becomes the inventory datasets
 * show. A resource that cannot be read for one parent (a 403 on one app) is
 * recorded as a coverage gap and the run goes on.
 */
export async function syncInventory(options: SyncOptions): Promise<SyncResult> {
  const { store, client } = options;
  const log = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const connection = await connectionById(store, options.connectionId);
  const mode = options.plan ? 'incremental' : 'full';
  const run = await beginRun(store, connection.id, 'inventory', { startedAt: now(), leaseMs: options.leaseMs, mode });
  const runId = run.id;
  const interrupted = run.recovered;
  log.info({ runId, connection: connection.name, recovered: interrupted }, 'sync started');
  options.onProgress?.({ type: 'start', runId, interrupted });
  const writer = new RunWriter(store, connection.id, runId);
  const coverage = new CoverageTally();
  let account: SyncResult['account'] = null;
  let auditEvents = 0;
  let planned: ReadPlan | null = null;
  const fetched = new Map<string, ParentRecord[]>();
  const resources = options.resources ?? RESOURCES;
  // Records kept in memory: parents of other resources, and enterprises for the audit trail.
  const parents = new Set([...(resources.map((r) => r.parent).filter(Boolean) as string[]), 'enterprise_accounts', 'account']);

  const result = (status: SyncResult['status'], error: string | null): SyncResult => {
    const stats = client.stats;
    return {
      runId,
      mode,
      plan: planned ? summary(planned) : null,
      status,
      error,
      account,
      requests: stats.requests,
      notModified: stats.notModified,
      retries: stats.retries,
      rateLimitLow: stats.rateLimitLow,
      throttledMs: stats.throttledMs,
      items: writer.itemsWritten,
      versions: writer.versionsWritten,
      auditEvents,
      coverage: { ...coverage.counts },
      gaps: coverage.gaps,
      recovered: interrupted,
      durationMs: Math.round(performance.now() - started),
    };
  };
  const runStats = () => {
    const stats = client.stats;
    return {
      requests: stats.requests,
      not_modified: stats.notModified,
      retries: stats.retries,
      rate_limit_low: stats.rateLimitLow,
      throttled_ms: Math.round(stats.throttledMs),
      items: writer.itemsWritten,
    };
  };

  /** The estimate for `requests` more requests, at the pool's state and the answer time measured so far. */
  const estimate = (basis: SyncEstimate['basis'], requests: number, apps: number | null): SyncEstimate => {
    const available = client.gauge.estimate();
    const pool = {
      available: available === null ? null : Math.floor(available),
      reserve: client.gauge.reserve,
      refillPerMinute: client.gauge.options.refillPerMinute,
    };
    return { type: 'estimate', basis, requests, apps, ...pool, ...syncSeconds(requests, pool, client.concurrency, client.stats.answerMs) };
  };
  const tellEstimate = (event: SyncEstimate): void => {
    log.info(
      { runId, basis: event.basis, requests: event.requests, seconds: event.seconds, apps: event.apps, available: event.available, reserve: event.reserve },
      'sync estimate',
    );
    options.onProgress?.(event);
  };

  try {
    const last = await lastCompleteInventoryRun(store, connection.id);
    if (last && !options.plan) tellEstimate(estimate('last-run', last.requests, null));

    /** A list read (or not): counted in the coverage, and staged for completion, verified as of now when `verified`. */
    const noteList = async (entry: CoverageEntry, verified: boolean): Promise<void> => {
      coverage.add(entry);
      await writer.list({ resource: entry.resource, parentKey: entry.parentKey, status: entry.status, verifiedAt: verified ? now().toISOString() : null });
    };

    const fetchTask = async (resource: ResourceDefinition, parent: ParentRecord | null): Promise<void> => {
      const path = typeof resource.path === 'string' ? resource.path : resource.path(parent!);
      if (path === null) return;
      const parentKey = parent?.key ?? '';
      if (scopeRulesOut(resource, client.scopes)) {
        // Known without asking: the token cannot read it. The planner need not count it as never read.
        await noteList({ resource: resource.name, parentKey, items: 0, ...scopeGap(resource, client.scopes!) }, true);
        return;
      }
      let items = 0;
      const keep = async (raw: unknown[]): Promise<void> => {
        const records = toRecords(resource, raw, parent ?? undefined);
        items += records.length;
        await writer.write(resource.name, parentKey, records);
        if (parents.has(resource.name)) {
          const list = fetched.get(resource.name) ?? [];
          const held = resource.heldForChildren;
          for (const record of records) list.push({ key: record.key, item: held ? pick(record.data, held) : record.data });
          fetched.set(resource.name, list);
        }
      };
      try {
        if (resource.shape === 'list') {
          if (resource.select) {
            const all: unknown[] = [];
            for await (const page of client.pages(path, resource.range)) all.push(...page.items);
            await keep(resource.select(all as Record<string, unknown>[]));
          } else {
            for await (const page of client.pages(path, resource.range)) await keep(page.items);
          }
        } else {
          const { body } = await client.get(path);
          await keep(resource.shape === 'map' ? Object.keys((body ?? {}) as object).map((name) => ({ name })) : [body]);
        }
        await noteList({ resource: resource.name, parentKey, status: 'ok', items }, true);
      } catch (error) {
        if (error instanceof InterruptedError) throw error; // stopped, not a gap
        if (error instanceof HerokuUnreachableError) throw error; // Heroku is gone: the run stops, whole
        if (error instanceof HerokuApiError && error.status === 401)
          throw new TokenRejectedError(`Heroku rejected the token (${error.herokuMessage}): it is invalid, revoked or expired.`, connection.name);
        const entry: CoverageEntry = {
          resource: resource.name,
          parentKey,
          items,
          ...classifyFailure(resource, error, { accountEmail: account?.email ?? null, parent: parent ?? undefined }),
        };
        // A refusal or an absence is an answer too: asked again when due, not every cycle. A failure is not.
        await noteList(entry, entry.status !== 'failed');
        log.info({ runId, resource: resource.name, parentKey, status: entry.status, httpStatus: entry.httpStatus, reason: entry.reason }, 'coverage gap');
        options.onProgress?.({ type: 'gap', resource: resource.name, parentKey, status: entry.status, reason: entry.reason ?? null });
      }
    };

    // The account first: it says whose inventory this is.
    const accountResource = resources.find((r) => r.name === 'account');
    if (accountResource) {
      await fetchTask(accountResource, null);
      await recordCoverage(store, runId, [accountResource], coverage.entries());
      const record = fetched.get('account')?.[0]?.item as Account | undefined;
      if (!record?.id || !record.email)
        throw new Error(`Could not read the account: ${coverage.entries().find((c) => c.resource === 'account')?.reason ?? 'no answer'}`);
      account = { id: record.id, email: record.email };
      if (connection.account_id && connection.account_id !== account.id) {
        throw new Error(
          `The token belongs to ${account.email}, but connection "${connection.name}" holds the inventory of ${connection.account_email}. Use another connection name for another account.`,
        );
      }
      await updateConnection(store, connection.id, { account_id: account.id, account_email: account.email, updated_at: now().toISOString() });
    }

    const concurrency = Math.max(1, options.taskConcurrency ?? 16);
    const levels = parentFirst(resources.filter((r) => r !== accountResource));
    const readLevel = async (level: ResourceDefinition[]): Promise<void> => {
      // The level's tasks, counted first and then made one at a time as workers take them: tens of thousands of
      // queued promises would cost more memory than the lists they read.
      const chosenParents = (resource: ResourceDefinition): ParentRecord[] => {
        const parentsOf = fetched.get(resource.parent!) ?? [];
        const chosen = planned?.reads.get(resource.name);
        // A list the token's scope rules out costs no request: its gap is recorded for every parent, as in a full run.
        if (!chosen || scopeRulesOut(resource, client.scopes)) return parentsOf;
        return parentsOf.filter((p) => chosen.has(p.key));
      };
      for (const resource of level) {
        const chosen = planned?.reads.get(resource.name);
        if (resource.parent && chosen && !scopeRulesOut(resource, client.scopes))
          for (const p of fetched.get(resource.parent) ?? []) if (!chosen.has(p.key)) carry(resource.name, p.key);
      }
      const total = level.reduce((sum, resource) => sum + (resource.parent ? chosenParents(resource).length : 1), 0);
      function* tasks(): Generator<[ResourceDefinition, ParentRecord | null]> {
        for (const resource of level) {
          if (!resource.parent) yield [resource, null];
          else for (const parent of chosenParents(resource)) yield [resource, parent];
        }
      }
      let done = 0;
      const phase = level.map((r) => r.name).join(', ');
      options.onProgress?.({ type: 'progress', phase, done, total });
      const queue = tasks();
      let stopped = false;
      const worker = async (): Promise<void> => {
        try {
          for (let next = queue.next(); !next.done && !stopped; next = queue.next()) {
            if (options.signal?.aborted) throw new InterruptedError();
            if (client.answers.silence) throw client.answers.silence;
            await fetchTask(...next.value);
            options.onProgress?.({ type: 'progress', phase, done: ++done, total });
          }
        } catch (error) {
          stopped = true; // the run stops: the other workers take no more tasks
          throw error;
        }
      };
      // Every worker ends (after its task) before the first failure is thrown: none may write once the run is purged.
      const ends = await Promise.allSettled(Array.from({ length: Math.min(concurrency, total) }, worker));
      const failure = ends.find((end) => end.status === 'rejected');
      if (failure) throw failure.reason;
      await recordCoverage(store, runId, level, coverage.entries(), (name) => coverage.totalsOf(name));
    };

    // The gaps of the last complete run, carried for the lists an incremental run does not read: they still stand.
    const previousGaps = new Map<string, CoverageEntry>();
    if (options.plan && connection.last_complete_run !== null) {
      for (const row of await runCoverage(store, connection.last_complete_run)) {
        if (row.status === 'ok' || row.parent_key === '') continue;
        previousGaps.set(`${row.resource}\u0000${row.parent_key}`, {
          resource: row.resource,
          parentKey: row.parent_key,
          status: row.status,
          httpStatus: row.http_status,
          errorId: row.error_id,
          reason: row.reason,
          fix: row.fix,
          items: row.items,
        });
      }
    }
    function carry(resource: string, parentKey: string): void {
      const gap = previousGaps.get(`${resource}\u0000${parentKey}`);
      if (gap) coverage.add(gap);
    }

    // The account-wide lists first, then the audit trail, which an incremental run's plan reads as change signals.
    const [topLevel = [], ...perParent] = levels;
    await readLevel(topLevel);

    /** Requests for `remaining` resources given what the lists hold, plus the audit trail's days. */
    async function requestsAfterLists(remaining: ResourceDefinition[]): Promise<number> {
      const listed = new Map([...fetched].map(([name, items]) => [name, items.length]));
      let requests = remainingRequests(remaining, listed);
      for (const enterprise of fetched.get('enterprise_accounts') ?? []) {
        const cursor = await auditCursor(store, connection.id, enterprise.key);
        requests += daysToRead(cursor?.complete_through ?? null, now(), options.auditBackfillDays ?? 30).length;
      }
      return requests;
    }
    if (!options.plan) tellEstimate(estimate('account', await requestsAfterLists(perParent.flat()), fetched.get('apps')?.length ?? null));

    let cursors: AuditCursorUpdate[] = [];
    const enterprises = fetched.get('enterprise_accounts') ?? [];
    if (enterprises.length > 0) {
      const enterpriseName = (key: string): string => String((enterprises.find((e) => e.key === key)?.item as { name?: unknown } | undefined)?.name ?? key);
      const audit = await syncAuditTrail({
        store,
        client,
        connectionId: connection.id,
        runId,
        enterprises,
        backfillDays: options.auditBackfillDays ?? 30,
        today: now(),
        accountEmail: account?.email ?? null,
        signal: options.signal,
        onProgress: (enterprise, done, total) => options.onProgress?.({ type: 'progress', phase: `audit trail of ${enterpriseName(enterprise)}`, done, total }),
      });
      auditEvents = audit.events;
      cursors = audit.cursors;
      for (const entry of audit.coverage) coverage.add(entry);
      await recordCoverage(store, runId, [{ name: 'audit_events', parent: 'enterprise_accounts' }], audit.coverage);
    }
    if (options.signal?.aborted) throw new InterruptedError();

    if (options.plan) {
      const available = client.gauge.estimate();
      planned = await options.plan({
        runId,
        fetched,
        requests: client.stats.requests,
        available: available === null ? null : Math.floor(available),
        reserve: client.gauge.reserve,
        poolSize: client.gauge.pool,
        refillPerMinute: client.gauge.options.refillPerMinute,
      });
      const event = summary(planned);
      log.info({ runId, ...event.reasons, requests: event.requests, deferred: event.deferred }, 'sync plan');
      options.onProgress?.({ type: 'plan', plan: event });
      tellEstimate(estimate('account', planned.requests, fetched.get('apps')?.length ?? null));
    }
    for (const level of perParent) await readLevel(level);
    if (options.signal?.aborted) throw new InterruptedError();
    const failed = coverage.counts.failed;
    if (failed > 0 && failed > coverage.lists * INCOMPLETE_SHARE) {
      const groups = gapGroups(coverage.gaps.filter((c) => c.status === 'failed'));
      throw new IncompleteRunError(
        `${failed} of ${coverage.lists} lists could not be read after retries (${groups
          .slice(0, 3)
          .map((g) => `${g.resource}: ${g.count}, ${g.cause}`)
          .join(
            '; ',
          )}${groups.length > 3 ? '; ...' : ''}), more than ${Math.round(INCOMPLETE_SHARE * 100)}%: the run is incomplete and the last complete inventory stands. Try again when Heroku answers; the run's gaps say what failed.`,
      );
    }

    options.onProgress?.({ type: 'progress', phase: 'saving the inventory', done: 0, total: 1 });
    await writer.complete(parentFirst(resources).flat(), { stats: runStats(), finishedAt: now().toISOString(), auditCursors: cursors });
    options.onProgress?.({ type: 'progress', phase: 'saving the inventory', done: 1, total: 1 });
    const done = result('complete', null);
    log.info(
      { runId, requests: done.requests, notModified: done.notModified, items: done.items, gaps: done.gaps.length, durationMs: done.durationMs },
      'sync complete',
    );
    return done;
  } catch (error) {
    const interruptedNow = error instanceof InterruptedError || options.signal?.aborted === true;
    const ending = interruptedNow ? 'interrupted' : error instanceof IncompleteRunError ? 'incomplete' : 'failed';
    const message = interruptedNow ? 'Interrupted before the run completed; nothing it collected was kept.' : (error as Error).message;
    await writer.idle();
    await run.abandon(message, runStats(), ending);
    log.warn({ runId, status: ending, error: message }, 'sync did not complete');
    return result(ending, message);
  } finally {
    run.release();
  }
}

function summary(plan: ReadPlan): Omit<ReadPlan, 'reads'> & { lists: number } {
  const { reads, ...rest } = plan;
  return { ...rest, lists: [...reads.values()].reduce((sum, apps) => sum + apps.size, 0) };
}

/** Items as records: keyed, stripped of what is never stored, enriched with their parent. */
export function toRecords(resource: ResourceDefinition, raw: unknown[], parent?: ParentRecord): RecordItem[] {
  const records: RecordItem[] = [];
  for (const value of raw) {
    if (!value || typeof value !== 'object') continue;
    let data = value as Record<string, unknown>;
    if (resource.omit || resource.enrich) {
      // Enrichment sees the item as Heroku sent it; one copy, so the client's (possibly cached) item is never changed.
      const extra = resource.enrich?.(data, parent);
      data = { ...data };
      for (const field of resource.omit ?? []) delete data[field];
      if (extra) Object.assign(data, extra);
    }
    const key = resource.key ? resource.key(data, parent) : String(data.id);
    records.push({ key, data });
  }
  return records;
}

/** The named fields of a record, for what is held of it while a run is under way. */
function pick(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const held: Record<string, unknown> = {};
  for (const field of fields) if (field in data) held[field] = data[field];
  return held;
}
