import type { ActiveSuppression, EvaluationWrite, ExistingFinding, FindingInsert, LapsedSuppression } from '../store/findings.js';
import type { CheckResultStatus, FindingStatus } from '../store/schema.js';
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

type Existing = ExistingFinding;

const keyOf = (checkId: string, resourceKey: string): string => `${checkId}\u0000${resourceKey}`;

/**
 * What an evaluation changes in the findings: one finding per check and
 * resource, updated in place. A FAIL opens (or reopens) a finding and moves its last-seen time; a
 * PASS resolves an open one; a resource that is gone resolves its open
 * finding; a result that cannot be evaluated leaves an open finding open
 * (a gap in what herowatch can see is not a fix). Rows whose content did not
 * change are not rewritten. Suppressions that lapsed since the last
 * evaluation reopen what they covered. A suppression accepts one failure:
 * when it is fixed (the check passes, or the resource is gone) the
 * suppression ends, so a later failure opens and is reported again. Pure: the store writes the plan
 * (store/findings.ts), and `completeChanges` adds the findings it inserted
 * open.
 */
export function planEvaluation(options: {
  existing: ExistingFinding[];
  lapsed: LapsedSuppression[];
  /** Suppressions in force (default: none). */
  active?: ActiveSuppression[];
  outcomes: CheckOutcome[];
  checksRun: string[];
  /** Checks the settings retire, with why (see retiredChecks). */
  retired?: Map<string, string>;
  now: Date;
}): { write: Omit<EvaluationWrite, 'connectionId' | 'runId' | 'durationMs'>; changes: FindingChange[]; outcomesByKey: Map<string, CheckOutcome> } {
  const now = options.now.toISOString();
  const { existing, lapsed } = options;
  const byKey = new Map(existing.map((row) => [keyOf(row.check_id, row.resource_key), row]));

  const changes: FindingChange[] = [];
  const inserts: FindingInsert[] = [];
  const outcomesByKey = new Map<string, CheckOutcome>();
  const updates: { id: number; set: Partial<Existing> & { updated_at: string } }[] = [];
  const stillFailing: number[] = [];
  const events: { finding_id: number; event: FindingChange['event'] | 'unsuppressed'; detail: string | null }[] = [];
  const seen = new Map<string, CheckResultStatus>();
  let passed = 0;
  let failed = 0;
  let unknown = 0;

  for (const outcome of options.outcomes) {
    const key = keyOf(outcome.check.id, outcome.resource.key);
    seen.set(key, outcome.status);
    if (outcome.status === 'PASS') passed++;
    else if (outcome.status === 'FAIL') failed++;
    else unknown++;
    const row = byKey.get(key);
    if (!row) {
      const status: FindingStatus = outcome.status === 'FAIL' ? 'open' : outcome.status === 'PASS' ? 'pass' : 'unknown';
      outcomesByKey.set(key, outcome);
      inserts.push({
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
    let status: FindingStatus = row.status;
    let message = outcome.message;
    const set: Partial<Existing> = {};
    if (row.removed_at) set.removed_at = null; // back in the inventory
    if (outcome.status === 'FAIL') {
      status = 'open';
      if (row.status !== 'open') {
        const event = row.first_seen_at ? 'reopened' : 'opened';
        events.push({ finding_id: row.id, event, detail: null });
        changes.push(change(event, row.id, outcome));
        set.first_seen_at = row.first_seen_at ?? now;
        set.resolved_at = null;
      }
      set.last_seen_at = now;
    } else if (outcome.status === 'PASS') {
      if (row.status === 'open') {
        status = 'resolved';
        set.resolved_at = now;
        events.push({ finding_id: row.id, event: 'resolved', detail: null });
        changes.push(change('resolved', row.id, outcome));
      } else if (row.status !== 'resolved') status = 'pass';
    } else if (row.status === 'open') {
      message = `${outcome.message} Last seen failing on ${row.last_seen_at?.slice(0, 10)}: ${row.message}`;
    } else if (row.status !== 'resolved') status = 'unknown';
    if (status !== row.status) set.status = status;
    if (outcome.status !== row.result) set.result = outcome.status;
    if (message !== row.message) set.message = message;
    if (outcome.check.severity !== row.severity) set.severity = outcome.check.severity;
    if (outcome.resource.name !== row.resource_name) set.resource_name = outcome.resource.name;
    const onlyLastSeen = Object.keys(set).length === 1 && set.last_seen_at !== undefined;
    if (onlyLastSeen) stillFailing.push(row.id);
    else if (Object.keys(set).length > 0) updates.push({ id: row.id, set: { ...set, updated_at: now } });
  }

  // Results no longer given: the resource left the inventory, left the check's scope, or the settings retired the check.
  // Open findings are resolved saying which; rows with no failure in their past are marked removed.
  const ran = new Set(options.checksRun);
  const retired = options.retired ?? new Map<string, string>();
  const present = new Set([...seen.keys()].map((key) => key.slice(key.indexOf('\u0000') + 1)));
  const removals: number[] = [];
  for (const row of existing) {
    const why = retired.get(row.check_id);
    if (!why && (!ran.has(row.check_id) || seen.has(keyOf(row.check_id, row.resource_key)))) continue;
    if (row.status === 'open') {
      const reason = why ?? (present.has(row.resource_key) ? 'is no longer in the scope of this check' : 'is no longer in the inventory');
      const message = why ? `Resolved: ${why}. It was: ${row.message}` : `Resolved: ${row.resource_name} ${reason}. It was: ${row.message}`;
      updates.push({ id: row.id, set: { status: 'resolved', resolved_at: now, message, updated_at: now } });
      events.push({ finding_id: row.id, event: 'resolved', detail: why ?? reason.replace(/^is /, '') });
      changes.push({
        event: 'resolved',
        findingId: row.id,
        checkId: row.check_id,
        severity: row.severity,
        resourceKey: row.resource_key,
        resourceName: row.resource_name,
        message,
      });
    } else if (row.status !== 'resolved' && !row.removed_at) removals.push(row.id);
  }

  // Lapsed suppressions: the findings they covered are open again as far as anyone is concerned.
  for (const suppression of lapsed) {
    const row = byKey.get(keyOf(suppression.check_id, suppression.resource_key));
    if (row && seen.get(keyOf(row.check_id, row.resource_key)) === 'FAIL' && !changes.some((c) => c.findingId === row.id)) {
      events.push({ finding_id: row.id, event: 'unsuppressed', detail: `suppression ${suppression.id} expired on ${suppression.expires_at.slice(0, 10)}` });
      changes.push({
        event: 'reopened',
        findingId: row.id,
        checkId: row.check_id,
        severity: row.severity,
        resourceKey: row.resource_key,
        resourceName: row.resource_name,
        message: `Suppression expired: ${row.message}`,
      });
    }
  }

  // Suppressions of failures that are now fixed end with them.
  const resolvedIds = new Set(events.filter((e) => e.event === 'resolved').map((e) => e.finding_id));
  const endedSuppressions: EvaluationWrite['endedSuppressions'] = [];
  for (const suppression of options.active ?? []) {
    const row = byKey.get(keyOf(suppression.check_id, suppression.resource_key));
    if (row && resolvedIds.has(row.id))
      endedSuppressions.push({
        id: suppression.id,
        finding_id: row.id,
        detail: `suppression ${suppression.id} ended: the finding was resolved on ${now.slice(0, 10)}`,
      });
  }

  return {
    write: {
      now,
      checks: options.checksRun.length,
      passed,
      failed,
      unknown,
      inserts,
      updates,
      stillFailing,
      removals,
      events,
      lapsedIds: lapsed.map((l) => l.id),
      endedSuppressions,
    },
    changes,
    outcomesByKey,
  };
}

/** The changes of an evaluation once the store has inserted its new findings: those inserted open were opened. */
export function completeChanges(
  changes: FindingChange[],
  inserted: { id: number; check_id: string; resource_key: string; status: FindingStatus }[],
  outcomesByKey: Map<string, CheckOutcome>,
): FindingChange[] {
  const opened = inserted
    .filter((row) => row.status === 'open')
    .map((row) => change('opened', row.id, outcomesByKey.get(keyOf(row.check_id, row.resource_key))!));
  return [...changes, ...opened];
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
