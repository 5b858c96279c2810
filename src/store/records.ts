import { createHash } from 'node:crypto';
import { applyRunToCurrentState, refreshStatistics } from './current-state.js';
import type { Store } from './database.js';
import type { Updateable } from 'kysely';
import type { SyncRunsTable } from './schema.js';
import { markVerified, type VerifiedList } from './verified.js';

/** What completing a run records besides the records: its statistics and where the audit trail collection got to. */
export interface RunCompletion {
  stats: Pick<Updateable<SyncRunsTable>, 'requests' | 'not_modified' | 'retries' | 'rate_limit_low' | 'throttled_ms' | 'items'>;
  finishedAt: string;
  auditCursors: { enterpriseId: string; completeThrough: string; firstDay?: string | null }[];
  /** The lists this run read in full, and when: they are verified as of then. */
  verified?: VerifiedList[];
}

export interface RecordItem {
  key: string;
  data: Record<string, unknown>;
}

const CHUNK = 200;
const BATCH = 1000;

type VersionRow = { connection_id: number; resource: string; key: string; parent_key: string; hash: string; data: string; valid_from: number; valid_to: null };

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
 * Writes one sync run's records. A record that changed gets a new version
 * starting at this run; nothing older is touched until `complete`, which in
 * one transaction closes the versions this run replaced or no longer saw.
 * Until then datasets (which show the last complete run) are unaffected, and
 * a run that never completes leaves nothing behind once purged.
 */
export class RunWriter {
  /** Per resource: the open versions of complete runs (what datasets show), key -> hash and parent. */
  private readonly current = new Map<string, Map<string, { hash: string; parentKey: string }>>();
  /** Keys seen in this run, and keys that got a new version, per resource. */
  private readonly written = new Map<string, Set<string>>();
  private readonly replaced = new Map<string, Set<string>>();
  itemsWritten = 0;
  versionsWritten = 0;

  constructor(
    private readonly store: Store,
    readonly connectionId: number,
    readonly runId: number,
  ) {}

  /** The records datasets currently show for a resource, read once per run. */
  private async open(resource: string): Promise<Map<string, { hash: string; parentKey: string }>> {
    let open = this.current.get(resource);
    if (!open) {
      open = new Map();
      // Versions of unfinished runs are purged before a run starts, so every open version before this run is from a complete one.
      const rows = await this.store.db
        .selectFrom('hw_records')
        .select(['key', 'hash', 'parent_key'])
        .where('connection_id', '=', this.connectionId)
        .where('resource', '=', resource)
        .where('valid_to', 'is', null)
        .where('valid_from', '<', this.runId)
        .execute();
      for (const row of rows) open.set(row.key, { hash: row.hash, parentKey: row.parent_key });
      this.current.set(resource, open);
    }
    return open;
  }

  private pending: VersionRow[] = [];
  private pendingSeen = 0;
  private flushing: Promise<void> = Promise.resolve();

  /**
   * Records a page of items of one resource (for one parent). Pages are
   * committed in batches of about BATCH rows, each batch in one transaction:
   * a sync of 2,000 apps makes some 16,000 small pages, and one transaction
   * each would cost more than the requests.
   */
  async write(resource: string, parentKey: string, items: RecordItem[]): Promise<void> {
    if (items.length === 0) return;
    const open = await this.open(resource);
    const written = setOf(this.written, resource);
    const replaced = setOf(this.replaced, resource);
    for (const item of items) {
      if (written.has(item.key)) continue;
      written.add(item.key);
      this.itemsWritten++;
      this.pendingSeen++;
      const json = JSON.stringify(item.data);
      const hash = recordHash(json);
      if (open.get(item.key)?.hash !== hash) {
        this.pending.push({
          connection_id: this.connectionId,
          resource,
          key: item.key,
          parent_key: parentKey,
          hash,
          data: json,
          valid_from: this.runId,
          valid_to: null,
        });
        replaced.add(item.key);
        this.versionsWritten++;
      }
    }
    if (this.pendingSeen >= BATCH) await this.flush();
  }

  /** Commits what is pending; flushes run one after another. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.pendingSeen = 0;
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      await this.store.db.transaction().execute(async (tx) => {
        for (let i = 0; i < batch.length; i += CHUNK)
          await tx
            .insertInto('hw_records')
            .values(batch.slice(i, i + CHUNK))
            .execute();
      });
    });
    return this.flushing;
  }

  /**
   * Makes this run the connection's inventory, in one transaction. Per
   * resource, parents first: versions replaced in this run are closed; so are
   * records this run did not see, where it knows they are gone (their list
   * was read in full, or their parent is gone). Records behind a coverage gap
   * (forbidden, failed) stay as last seen. `readInFull` says, per resource,
   * whether its account-wide list was read (top level) or which parents' lists
   * were. The current-state tables follow, and the run is marked complete,
   * with its statistics and audit cursors, in the same transaction.
   */
  async complete(
    resourcesParentFirst: { name: string; parent?: string }[],
    readInFull: (resource: string) => boolean | Set<string>,
    completion: RunCompletion,
  ): Promise<void> {
    await this.flush();
    // Read before the transaction: SQLite has one connection, which the transaction holds.
    for (const resource of resourcesParentFirst) await this.open(resource.name);
    const { runId, connectionId } = this;
    await this.store.db.transaction().execute(async (tx) => {
      const openAfter = new Map<string, Set<string>>();
      const gone: { resources: string[]; parentKeys: string[] }[] = [];
      for (const resource of resourcesParentFirst) {
        const open = [...(await this.open(resource.name))].map(([key, { parentKey }]) => ({ key, parent_key: parentKey }));
        const seen = this.written.get(resource.name) ?? new Set<string>();
        const replaced = this.replaced.get(resource.name) ?? new Set<string>();
        const full = readInFull(resource.name);
        const parentsLeft = resource.parent ? openAfter.get(resource.parent) : undefined;
        const close: string[] = [];
        for (const { key, parent_key: parentKey } of open) {
          if (replaced.has(key)) close.push(key);
          else if (seen.has(key)) continue;
          else if (full === true || (full instanceof Set && full.has(parentKey))) close.push(key);
          else if (parentsLeft && !parentsLeft.has(parentKey)) close.push(key);
        }
        const closing = new Set(close);
        const children = resourcesParentFirst.filter((r) => r.parent === resource.name).map((r) => r.name);
        if (children.length > 0) gone.push({ resources: children, parentKeys: close.filter((key) => !replaced.has(key)) });
        openAfter.set(resource.name, new Set([...open.map((r) => r.key).filter((k) => !closing.has(k)), ...seen]));
        for (let i = 0; i < close.length; i += 500) {
          await tx
            .updateTable('hw_records')
            .set({ valid_to: runId })
            .where('connection_id', '=', connectionId)
            .where('resource', '=', resource.name)
            .where('valid_to', 'is', null)
            .where('valid_from', '<', runId)
            .where('key', 'in', close.slice(i, i + 500))
            .execute();
        }
        await applyRunToCurrentState(tx, this.store.dialect, resource.name, connectionId, runId, close);
      }
      await markVerified(tx, connectionId, runId, completion.verified ?? [], gone);
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
    });
    // After a large change the query planner's statistics are stale: refresh them, so that the first reads plan well.
    const changed = this.versionsWritten + [...this.replaced.values()].reduce((sum, keys) => sum + keys.size, 0);
    if (changed >= 1000)
      await refreshStatistics(
        this.store,
        resourcesParentFirst.map((r) => r.name),
      );
  }
}

/** Removes what an unfinished run wrote, so no later run can make it visible. */
export async function purgeRun(store: Store, connectionId: number, runId: number): Promise<void> {
  await store.db.deleteFrom('hw_records').where('connection_id', '=', connectionId).where('valid_from', '=', runId).execute();
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
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
