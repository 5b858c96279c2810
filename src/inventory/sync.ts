import type { Account } from '@heroku-cli/schema';
import type { HerokuClient } from '../heroku/client.js';
import { HerokuApiError, HerokuUnreachableError } from '../heroku/errors.js';
import { IncompleteRunError, InterruptedError, TokenRejectedError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Store } from '../store/database.js';
import { RunWriter } from '../store/records.js';
import { pick, toRecords } from './to-records.js';
import { connectionById, updateConnection, type ConnectionRecord } from '../store/connections.js';
import { auditCursor } from '../store/audit-events.js';
import { lastCompleteInventoryRun, recordCoverage, runCoverage, type CoverageEntry } from '../store/runs.js';
import type { ReadPlan } from './plan.js';
import { estimateFor, remainingRequests, type SyncEstimate } from './estimate.js';
import { beginRun, type ActiveRun } from './run-lifecycle.js';
import { daysToRead, syncAuditTrail, type AuditCursorUpdate } from './audit-trail.js';
import { classifyFailure, CoverageTally, incompleteRun, scopeGap, scopeRulesOut } from './coverage.js';
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
 * Collects a connection's inventory: every resource, parents before
 * children, each list page written as it arrives; the audit trail day by
 * day; then, in one transaction, this run becomes the inventory datasets
 * show. A resource that cannot be read for one parent (a 403 on one app) is
 * recorded as a coverage gap and the run goes on.
 */
export async function syncInventory(options: SyncOptions): Promise<SyncResult> {
  const started = performance.now();
  const connection = await connectionById(options.store, options.connectionId);
  const run = await beginRun(options.store, connection.id, 'inventory', {
    startedAt: (options.now ?? (() => new Date()))(),
    leaseMs: options.leaseMs,
    mode: options.plan ? 'incremental' : 'full',
  });
  return new InventoryRun(options, connection, run, started).execute();
}

/** The run of one sync, in named parts: the account, the levels of lists and their fetching, the gaps, the estimate, the plan, completion. */
class InventoryRun {
  private readonly store: Store;
  private readonly client: HerokuClient;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly mode: SyncResult['mode'];
  private readonly writer: RunWriter;
  private readonly coverage = new CoverageTally();
  private readonly resources: ResourceDefinition[];
  /** Records kept in memory: parents of other resources, and enterprises for the audit trail. */
  private readonly parents: Set<string>;
  /** Those records, as read: resource -> its parent records. */
  private readonly fetched = new Map<string, ParentRecord[]>();
  /** The gaps of the last complete run, carried for the lists an incremental run does not read: they still stand. */
  private readonly previousGaps = new Map<string, CoverageEntry>();
  private account: SyncResult['account'] = null;
  private auditEvents = 0;
  private planned: ReadPlan | null = null;

  constructor(
    private readonly options: SyncOptions,
    private readonly connection: ConnectionRecord,
    private readonly run: ActiveRun,
    private readonly started: number,
  ) {
    this.store = options.store;
    this.client = options.client;
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.mode = options.plan ? 'incremental' : 'full';
    this.writer = new RunWriter(this.store, connection.id, run.id);
    this.resources = options.resources ?? RESOURCES;
    this.parents = new Set([...(this.resources.map((r) => r.parent).filter(Boolean) as string[]), 'enterprise_accounts', 'account']);
  }

  async execute(): Promise<SyncResult> {
    const { options, run } = this;
    this.log.info({ runId: run.id, connection: this.connection.name, recovered: run.recovered }, 'sync started');
    options.onProgress?.({ type: 'start', runId: run.id, interrupted: run.recovered });
    try {
      const last = await lastCompleteInventoryRun(this.store, this.connection.id);
      if (last && !options.plan) this.tellEstimate(estimateFor(this.client, 'last-run', last.requests, null));
      const accountResource = this.resources.find((r) => r.name === 'account');
      if (accountResource) await this.readAccount(accountResource);
      const [topLevel = [], ...perParent] = parentFirst(this.resources.filter((r) => r !== accountResource));
      if (options.plan) await this.loadPreviousGaps();
      // The account-wide lists first, then the audit trail, which an incremental run's plan reads as change signals.
      await this.readLevel(topLevel);
      if (!options.plan)
        this.tellEstimate(estimateFor(this.client, 'account', await this.requestsAfterLists(perParent.flat()), this.fetched.get('apps')?.length ?? null));
      const cursors = await this.readAuditTrail();
      if (options.signal?.aborted) throw new InterruptedError();
      if (options.plan) await this.plan(options.plan);
      for (const level of perParent) await this.readLevel(level);
      if (options.signal?.aborted) throw new InterruptedError();
      const incomplete = incompleteRun(this.coverage);
      if (incomplete) throw incomplete;
      await this.complete(cursors);
      const done = this.result('complete', null);
      this.log.info(
        { runId: run.id, requests: done.requests, notModified: done.notModified, items: done.items, gaps: done.gaps.length, durationMs: done.durationMs },
        'sync complete',
      );
      return done;
    } catch (error) {
      const interruptedNow = error instanceof InterruptedError || options.signal?.aborted === true;
      const ending = interruptedNow ? 'interrupted' : error instanceof IncompleteRunError ? 'incomplete' : 'failed';
      const message = interruptedNow ? 'Interrupted before the run completed; nothing it collected was kept.' : (error as Error).message;
      await this.writer.idle();
      await run.abandon(message, this.runStats(), ending);
      this.log.warn({ runId: run.id, status: ending, error: message }, 'sync did not complete');
      return this.result(ending, message);
    } finally {
      run.release();
    }
  }

  // The account: it says whose inventory this is.

  private async readAccount(accountResource: ResourceDefinition): Promise<void> {
    const { connection, coverage } = this;
    await this.fetchTask(accountResource, null);
    await recordCoverage(this.store, this.run.id, [accountResource], coverage.entries());
    const record = this.fetched.get('account')?.[0]?.item as Account | undefined;
    if (!record?.id || !record.email)
      throw new Error(`Could not read the account: ${coverage.entries().find((c) => c.resource === 'account')?.reason ?? 'no answer'}`);
    this.account = { id: record.id, email: record.email };
    if (connection.account_id && connection.account_id !== record.id) {
      throw new Error(
        `The token belongs to ${record.email}, but connection "${connection.name}" holds the inventory of ${connection.account_email}. Use another connection name for another account.`,
      );
    }
    await updateConnection(this.store, connection.id, { account_id: record.id, account_email: record.email, updated_at: this.now().toISOString() });
  }

  // Fetching: one resource for one parent.

  /** A list read (or not): counted in the coverage, and staged for completion, verified as of now when `verified`. */
  private async noteList(entry: CoverageEntry, verified: boolean): Promise<void> {
    this.coverage.add(entry);
    await this.writer.list({
      resource: entry.resource,
      parentKey: entry.parentKey,
      status: entry.status,
      verifiedAt: verified ? this.now().toISOString() : null,
    });
  }

  private async fetchTask(resource: ResourceDefinition, parent: ParentRecord | null): Promise<void> {
    const { client, options } = this;
    const path = typeof resource.path === 'string' ? resource.path : resource.path(parent!);
    if (path === null) return;
    const parentKey = parent?.key ?? '';
    if (scopeRulesOut(resource, client.scopes)) {
      // Known without asking: the token cannot read it. The planner need not count it as never read.
      await this.noteList({ resource: resource.name, parentKey, items: 0, ...scopeGap(resource, client.scopes!) }, true);
      return;
    }
    let items = 0;
    const keep = async (raw: unknown[]): Promise<void> => {
      const records = toRecords(resource, raw, parent ?? undefined);
      items += records.length;
      await this.writer.write(resource.name, parentKey, records);
      if (this.parents.has(resource.name)) {
        const list = this.fetched.get(resource.name) ?? [];
        const held = resource.heldForChildren;
        for (const record of records) list.push({ key: record.key, item: held ? pick(record.data, held) : record.data });
        this.fetched.set(resource.name, list);
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
      await this.noteList({ resource: resource.name, parentKey, status: 'ok', items }, true);
    } catch (error) {
      if (error instanceof InterruptedError) throw error; // stopped, not a gap
      if (error instanceof HerokuUnreachableError) throw error; // Heroku is gone: the run stops, whole
      if (error instanceof HerokuApiError && error.status === 401)
        throw new TokenRejectedError(`Heroku rejected the token (${error.herokuMessage}): it is invalid, revoked or expired.`, this.connection.name);
      const entry: CoverageEntry = {
        resource: resource.name,
        parentKey,
        items,
        ...classifyFailure(resource, error, { accountEmail: this.account?.email ?? null, parent: parent ?? undefined }),
      };
      // A refusal or an absence is an answer too: asked again when due, not every cycle. A failure is not.
      await this.noteList(entry, entry.status !== 'failed');
      this.log.info(
        { runId: this.run.id, resource: resource.name, parentKey, status: entry.status, httpStatus: entry.httpStatus, reason: entry.reason },
        'coverage gap',
      );
      options.onProgress?.({ type: 'gap', resource: resource.name, parentKey, status: entry.status, reason: entry.reason ?? null });
    }
  }

  // Levels: the resources whose parents are all read, read by a pool of workers.

  /** The parents whose lists of `resource` this run reads: all, or those an incremental run's plan chose. */
  private chosenParents(resource: ResourceDefinition): ParentRecord[] {
    const parentsOf = this.fetched.get(resource.parent!) ?? [];
    const chosen = this.planned?.reads.get(resource.name);
    // A list the token's scope rules out costs no request: its gap is recorded for every parent, as in a full run.
    if (!chosen || scopeRulesOut(resource, this.client.scopes)) return parentsOf;
    return parentsOf.filter((p) => chosen.has(p.key));
  }

  private async readLevel(level: ResourceDefinition[]): Promise<void> {
    const { options, client } = this;
    for (const resource of level) {
      const chosen = this.planned?.reads.get(resource.name);
      if (resource.parent && chosen && !scopeRulesOut(resource, client.scopes))
        for (const p of this.fetched.get(resource.parent) ?? []) if (!chosen.has(p.key)) this.carry(resource.name, p.key);
    }
    // The level's tasks, counted first and then made one at a time as workers take them: tens of thousands of
    // queued promises would cost more memory than the lists they read.
    const total = level.reduce((sum, resource) => sum + (resource.parent ? this.chosenParents(resource).length : 1), 0);
    const chosenParents = (resource: ResourceDefinition): ParentRecord[] => this.chosenParents(resource);
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
          await this.fetchTask(...next.value);
          options.onProgress?.({ type: 'progress', phase, done: ++done, total });
        }
      } catch (error) {
        stopped = true; // the run stops: the other workers take no more tasks
        throw error;
      }
    };
    // Every worker ends (after its task) before the first failure is thrown: none may write once the run is purged.
    const concurrency = Math.max(1, options.taskConcurrency ?? 16);
    const ends = await Promise.allSettled(Array.from({ length: Math.min(concurrency, total) }, worker));
    const failure = ends.find((end) => end.status === 'rejected');
    if (failure) throw failure.reason;
    await recordCoverage(this.store, this.run.id, level, this.coverage.entries(), (name) => this.coverage.totalsOf(name));
  }

  // Gaps: those carried from the last complete run, and when there are too many to call the run complete.

  private async loadPreviousGaps(): Promise<void> {
    if (this.connection.last_complete_run === null) return;
    for (const row of await runCoverage(this.store, this.connection.last_complete_run)) {
      if (row.status === 'ok' || row.parent_key === '') continue;
      this.previousGaps.set(`${row.resource}\u0000${row.parent_key}`, {
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

  /** A list an incremental run does not read keeps the gap it had. */
  private carry(resource: string, parentKey: string): void {
    const gap = this.previousGaps.get(`${resource}\u0000${parentKey}`);
    if (gap) this.coverage.add(gap);
  }

  // The estimate: what the sync will cost and take.

  private tellEstimate(event: SyncEstimate): void {
    this.log.info(
      {
        runId: this.run.id,
        basis: event.basis,
        requests: event.requests,
        seconds: event.seconds,
        apps: event.apps,
        available: event.available,
        reserve: event.reserve,
      },
      'sync estimate',
    );
    this.options.onProgress?.(event);
  }

  /** Requests for `remaining` resources given what the lists hold, plus the audit trail's days. */
  private async requestsAfterLists(remaining: ResourceDefinition[]): Promise<number> {
    const listed = new Map([...this.fetched].map(([name, items]) => [name, items.length]));
    let requests = remainingRequests(remaining, listed);
    for (const enterprise of this.fetched.get('enterprise_accounts') ?? []) {
      const cursor = await auditCursor(this.store, this.connection.id, enterprise.key);
      requests += daysToRead(cursor?.complete_through ?? null, this.now(), this.options.auditBackfillDays ?? 30).length;
    }
    return requests;
  }

  // The audit trail of each enterprise account, day by day.

  private async readAuditTrail(): Promise<AuditCursorUpdate[]> {
    const { options } = this;
    const enterprises = this.fetched.get('enterprise_accounts') ?? [];
    if (enterprises.length === 0) return [];
    const enterpriseName = (key: string): string => String((enterprises.find((e) => e.key === key)?.item as { name?: unknown } | undefined)?.name ?? key);
    const audit = await syncAuditTrail({
      store: this.store,
      client: this.client,
      connectionId: this.connection.id,
      runId: this.run.id,
      enterprises,
      backfillDays: options.auditBackfillDays ?? 30,
      today: this.now(),
      accountEmail: this.account?.email ?? null,
      signal: options.signal,
      onProgress: (enterprise, done, total) => options.onProgress?.({ type: 'progress', phase: `audit trail of ${enterpriseName(enterprise)}`, done, total }),
    });
    this.auditEvents = audit.events;
    for (const entry of audit.coverage) this.coverage.add(entry);
    await recordCoverage(this.store, this.run.id, [{ name: 'audit_events', parent: 'enterprise_accounts' }], audit.coverage);
    return audit.cursors;
  }

  // The plan of an incremental run: which per-app lists to read.

  private async plan(planner: NonNullable<SyncOptions['plan']>): Promise<void> {
    const { client } = this;
    const available = client.gauge.estimate();
    const planned = await planner({
      runId: this.run.id,
      fetched: this.fetched,
      requests: client.stats.requests,
      available: available === null ? null : Math.floor(available),
      reserve: client.gauge.reserve,
      poolSize: client.gauge.pool,
      refillPerMinute: client.gauge.options.refillPerMinute,
    });
    this.planned = planned;
    const event = summary(planned);
    this.log.info({ runId: this.run.id, ...event.reasons, requests: event.requests, deferred: event.deferred }, 'sync plan');
    this.options.onProgress?.({ type: 'plan', plan: event });
    this.tellEstimate(estimateFor(this.client, 'account', planned.requests, this.fetched.get('apps')?.length ?? null));
  }

  // Completion: the run becomes the inventory, or ends with what it says of itself.

  private async complete(cursors: AuditCursorUpdate[]): Promise<void> {
    const { options } = this;
    options.onProgress?.({ type: 'progress', phase: 'saving the inventory', done: 0, total: 1 });
    await this.writer.complete(parentFirst(this.resources).flat(), { stats: this.runStats(), finishedAt: this.now().toISOString(), auditCursors: cursors });
    options.onProgress?.({ type: 'progress', phase: 'saving the inventory', done: 1, total: 1 });
  }

  private runStats() {
    const stats = this.client.stats;
    return {
      requests: stats.requests,
      not_modified: stats.notModified,
      retries: stats.retries,
      rate_limit_low: stats.rateLimitLow,
      throttled_ms: Math.round(stats.throttledMs),
      items: this.writer.itemsWritten,
    };
  }

  private result(status: SyncResult['status'], error: string | null): SyncResult {
    const stats = this.client.stats;
    return {
      runId: this.run.id,
      mode: this.mode,
      plan: this.planned ? summary(this.planned) : null,
      status,
      error,
      account: this.account,
      requests: stats.requests,
      notModified: stats.notModified,
      retries: stats.retries,
      rateLimitLow: stats.rateLimitLow,
      throttledMs: stats.throttledMs,
      items: this.writer.itemsWritten,
      versions: this.writer.versionsWritten,
      auditEvents: this.auditEvents,
      coverage: { ...this.coverage.counts },
      gaps: this.coverage.gaps,
      recovered: this.run.recovered,
      durationMs: Math.round(performance.now() - this.started),
    };
  }
}

function summary(plan: ReadPlan): Omit<ReadPlan, 'reads'> & { lists: number } {
  const { reads, ...rest } = plan;
  return { ...rest, lists: [...reads.values()].reduce((sum, apps) => sum + apps.size, 0) };
}
