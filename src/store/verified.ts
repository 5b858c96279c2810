import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Store } from './database.js';
import { currentTable } from './current-state.js';
import type { Database } from './schema.js';

/**
 * Records when lists were read, from the run's staging rows, in the
 * transaction that makes the run the inventory: a list read by a run that
 * never completes was never verified.
 */
export async function markVerified(tx: Transaction<Database> | Kysely<Database>, connectionId: number, runId: number): Promise<void> {
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join's constraint.
  await sql`INSERT INTO hw_verified (connection_id, resource, parent_key, verified_at, run_id)
    SELECT ${connectionId}, resource, parent_key, verified_at, run_id FROM hw_run_lists WHERE run_id = ${runId} AND verified_at IS NOT NULL AND true
    ON CONFLICT (connection_id, resource, parent_key) DO UPDATE SET verified_at = excluded.verified_at, run_id = excluded.run_id`.execute(tx);
}

/**
 * The keys of `resource` this run closed and did not replace: the records
 * it knows are gone, whose children (and their lists) go with them.
 */
export function goneKeys(connectionId: number, runId: number, resource: string): RawBuilder<string> {
  return sql`SELECT g.key FROM hw_records g WHERE g.connection_id = ${connectionId} AND g.resource = ${resource} AND g.valid_to = ${runId}
    AND NOT EXISTS (SELECT 1 FROM hw_records n WHERE n.connection_id = ${connectionId} AND n.resource = ${resource} AND n.key = g.key AND n.valid_from = ${runId})`;
}

/**
 * Lists of parents that are gone are forgotten with them: the children's
 * lists of the records of `resource` this run closed and did not replace.
 */
export async function forgetListsOfGoneParents(
  tx: Transaction<Database> | Kysely<Database>,
  connectionId: number,
  runId: number,
  resource: string,
  children: string[],
): Promise<void> {
  if (children.length === 0) return;
  await sql`DELETE FROM hw_verified WHERE connection_id = ${connectionId} AND resource IN (${sql.join(children)})
    AND parent_key IN (${goneKeys(connectionId, runId, resource)})`.execute(tx);
}

/** Per resource: how many lists, and the verification times of its newest-first ranks asked for (oldest included), and how many are older than `before`. */
export interface VerifiedSpread {
  resource: string;
  lists: number;
  /** Share (0 to 1) -> when the list at that nearest rank, youngest first, was verified. */
  atShare: Map<number, string>;
  oldest: string;
  olderThan: number;
}

/**
 * How old a connection's lists are, per resource, in one statement (one
 * snapshot): counts and the list at each share's rank come from window
 * functions, so what it returns does not grow with the account. The rank of
 * a share is floor(share x lists), in integer arithmetic on both databases.
 */
export async function verifiedSpread(store: Store, connectionId: number, shares: readonly number[], before: string): Promise<VerifiedSpread[]> {
  // Whole numbers written into the statement: a bound number is a real to SQLite, and the division would not be whole.
  const perMyriad = shares.map((share) => Math.round(share * 10_000));
  const { rows } = await sql<{
    resource: string;
    position: number | string;
    lists: number | string;
    oldest: string;
    older_than: number | string;
    verified_at: string;
  }>`
    SELECT resource, position, lists, oldest, older_than, verified_at FROM (
      SELECT resource, verified_at,
        ROW_NUMBER() OVER (PARTITION BY resource ORDER BY verified_at DESC) - 1 AS position,
        COUNT(*) OVER (PARTITION BY resource) AS lists,
        MIN(verified_at) OVER (PARTITION BY resource) AS oldest,
        SUM(CASE WHEN verified_at < ${before} THEN 1 ELSE 0 END) OVER (PARTITION BY resource) AS older_than
      FROM hw_verified WHERE connection_id = ${connectionId}) ranked
    WHERE position IN (${sql.join(perMyriad.map((p) => sql`${sql.lit(p)} * lists / 10000`))})
    ORDER BY resource`.execute(store.db);
  const spreads = new Map<string, VerifiedSpread>();
  for (const row of rows) {
    const lists = Number(row.lists);
    let spread = spreads.get(row.resource);
    if (!spread)
      spreads.set(row.resource, (spread = { resource: row.resource, lists, atShare: new Map(), oldest: row.oldest, olderThan: Number(row.older_than) }));
    shares.forEach((share, i) => {
      if (Number(row.position) === Math.floor((perMyriad[i]! * lists) / 10_000)) spread.atShare.set(share, row.verified_at);
    });
  }
  return [...spreads.values()];
}

/** When the lists behind results were last verified: per app (by name), its own lists; per resource, the oldest of all its lists. */
export interface VerifiedAges {
  apps: Map<string, Map<string, string>>;
  oldest: Map<string, string>;
}

/** The verification times results about these apps (and account-wide results) are judged by. */
export async function verifiedAges(store: Store, connectionId: number, appNames: string[]): Promise<VerifiedAges> {
  const apps = new Map<string, Map<string, string>>();
  const names = [...new Set(appNames)];
  for (let i = 0; i < names.length; i += 500) {
    const chunk = names.slice(i, i + 500);
    const { rows } = await sql<{
      name: string;
      resource: string;
      verified_at: string;
    }>`SELECT a.name AS name, w.resource AS resource, w.verified_at AS verified_at FROM hw_verified w JOIN hw_cur_apps a ON a.connection_id = w.connection_id AND a.key = w.parent_key WHERE w.connection_id = ${connectionId} AND a.name IN (${sql.join(chunk)})`.execute(
      store.db,
    );
    for (const row of rows) (apps.get(row.name) ?? apps.set(row.name, new Map()).get(row.name)!).set(row.resource, row.verified_at);
  }
  const oldest = await store.db
    .selectFrom('hw_verified')
    .select((eb) => ['resource', eb.fn.min<string>('verified_at').as('oldest')])
    .where('connection_id', '=', connectionId)
    .groupBy('resource')
    .execute();
  return { apps, oldest: new Map(oldest.map((row) => [row.resource, row.oldest])) };
}

/** What the incremental planner knows of a page of apps: when each of their lists was verified, and the release the inventory holds. */
export interface AppListStates {
  /** app id -> resource -> epoch milliseconds. */
  verified: Map<string, Map<string, number>>;
  /** app id -> its current release's time as the inventory holds it (absent: the app is not in it). */
  releasedAt: Map<string, string | null>;
}

/** The list states of these apps (a page of them: the planner reads the account a page at a time). */
export async function appListStates(store: Store, connectionId: number, appIds: readonly string[], resources: readonly string[]): Promise<AppListStates> {
  const states: AppListStates = { verified: new Map(), releasedAt: new Map() };
  if (appIds.length === 0) return states;
  if (resources.length > 0) {
    const rows = await store.db
      .selectFrom('hw_verified')
      .select(['parent_key', 'resource', 'verified_at'])
      .where('connection_id', '=', connectionId)
      .where('resource', 'in', resources)
      .where('parent_key', 'in', appIds)
      .execute();
    for (const row of rows)
      (states.verified.get(row.parent_key) ?? states.verified.set(row.parent_key, new Map()).get(row.parent_key)!).set(
        row.resource,
        Date.parse(row.verified_at),
      );
  }
  const { rows } = await sql<{ key: string; released_at: string | null }>`SELECT key, released_at FROM ${sql.table(currentTable('apps'))}
    WHERE connection_id = ${connectionId} AND key IN (${sql.join(appIds)})`.execute(store.db);
  for (const row of rows) states.releasedAt.set(row.key, row.released_at);
  return states;
}
