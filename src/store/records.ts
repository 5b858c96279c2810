import { createHash } from 'node:crypto';
import { sql, type ExpressionBuilder, type Insertable, type Kysely, type RawBuilder, type Transaction, type Updateable } from 'kysely';
import { applyRunToCurrentState, refreshStatistics } from './current-state.js';
import type { Store } from './database.js';
import type { CoverageStatus, Database, RecordsTable, RunKeysTable, SyncRunsTable } from './schema.js';
import { forgetListsOfGoneParents, goneKeys, markVerified } from './verified.js';

/** What completing a run records besides the records: its statistics and where the audit trail collection got to. */
export interface RunCompletion {
  stats: Pick<Updateable<SyncRunsTable>, 'requests' | 'not_modified' | 'retries' | 'rate_limit_low' | 'throttled_ms' | 'items'>;
  finishedAt: string;
  auditCursors: { enterpriseId: string; completeThrough: string; firstDay?: string | null }[];
}

export interface RecordItem {
  key: string;
  data: Record<string, unknown>;
}

/** A list a run read (or tried to): how it went, and when it counts as verified (null: it does not, as a failure). */
export interface ListRead {
  resource: string;
  parentKey: string;
  status: CoverageStatus;
  verifiedAt: string | null;
}

/** Rows per statement (records, lists), and keys per lookup: well under both databases' limits on bound parameters. */
const CHUNK = 200;
const KEYS = 1000;
/** Items per committed batch: what the writer holds at most, whatever the account's size. */
const BATCH = 1000;

interface PendingItem {
  resource: string;
  parentKey: string;
  key: string;
  json: string;
  hash: string;
}

/**
 * A fingerprint of a record's stored JSON. Heroku serializes a resource's
 * fields in a fixed order, so the text is stable; were the order to change,
 * the change report would show a change with no differing field, which
 * changesBetween leaves out.
 */
export function recordHash(json: string): string {
  return createHash('sha1').update(json).digest('hex');
}

/**
 * Writes one sync run's records, holding no more than a batch in memory. A
 * record that changed gets a new version starting at this run; one found
 * unchanged is noted in the run's staging rows (hw_run_keys), as is every
 * list read (hw_run_lists). Nothing older is touched until `complete`,
 * which in one transaction closes, in SQL, the versions this run replaced
 * or knows are gone. Until then datasets (which show the last complete run)
 * are unaffected, and a run that never completes leaves nothing behind once
 * purged.
 */
export class RunWriter {
  itemsWritten = 0;
  versionsWritten = 0;
  private pending: PendingItem[] = [];
  /** Keys pending, per resource: a key met twice in a run keeps its first record. */
  private pendingKeys = new Set<string>();
  private lists: ListRead[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    readonly connectionId: number,
    readonly runId: number,
  ) {}

  /** Items and lists held in memory, not yet committed. */
  get held(): number {
    return this.pending.length + this.lists.length;
  }

  /**
   * Records a page of items of one resource (for one parent). Pages are
   * committed in batches of about BATCH items, each batch in one
   * transaction: a sync of 2,000 apps makes some 16,000 small pages, and one
   * transaction each would cost more than the requests.
   */
  async write(resource: string, parentKey: string, items: RecordItem[]): Promise<void> {
    for (const item of items) {
      const id = `${resource}\u0000${item.key}`;
      if (this.pendingKeys.has(id)) continue;
      this.pendingKeys.add(id);
      const json = JSON.stringify(item.data);
      this.pending.push({ resource, parentKey, key: item.key, json, hash: recordHash(json) });
    }
    if (this.pending.length >= BATCH) await this.flush();
  }

  /** Notes a list read (or not): completion closes what a list read in full no longer holds, and marks lists verified. */
  async list(read: ListRead): Promise<void> {
    this.lists.push(read);
    if (this.lists.length >= BATCH) await this.flush();
  }

  /** Commits what is pending; flushes run one after another. */
  flush(): Promise<void> {
    const batch = this.pending;
    const lists = this.lists;
    this.pending = [];
    this.pendingKeys = new Set();
    this.lists = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0 && lists.length === 0) return;
      await this.store.db.transaction().execute(async (tx) => {
        const byResource = new Map<string, PendingItem[]>();
        for (const item of batch) (byResource.get(item.resource) ?? byResource.set(item.resource, []).get(item.resource)!).push(item);
        for (const [resource, items] of byResource) await this.writeItems(tx, resource, items);
        for (let i = 0; i < lists.length; i += CHUNK)
          await tx
            .insertInto('hw_run_lists')
            .values(
              lists
                .slice(i, i + CHUNK)
                .map((l) => ({ run_id: this.runId, resource: l.resource, parent_key: l.parentKey, status: l.status, verified_at: l.verifiedAt })),
            )
            .onConflict((oc) =>
              oc
                .columns(['run_id', 'resource', 'parent_key'])
                .doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), verified_at: eb.ref('excluded.verified_at') })),
            )
            .execute();
      });
    });
    return this.flushing;
  }

  /** One resource's items of a batch: skipped if this run already met the key, staged if unchanged, else a new version. */
  private async writeItems(tx: Transaction<Database>, resource: string, items: PendingItem[]): Promise<void> {
    const { connectionId, runId } = this;
    const versions: Insertable<RecordsTable>[] = [];
    const unchanged: Insertable<RunKeysTable>[] = [];
    for (let i = 0; i < items.length; i += KEYS) {
      const chunk = items.slice(i, i + KEYS);
      const keys = chunk.map((item) => item.key);
      const open = await tx
        .selectFrom('hw_records')
        .select(['key', 'hash', 'valid_from'])
        .where('connection_id', '=', connectionId)
        .where('resource', '=', resource)
        .where('key', 'in', keys)
        .where('valid_to', 'is', null)
        .execute();
      const staged = await tx
        .selectFrom('hw_run_keys')
        .select('key')
        .where('run_id', '=', runId)
        .where('resource', '=', resource)
        .where('key', 'in', keys)
        .execute();
      // Versions of unfinished runs are purged before a run starts: an open version from before this run is from a complete one.
      const seen = new Set([...staged.map((r) => r.key), ...open.filter((r) => r.valid_from === runId).map((r) => r.key)]);
      const current = new Map(open.filter((r) => r.valid_from < runId).map((r) => [r.key, r.hash]));
      for (const item of chunk) {
        if (seen.has(item.key)) continue;
        this.itemsWritten++;
        if (current.get(item.key) === item.hash) unchanged.push({ run_id: runId, resource, key: item.key });
        else {
          versions.push({
            connection_id: connectionId,
            resource,
            key: item.key,
            parent_key: item.parentKey,
            hash: item.hash,
            data: item.json,
            valid_from: runId,
            valid_to: null,
          });
          this.versionsWritten++;
        }
      }
    }
    for (let i = 0; i < versions.length; i += CHUNK)
      await tx
        .insertInto('hw_records')
        .values(versions.slice(i, i + CHUNK))
        .execute();
    for (let i = 0; i < unchanged.length; i += KEYS)
      await tx
        .insertInto('hw_run_keys')
        .values(unchanged.slice(i, i + KEYS))
        .execute();
  }

  /**
   * Makes this run the connection's inventory, in one transaction. Per
   * resource, parents first: versions replaced in this run are closed; so are
   * records this run did not see, where it knows they are gone (their list
   * was read in full, or their parent is gone). Records behind a coverage gap
   * (forbidden, failed) or on a list the run did not read stay as last seen.
   * All of it is SQL over the run's staging rows, so the account's size
   * costs no memory. The current-state tables follow, the lists read are
   * marked verified, and the run is marked complete, with its statistics and
   * audit cursors, in the same transaction. The staging rows go after.
   */
  async complete(resourcesParentFirst: { name: string; parent?: string }[], completion: RunCompletion): Promise<void> {
    await this.flush();
    const { runId, connectionId } = this;
    let closed = 0;
    await this.store.db.transaction().execute(async (tx) => {
      await markVerified(tx, connectionId, runId);
      for (const resource of resourcesParentFirst) {
        closed += await closeVersions(tx, connectionId, runId, resource);
        await applyRunToCurrentState(tx, this.store.dialect, resource.name, connectionId, runId);
        const children = resourcesParentFirst.filter((r) => r.parent === resource.name).map((r) => r.name);
        await forgetListsOfGoneParents(tx, connectionId, runId, resource.name, children);
      }
      await tx.updateTable('hw_connections').set({ last_complete_run: runId }).where('id', '=', connectionId).execute();
      await tx
        .updateTable('hw_sync_runs')
        .set({ ...completion.stats, status: 'complete', finished_at: completion.finishedAt })
        .where('id', '=', runId)
        .execute();
      for (const cursor of completion.auditCursors) {
        await tx
          .insertInto('hw_audit_cursors')
          .values({
            connection_id: connectionId,
            enterprise_id: cursor.enterpriseId,
            complete_through: cursor.completeThrough,
            first_day: cursor.firstDay ?? null,
          })
          .onConflict((oc) => oc.columns(['connection_id', 'enterprise_id']).doUpdateSet({ complete_through: cursor.completeThrough }))
          .execute();
      }
      // In the transaction: nothing that fails once the run is complete may make its caller take it for failed.
      await dropStaging(tx, runId);
    });
    // After a large change the query planner's statistics are stale: refresh them, so that the first reads plan well. The run is
    // complete whatever happens here: a failure costs only slower first reads, until the database's own statistics catch up.
    if (this.versionsWritten + closed >= 1000)
      await refreshStatistics(
        this.store,
        resourcesParentFirst.map((r) => r.name),
      ).catch(() => undefined);
  }

  /** Resolves once no batch is being written (errors are the writer's callers' to see): a run is purged only after. */
  async idle(): Promise<void> {
    await this.flushing.catch(() => undefined);
  }
}

/**
 * Closes, as of `runId`, the open versions of one resource that the run
 * replaced, or did not see where it knows they are gone: their list was
 * read in full, or their parent was closed by this run and not replaced
 * (its own resource closed first). Each rule is one UPDATE driven by what
 * the run did (its new versions, its lists read in full, the parents it
 * closed), so an incremental run's completion costs what it read, not the
 * account. Returns how many were closed.
 */
async function closeVersions(tx: Transaction<Database>, connectionId: number, runId: number, resource: { name: string; parent?: string }): Promise<number> {
  const open = sql`connection_id = ${connectionId} AND resource = ${resource.name} AND valid_to IS NULL AND valid_from < ${runId}`;
  const unseen = sql`NOT EXISTS (SELECT 1 FROM hw_run_keys s WHERE s.run_id = ${runId} AND s.resource = ${resource.name} AND s.key = hw_records.key)`;
  let closed = 0;
  const close = async (condition: RawBuilder<unknown>): Promise<void> => {
    const result = await sql`UPDATE hw_records SET valid_to = ${runId} WHERE ${open} AND ${condition}`.execute(tx);
    closed += Number(result.numAffectedRows ?? 0n);
  };
  // Replaced: the run wrote a new version.
  await close(
    sql`key IN (SELECT n.key FROM hw_records n WHERE n.connection_id = ${connectionId} AND n.resource = ${resource.name} AND n.valid_to IS NULL AND n.valid_from = ${runId})`,
  );
  if (!resource.parent) {
    // An account-wide list read in full: what it no longer holds is gone.
    const full = await tx
      .selectFrom('hw_run_lists')
      .select('status')
      .where('run_id', '=', runId)
      .where('resource', '=', resource.name)
      .where('parent_key', '=', '')
      .where('status', '=', 'ok')
      .executeTakeFirst();
    if (full) await close(unseen);
    return closed;
  }
  // A parent's list read in full: what it no longer holds is gone.
  await close(
    sql`parent_key IN (SELECT l.parent_key FROM hw_run_lists l WHERE l.run_id = ${runId} AND l.resource = ${resource.name} AND l.status = 'ok') AND ${unseen}`,
  );
  // A parent gone: so is what it held.
  await close(sql`parent_key IN (${goneKeys(connectionId, runId, resource.parent)}) AND ${unseen}`);
  return closed;
}

/** Deletes a run's staging rows: once it completed, or with what it wrote when it did not. */
async function dropStaging(db: Kysely<Database>, runId: number): Promise<void> {
  await db.deleteFrom('hw_run_keys').where('run_id', '=', runId).execute();
  await db.deleteFrom('hw_run_lists').where('run_id', '=', runId).execute();
}

/** Removes what an unfinished run wrote, so no later run can make it visible. */
export async function purgeRun(store: Store, connectionId: number, runId: number): Promise<void> {
  await store.db.deleteFrom('hw_records').where('connection_id', '=', connectionId).where('valid_from', '=', runId).execute();
  await dropStaging(store.db, runId);
}

/**
 * Deletes staging rows a connection's ended runs left (a process that died
 * between a run's end and their deletion): run before a new run starts.
 */
export async function dropLeftStaging(store: Store, connectionId: number): Promise<void> {
  const ended = (eb: ExpressionBuilder<Database, 'hw_run_keys' | 'hw_run_lists'>) =>
    eb('run_id', 'in', eb.selectFrom('hw_sync_runs').select('id').where('connection_id', '=', connectionId).where('status', '!=', 'running'));
  await store.db.deleteFrom('hw_run_keys').where(ended).execute();
  await store.db.deleteFrom('hw_run_lists').where(ended).execute();
}

/** Every record of a connection as it stood after a run; with `appId`, only that app's record and its children's. */
export async function recordsAt(
  store: Store,
  connectionId: number,
  run: number,
  options: { appId?: string } = {},
): Promise<{ resource: string; key: string; hash: string; data: string }[]> {
  let query = store.db
    .selectFrom('hw_records')
    .select(['resource', 'key', 'hash', 'data'])
    .where('connection_id', '=', connectionId)
    .where('valid_from', '<=', run)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', run)]));
  const appId = options.appId;
  if (appId !== undefined) query = query.where((eb) => eb.or([eb('parent_key', '=', appId), eb.and([eb('resource', '=', 'apps'), eb('key', '=', appId)])]));
  return query.execute();
}
