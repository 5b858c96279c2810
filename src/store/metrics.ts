import { sql } from 'kysely';
import type { Store } from './database.js';
import { dialectOf } from './dialects/index.js';

/** Jobs run so far, per kind and how they ended, with their total duration (for a Prometheus counter and sum). */
export async function jobTotals(store: Store): Promise<{ kind: string; status: string; count: number; seconds: number }[]> {
  const { rows } = await sql<{ kind: string; status: string; count: string | number; seconds: string | number | null }>`
    SELECT kind, status, count(*) AS count,
      sum(CASE WHEN finished_at IS NULL THEN 0 ELSE ${sql.raw(dialectOf(store).secondsBetween('started_at', 'finished_at'))} END) AS seconds
    FROM hw_jobs GROUP BY kind, status ORDER BY kind, status`.execute(store.db);
  return rows.map((row) => ({ kind: row.kind, status: row.status, count: Number(row.count), seconds: Number(row.seconds ?? 0) }));
}

/** Per connection: when its last complete inventory run finished, and the fewest rate-limit tokens that run saw left. */
export async function lastInventoryRuns(store: Store): Promise<{ connection: string; finished_at: string | null; rate_limit_low: number | null }[]> {
  return store.db
    .selectFrom('hw_connections as c')
    .leftJoin('hw_sync_runs as r', 'r.id', 'c.last_complete_run')
    .select(['c.name as connection', 'r.finished_at', 'r.rate_limit_low'])
    .where('c.state', '=', 'active')
    .orderBy('c.name')
    .execute();
}

/** One round trip to the database; throws when it cannot be reached. */
export async function pingStore(store: Store): Promise<void> {
  await sql`SELECT 1`.execute(store.db);
}
