import { sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './schema.js';

/** A list read in full from Heroku: a resource under one parent ('' for an account-wide list), and when. */
export interface VerifiedList {
  resource: string;
  parentKey: string;
  at: string;
}

const CHUNK = 300;

/**
 * Records when lists were read, in the transaction that makes their run the
 * inventory: a list read by a run that never completes was never verified.
 * Lists of parents that are gone are forgotten with them.
 */
export async function markVerified(
  tx: Transaction<Database> | Kysely<Database>,
  connectionId: number,
  runId: number,
  lists: VerifiedList[],
  gone: { resources: string[]; parentKeys: string[] }[],
): Promise<void> {
  for (let i = 0; i < lists.length; i += CHUNK) {
    const rows = lists
      .slice(i, i + CHUNK)
      .map((l) => ({ connection_id: connectionId, resource: l.resource, parent_key: l.parentKey, verified_at: l.at, run_id: runId }));
    await tx
      .insertInto('hw_verified')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'resource', 'parent_key'])
          .doUpdateSet((eb) => ({ verified_at: eb.ref('excluded.verified_at'), run_id: eb.ref('excluded.run_id') })),
      )
      .execute();
  }
  for (const { resources, parentKeys } of gone) {
    if (resources.length === 0) continue;
    for (let i = 0; i < parentKeys.length; i += CHUNK) {
      await tx
        .deleteFrom('hw_verified')
        .where('connection_id', '=', connectionId)
        .where('resource', 'in', resources)
        .where('parent_key', 'in', parentKeys.slice(i, i + CHUNK))
        .execute();
    }
  }
}

/** When each list of `resources` was last verified: resource -> parent key -> epoch milliseconds. */
export async function verifiedTimes(store: Store, connectionId: number, resources?: string[]): Promise<Map<string, Map<string, number>>> {
  let query = store.db.selectFrom('hw_verified').select(['resource', 'parent_key', 'verified_at']).where('connection_id', '=', connectionId);
  if (resources) {
    if (resources.length === 0) return new Map();
    query = query.where('resource', 'in', resources);
  }
  const times = new Map<string, Map<string, number>>();
  for (const row of await query.execute()) {
    let byParent = times.get(row.resource);
    if (!byParent) times.set(row.resource, (byParent = new Map()));
    byParent.set(row.parent_key, Date.parse(row.verified_at));
  }
  return times;
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
