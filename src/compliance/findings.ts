import type { EvaluationChunk, EvaluationTotals, FindingKey } from '../store/evaluation-writes.js';
import type { ActiveSuppression, ExistingFinding, LapsedSuppression } from '../store/findings.js';
import type { CheckResultStatus, FindingStatus } from '../store/schema.js';
import { SEVERITIES, severityRank, type Severity } from '../severity.js';
import type { CheckOutcome } from './evaluate.js';

/** A change worth telling people about: a failure that is new, back, or fixed. */
export interface FindingChange {
  event: 'opened' | 'reopened' | 'resolved';
  findingId: number;
  checkId: string;
  severity: string;
  resourceKey: string;
  resourceName: string;
  message: string;
}

/** Changes an evaluation lists (the rest are counted): enough to act on, whatever the account's size. */
export const CHANGES_LISTED = 100;

/** How many changes an evaluation told, by event. */
export interface ChangeCounts {
  opened: number;
  reopened: number;
  resolved: number;
}

/**
 * The changes an evaluation tells: each counted, and the first `limit` of
 * the most severe kept (critical first, then in the order they came). It
 * holds at most `limit` changes per severity, so an evaluation that opens a
 * finding on every one of 50,000 apps holds a page of them, not 50,000.
 */
export class ChangeTally {
  readonly counts: ChangeCounts = { opened: 0, reopened: 0, resolved: 0 };
  private readonly bySeverity = new Map<string, FindingChange[]>();

  constructor(private readonly limit = CHANGES_LISTED) {}

  add(change: FindingChange): void {
    this.counts[change.event]++;
    let kept = this.bySeverity.get(change.severity);
    if (!kept) this.bySeverity.set(change.severity, (kept = []));
    if (kept.length < this.limit) kept.push(change);
  }

  /** How many changes were told. */
  get total(): number {
    return this.counts.opened + this.counts.reopened + this.counts.resolved;
  }

  /** The changes kept: most severe first, at most `limit`. */
  listed(): FindingChange[] {
    const rank = (severity: string): number => (SEVERITIES.includes(severity as Severity) ? severityRank(severity as Severity) : SEVERITIES.length);
    return [...this.bySeverity]
      .sort(([a], [b]) => rank(a) - rank(b))
      .flatMap(([, changes]) => changes)
      .slice(0, this.limit);
  }
}

const keyOf = (checkId: string, resourceKey: string): string => `${checkId}\u0000${resourceKey}`;

type Event = EvaluationChunk['events'][number];

const emptyChunk = (): EvaluationChunk => ({ inserts: [], updates: [], stillFailing: [], removals: [], events: [] });

/**
 * What an evaluation changes in the findings: one finding per check and
 * resource, updated in place. A FAIL opens (or reopens) a finding and moves
 * its last-seen time; a PASS resolves an open one; a resource that is gone
 * resolves its open finding; a result that cannot be evaluated leaves an
 * open finding open (a gap in what herowatch can see is not a fix). Rows
 * whose content did not change are not rewritten. Suppressions that lapsed
 * since the last evaluation reopen what they covered. A suppression accepts
 * one failure: when it is fixed (the check passes, or the resource is gone)
 * the suppression ends, so a later failure opens and is reported again.
 *
 * Pure, and fed a page at a time so that an evaluation holds one page of
 * results, never every finding: `page` plans a page of results against
 * their stored findings, `inserted` learns the ids of the findings it
 * inserted, `unseen` goes through every stored finding once, after the
 * results, for those no result was given, and `finish` ends it. The store
 * writes each part (store/findings.ts).
 */
export class EvaluationPlanner {
  /** What to tell people: findings opened, reopened and resolved, but not those a suppression in force covers. */
  readonly changes: ChangeTally;
  private readonly now: string;
  private readonly ran: Set<string>;
  private readonly retired: Map<string, string>;
  private readonly lapsed: LapsedSuppression[];
  private readonly lapsedByKey: Map<string, LapsedSuppression>;
  private readonly activeByKey: Map<string, ActiveSuppression>;
  /** Findings this evaluation gave a result for (their ids: a number each, whatever the account's size). */
  private readonly seen = new Set<number>();
  /** The results and changes of findings whose suppression lapsed (few). */
  private readonly lapsedResults = new Map<string, { row: ExistingFinding; status: CheckResultStatus; changed: boolean }>();
  private readonly ended: EvaluationTotals['endedSuppressions'] = [];
  /** Results of the current page planned as new findings, by key, until the store says their ids. */
  private pendingInserts = new Map<string, CheckOutcome>();
  private readonly counts = { passed: 0, failed: 0, unknown: 0, opened: 0, resolved: 0, inserted: 0 };

  constructor(options: {
    lapsed: LapsedSuppression[];
    /** Suppressions in force (default: none). */
    active?: ActiveSuppression[];
    checksRun: string[];
    /** Checks the settings retire, with why (see retiredChecks). */
    retired?: Map<string, string>;
    now: Date;
    /** Changes listed in full (default CHANGES_LISTED); the rest are counted. */
    listed?: number;
  }) {
    this.changes = new ChangeTally(options.listed);
    this.now = options.now.toISOString();
    this.ran = new Set(options.checksRun);
    this.retired = options.retired ?? new Map();
    this.lapsed = options.lapsed;
    this.lapsedByKey = new Map(options.lapsed.map((l) => [keyOf(l.check_id, l.resource_key), l]));
    this.activeByKey = new Map((options.active ?? []).map((a) => [keyOf(a.check_id, a.resource_key), a]));
  }

  /**
   * Plans a page of results: `existing` holds the stored findings of their
   * checks and resources (others are ignored). No two pages may hold the
   * same check and resource.
   */
  page(outcomes: readonly CheckOutcome[], existing: readonly ExistingFinding[]): EvaluationChunk {
    const now = this.now;
    const byKey = new Map(existing.map((row) => [keyOf(row.check_id, row.resource_key), row]));
    const chunk = emptyChunk();
    for (const outcome of outcomes) {
      const key = keyOf(outcome.check.id, outcome.resource.key);
      if (outcome.status === 'PASS') this.counts.passed++;
      else if (outcome.status === 'FAIL') this.counts.failed++;
      else this.counts.unknown++;
      const row = byKey.get(key);
      if (!row) {
        const status: FindingStatus = outcome.status === 'FAIL' ? 'open' : outcome.status === 'PASS' ? 'pass' : 'unknown';
        if (this.pendingInserts.has(key)) throw new Error(`Two results for ${outcome.check.id} ${outcome.resource.key} in one evaluation.`);
        this.pendingInserts.set(key, outcome);
        chunk.inserts.push({
          check_id: outcome.check.id,
          resource_type: outcome.resource.type,
          resource_key: outcome.resource.key,
          resource_name: outcome.resource.name,
          severity: outcome.check.severity,
          result: outcome.status,
          status,
          message: outcome.message,
        });
        continue;
      }
      if (this.seen.has(row.id)) throw new Error(`Two results for ${outcome.check.id} ${outcome.resource.key} in one evaluation.`);
      this.seen.add(row.id);
      const before = chunk.events.length;
      let status: FindingStatus = row.status;
      let message = outcome.message;
      const set: Partial<ExistingFinding> = {};
      if (row.removed_at) set.removed_at = null; // back in the inventory
      if (outcome.status === 'FAIL') {
        status = 'open';
        if (row.status !== 'open') {
          const event = row.first_seen_at ? 'reopened' : 'opened';
          this.event(chunk, { finding_id: row.id, event, detail: null });
          this.tell(change(event, row.id, outcome));
          set.first_seen_at = row.first_seen_at ?? now;
          set.resolved_at = null;
        }
        set.last_seen_at = now;
      } else if (outcome.status === 'PASS') {
        if (row.status === 'open') {
          status = 'resolved';
          set.resolved_at = now;
          this.event(chunk, { finding_id: row.id, event: 'resolved', detail: null });
          this.tell(change('resolved', row.id, outcome));
          this.endSuppression(key, row.id);
        } else if (row.status !== 'resolved') status = 'pass';
      } else if (row.status === 'open') {
        message = `${outcome.message} Last seen failing on ${row.last_seen_at?.slice(0, 10)}: ${row.message}`;
      } else if (row.status !== 'resolved') status = 'unknown';
      if (this.lapsedByKey.has(key)) this.lapsedResults.set(key, { row, status: outcome.status, changed: chunk.events.length > before });
      if (status !== row.status) set.status = status;
      if (outcome.status !== row.result) set.result = outcome.status;
      if (message !== row.message) set.message = message;
      if (outcome.check.severity !== row.severity) set.severity = outcome.check.severity;
      if (outcome.resource.name !== row.resource_name) set.resource_name = outcome.resource.name;
      const onlyLastSeen = Object.keys(set).length === 1 && set.last_seen_at !== undefined;
      if (onlyLastSeen) chunk.stillFailing.push(row.id);
      else if (Object.keys(set).length > 0) chunk.updates.push({ id: row.id, set: { ...set, updated_at: now } });
    }
    return chunk;
  }

  /** The findings the store inserted for the last page: those inserted open were opened. */
  inserted(rows: readonly { id: number; check_id: string; resource_key: string; status: FindingStatus }[]): void {
    for (const row of rows) {
      this.seen.add(row.id);
      this.counts.inserted++;
      if (row.status !== 'open') continue;
      this.counts.opened++;
      this.tell(change('opened', row.id, this.pendingInserts.get(keyOf(row.check_id, row.resource_key))!));
    }
    this.pendingInserts = new Map();
  }

  /** Of a page of stored findings (see `unseen`), the open ones this evaluation gave no result for: `unseen` needs them whole. */
  unseenOpen(rows: readonly FindingKey[]): number[] {
    return rows.filter((row) => row.status === 'open' && this.unseenHere(row)).map((row) => row.id);
  }

  /** Whether this evaluation gave a result for the finding with this id. */
  saw(findingId: number): boolean {
    return this.seen.has(findingId);
  }

  /**
   * Plans a page of stored findings (read once each, after every result)
   * for those no result was given: the resource left the inventory, left
   * the check's scope (`present`: resources that still have a result), or
   * the settings retired the check. Open findings (`open`: those of
   * `unseenOpen`, whole) are resolved saying which; rows with no failure in
   * their past are marked removed.
   */
  unseen(rows: readonly FindingKey[], open: readonly ExistingFinding[], present: ReadonlySet<string>): EvaluationChunk {
    const now = this.now;
    const chunk = emptyChunk();
    for (const row of open) {
      const why = this.retired.get(row.check_id);
      const reason = why ?? (present.has(row.resource_key) ? 'is no longer in the scope of this check' : 'is no longer in the inventory');
      const message = why ? `Resolved: ${why}. It was: ${row.message}` : `Resolved: ${row.resource_name} ${reason}. It was: ${row.message}`;
      chunk.updates.push({ id: row.id, set: { status: 'resolved', resolved_at: now, message, updated_at: now } });
      this.event(chunk, { finding_id: row.id, event: 'resolved', detail: why ?? reason.replace(/^is /, '') });
      this.tell({
        event: 'resolved',
        findingId: row.id,
        checkId: row.check_id,
        severity: row.severity,
        resourceKey: row.resource_key,
        resourceName: row.resource_name,
        message,
      });
      this.endSuppression(keyOf(row.check_id, row.resource_key), row.id);
    }
    for (const row of rows) if (row.status !== 'open' && row.status !== 'resolved' && !row.removed_at && this.unseenHere(row)) chunk.removals.push(row.id);
    return chunk;
  }

  /**
   * Ends the evaluation: lapsed suppressions make what they covered open
   * again as far as anyone is concerned (their events are the last chunk),
   * and the counts for the evaluation's row.
   */
  finish(durationMs: number): { chunk: EvaluationChunk; totals: EvaluationTotals } {
    const chunk = emptyChunk();
    for (const suppression of this.lapsed) {
      const result = this.lapsedResults.get(keyOf(suppression.check_id, suppression.resource_key));
      if (!result || result.status !== 'FAIL' || result.changed) continue;
      const { row } = result;
      this.event(chunk, {
        finding_id: row.id,
        event: 'unsuppressed',
        detail: `suppression ${suppression.id} expired on ${suppression.expires_at.slice(0, 10)}`,
      });
      this.tell({
        event: 'reopened',
        findingId: row.id,
        checkId: row.check_id,
        severity: row.severity,
        resourceKey: row.resource_key,
        resourceName: row.resource_name,
        message: `Suppression expired: ${row.message}`,
      });
    }
    const { passed, failed, unknown, opened, resolved, inserted } = this.counts;
    return {
      chunk,
      totals: {
        checks: this.ran.size,
        passed,
        failed,
        unknown,
        opened,
        resolved,
        inserted,
        durationMs,
        lapsedIds: this.lapsed.map((l) => l.id),
        endedSuppressions: this.ended,
      },
    };
  }

  private unseenHere(row: FindingKey): boolean {
    if (this.retired.has(row.check_id)) return true;
    return this.ran.has(row.check_id) && !this.seen.has(row.id);
  }

  /**
   * A change is told unless a suppression in force covers it. A resolution
   * is always told: it ends the suppression of what it fixed.
   */
  private tell(change: FindingChange): void {
    if (change.event !== 'resolved' && this.activeByKey.has(keyOf(change.checkId, change.resourceKey))) return;
    this.changes.add(change);
  }

  private event(chunk: EvaluationChunk, event: Event): void {
    chunk.events.push(event);
    if (event.event === 'resolved') this.counts.resolved++;
    else this.counts.opened++;
  }

  /** A suppression of a failure that is now fixed ends with it. */
  private endSuppression(key: string, findingId: number): void {
    const suppression = this.activeByKey.get(key);
    if (suppression)
      this.ended.push({
        id: suppression.id,
        finding_id: findingId,
        detail: `suppression ${suppression.id} ended: the finding was resolved on ${this.now.slice(0, 10)}`,
      });
  }
}

function change(event: FindingChange['event'], findingId: number, outcome: CheckOutcome): FindingChange {
  return {
    event,
    findingId,
    checkId: outcome.check.id,
    severity: outcome.check.severity,
    resourceKey: outcome.resource.key,
    resourceName: outcome.resource.name,
    message: outcome.message,
  };
}

/** How a list of finding or vulnerability changes is counted: what opened (or reopened), and what resolved. */
export function changeCounts(changes: readonly { event: string }[]): { opened: number; resolved: number } {
  let resolved = 0;
  for (const change of changes) if (change.event === 'resolved') resolved++;
  return { opened: changes.length - resolved, resolved };
}
