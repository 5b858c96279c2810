import { IncompleteRunError } from '../errors.js';
import { HerokuApiError, HerokuTransportError } from '../heroku/errors.js';
import { scopeAllows, type ScopeNeed } from '../heroku/scopes.js';
import type { CoverageEntry } from '../store/runs.js';
import type { CoverageStatus } from '../store/schema.js';
import type { ParentRecord, ResourceDefinition } from '../datasets/resource.js';

/** What a resource needs of the token's scope; null when scope is not the question (enterprise and team permissions). */
function scopeNeed(resource: ResourceDefinition): ScopeNeed | null {
  return resource.requires === 'read' || resource.requires === 'read-protected' || resource.requires === 'global' ? resource.requires : null;
}

/**
 * Whether the token's announced scopes already rule a resource out. Heroku
 * sends the token's scopes on every answer (`Oauth-Scope`), so the sync need
 * not spend a request per app to learn that config vars are off limits.
 */
export function scopeRulesOut(resource: ResourceDefinition, scopes: string[] | null): boolean {
  const need = scopeNeed(resource);
  return scopes !== null && need !== null && !scopeAllows(scopes, need);
}

/** The coverage gap for a resource the token's scope rules out (no request made). */
export function scopeGap(resource: ResourceDefinition, scopes: string[]): Omit<CoverageEntry, 'resource' | 'parentKey' | 'items'> {
  const what = resource.name.replace(/_/g, ' ');
  const needed = scopeNeed(resource) ?? 'read';
  return {
    status: 'forbidden',
    httpStatus: 403,
    errorId: 'forbidden',
    reason: `The token's scope (${scopes.join(', ')}) does not allow reading ${what}: it needs ${needed} (Heroku announces the scope on every answer, so no request was spent on it).`,
    fix: needed === 'global' ? GLOBAL_SCOPE_FIX : `Connect with a token that has the ${needed} scope: ${LEAST_PRIVILEGE_COMMAND}`,
  };
}

export const LEAST_PRIVILEGE_COMMAND = 'heroku authorizations:create --scope identity,read-protected --description herowatch';

/** What to do about what only a global token may read. */
const GLOBAL_SCOPE_FIX =
  'Accept the gap (a least-privilege token cannot list OAuth authorizations), or give herowatch a global token, at the cost of least privilege: heroku authorizations:create --scope global --description herowatch';

interface Context {
  /** Email of the connection's account, for commands that name it. */
  accountEmail: string | null;
  parent?: ParentRecord;
}

/**
 * What a failed request means for coverage. A 403 is a gap the account can
 * close: the reason says what it lacks and the fix says how (with the exact
 * `heroku` command where there is one). A 404 on a child means its parent is
 * gone since it was listed. Anything else failed after retries.
 */
export function classifyFailure(resource: ResourceDefinition, error: unknown, context: Context): Omit<CoverageEntry, 'resource' | 'parentKey' | 'items'> {
  if (error instanceof HerokuApiError) {
    const base = { httpStatus: error.status, errorId: error.id };
    if (error.status === 403) return { ...base, status: 'forbidden', ...forbidden(resource, error, context) };
    if (error.status === 404 && resource.parent) {
      return { ...base, status: 'missing', reason: `${error.herokuMessage} (it was removed or became invisible while the sync ran)`, fix: null };
    }
    return {
      ...base,
      status: 'failed',
      reason: error.message,
      fix: error.status >= 500 || error.status === 429 ? 'Heroku kept failing after retries; the next sync will try again.' : null,
    };
  }
  if (error instanceof HerokuTransportError) {
    // The kind of failure (herowatch's own word, never the server's) groups the gaps it left.
    return {
      status: 'failed',
      httpStatus: null,
      errorId: error.reason,
      reason: error.message,
      fix: 'The connection to Heroku kept failing after retries; the next sync will try again.',
    };
  }
  return { status: 'failed', httpStatus: null, errorId: null, reason: (error as Error)?.message ?? String(error), fix: null };
}

function forbidden(resource: ResourceDefinition, error: HerokuApiError, { accountEmail, parent }: Context): { reason: string; fix: string } {
  const who = accountEmail ?? "the connection's account";
  switch (resource.requires) {
    case 'read-protected':
      return {
        reason: `The token's OAuth scope does not include protected data, so ${resource.name.replace(/_/g, ' ')} cannot be read (Heroku: "${error.herokuMessage}").`,
        fix: `Connect with a token that has the read-protected scope: ${LEAST_PRIVILEGE_COMMAND}`,
      };
    case 'global':
      return {
        reason: `Reading ${resource.name.replace(/_/g, ' ')} needs a token with the global scope (Heroku: "${error.herokuMessage}").`,
        fix: GLOBAL_SCOPE_FIX,
      };
    case 'enterprise-view':
    case 'enterprise-manage': {
      const permission = resource.requires === 'enterprise-view' ? 'view' : 'manage';
      const enterprise = String(parent?.item.name ?? 'the enterprise account');
      return {
        reason: `${who} lacks the ${permission} permission on enterprise account ${enterprise} (Heroku: "${error.herokuMessage}").`,
        fix: `Ask an admin of ${enterprise} to give ${who} the ${permission} permission (Heroku Dashboard: Enterprise Account > Access).`,
      };
    }
    case 'team-member': {
      const team = String(parent?.item.name ?? 'the team');
      return {
        reason: `${who} is not a member of team ${team} (Heroku: "${error.herokuMessage}").`,
        fix: `heroku members:add ${who} --team ${team} --role member`,
      };
    }
    default:
      return error.scopeRefused
        ? {
            reason: `The token's OAuth scope does not allow reading ${resource.name.replace(/_/g, ' ')} (Heroku: "${error.herokuMessage}").`,
            fix: `Connect with a token with the read scope or more: ${LEAST_PRIVILEGE_COMMAND}`,
          }
        : {
            reason: `Heroku refused access: ${error.herokuMessage}`,
            fix: parent ? `Give ${who} access to ${String(parent.item.name ?? parent.key)}.` : `Check the permissions of ${who}.`,
          };
  }
}

/** Gaps of one kind: one resource, one status, one cause (an HTTP status, a kind of network failure, or one fix). */
export interface GapGroup {
  resource: string;
  status: CoverageEntry['status'];
  /** What they have in common, in words. */
  cause: string;
  count: number;
  /** One of them, as an example. */
  reason: string | null;
  fix: string | null;
  /** A few of the parents they are of (apps, teams), for the record. */
  parents: string[];
}

const TRANSPORT_CAUSES: Record<string, string> = {
  network: 'the connection dropped',
  unreachable: 'Heroku could not be reached',
  truncated: 'answers cut short',
  malformed: 'answers that were not JSON',
  timeout: 'no answer in time',
};

/**
 * Gaps grouped by what they share, most first: a sync that failed on 500
 * apps says so in a line, not 500. Failures group by their HTTP status or
 * kind of network failure; refusals by their fix (the same fix is the same
 * thing to do).
 */
export function gapGroups(gaps: CoverageEntry[]): GapGroup[] {
  const groups = new Map<string, GapGroup>();
  for (const gap of gaps) {
    const cause =
      gap.status === 'failed'
        ? gap.httpStatus
          ? `HTTP ${gap.httpStatus}`
          : (TRANSPORT_CAUSES[gap.errorId ?? ''] ?? 'an error')
        : gap.status === 'missing'
          ? 'gone while the sync ran'
          : (gap.fix ?? gap.reason ?? 'refused');
    const key = `${gap.resource}\u0000${gap.status}\u0000${cause}`;
    const group = groups.get(key) ?? {
      resource: gap.resource,
      status: gap.status,
      cause: gap.status === 'forbidden' ? 'refused' : cause,
      count: 0,
      reason: gap.reason ?? null,
      fix: gap.fix ?? null,
      parents: [],
    };
    group.count++;
    if (gap.parentKey && group.parents.length < 5) group.parents.push(gap.parentKey);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.resource < b.resource ? -1 : 1));
}

/**
 * The share of a run's lists that may fail (after retries) while the run
 * still replaces the last complete inventory, the failed lists keeping
 * their last known records and a gap each. Past it, what the run read is
 * not the account: the run ends `incomplete`, and nothing it read is kept.
 */
export const INCOMPLETE_SHARE = 0.05;

/** The error that ends a run as `incomplete` when more of its lists failed than INCOMPLETE_SHARE (null: the run may complete). */
export function incompleteRun(coverage: CoverageTally): IncompleteRunError | null {
  const failed = coverage.counts.failed;
  if (failed === 0 || failed <= coverage.lists * INCOMPLETE_SHARE) return null;
  const groups = gapGroups(coverage.gaps.filter((c) => c.status === 'failed'));
  const causes = groups
    .slice(0, 3)
    .map((g) => `${g.resource}: ${g.count}, ${g.cause}`)
    .join('; ');
  return new IncompleteRunError(
    `${failed} of ${coverage.lists} lists could not be read after retries (${causes}${groups.length > 3 ? '; ...' : ''}), more than ${Math.round(INCOMPLETE_SHARE * 100)}%: the run is incomplete and the last complete inventory stands. Try again when Heroku answers; the run's gaps say what failed.`,
  );
}

/**
 * A run's coverage as it goes, in memory bounded by its gaps rather than by
 * the account: counts per status, per resource the lists and items read,
 * and the entries worth keeping (gaps, notes, account-wide lists). A list
 * read in full under one parent (an app's domains) is only counted.
 */
export class CoverageTally {
  readonly counts: Record<CoverageStatus, number> = { ok: 0, forbidden: 0, failed: 0, missing: 0 };
  private readonly kept: CoverageEntry[] = [];
  private readonly totals = new Map<string, { lists: number; items: number }>();

  add(entry: CoverageEntry): void {
    this.counts[entry.status]++;
    const totals = this.totals.get(entry.resource) ?? { lists: 0, items: 0 };
    totals.lists++;
    totals.items += entry.items;
    this.totals.set(entry.resource, totals);
    if (entry.status !== 'ok' || entry.reason || entry.parentKey === '') this.kept.push(entry);
  }

  /** Lists counted, of every status. */
  get lists(): number {
    return this.counts.ok + this.counts.forbidden + this.counts.failed + this.counts.missing;
  }

  /** Every entry that is not ok. */
  get gaps(): CoverageEntry[] {
    return this.kept.filter((entry) => entry.status !== 'ok');
  }

  /** The entries kept: gaps, lists read with a note, and account-wide lists. */
  entries(): readonly CoverageEntry[] {
    return this.kept;
  }

  /** Lists and items counted for a resource. */
  totalsOf(resource: string): { lists: number; items: number } {
    return this.totals.get(resource) ?? { lists: 0, items: 0 };
  }
}
