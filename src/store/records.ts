import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './schema.js';

export interface RecordItem {
  key: string;
  data: Record<string, unknown>;
}

const CHUNK = 200;

/** A stable fingerprint of a record (keys sorted, so field order never counts as a change). */
export function recordHash(data: unknown): string {
  return createHash('sha1').update(stableJson(data)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Writes one sync run's records. A record that changed gets a new version
 * starting at this run; nothing older is touched until `complete`, which in
 * one transaction closes the versions this run replaced or no longer saw.
 * Until then datasets (which show the last complete run) are unaffected, and
 * a run that never completes leaves nothing behind once purged.
 */
export class RunWriter {
  private readonly current = new Map<string, Map<string, string>>();
  private readonly written = new Map<string, Set<string>>();
  itemsWritten = 0;
  versionsWritten = 0;

  constructor(
    private readonly store: Store,
    readonly connectionId: number,
    readonly runId: number,
    private readonly lastCompleteRun: number | null,
  ) {}

  /** Hashes of the records datasets currently show for a resource. */
  private async currentHashes(resource: string): Promise<Map<string, string>> {
    let hashes = this.current.get(resource);
    if (!hashes) {
      hashes = new Map();
      if (this.lastCompleteRun !== null) {
        const rows = await this.store.db
          .selectFrom('hw_records')
          .select(['key', 'hash'])
          .where('connection_id', '=', this.connectionId)
          .where('resource', '=', resource)
          .where('valid_to', 'is', null)
          .where('valid_from', '<=', this.lastCompleteRun)
          .execute();
        for (const row of rows) hashes.set(row.key, row.hash);
      }
      this.current.set(resource, hashes);
    }
    return hashes;
  }

  /** Records a page of items of one resource (for one parent), in one transaction. */
  async write(resource: string, parentKey: string, items: RecordItem[]): Promise<void> {
    if (items.length === 0) return;
    const hashes = await this.currentHashes(resource);
    let written = this.written.get(resource);
    if (!written) this.written.set(resource, (written = new Set()));
    const seen: { run_id: number; resource: string; key: string }[] = [];
    const versions: { connection_id: number; resource: string; key: string; parent_key: string; hash: string; data: string; valid_from: number; valid_to: null }[] = [];
    for (const item of items) {
      if (written.has(item.key)) continue;
      written.add(item.key);
      seen.push({ run_id: this.runId, resource, key: item.key });
      const hash = recordHash(item.data);
      if (hashes.get(item.key) !== hash) {
        versions.push({ connection_id: this.connectionId, resource, key: item.key, parent_key: parentKey, hash, data: JSON.stringify(item.data), valid_from: this.runId, valid_to: null });
      }
    }
    this.itemsWritten += seen.length;
    this.versionsWritten += versions.length;
    await this.store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < seen.length; i += CHUNK) {
        await tx.insertInto('hw_run_items').values(seen.slice(i, i + CHUNK)).onConflict((oc) => oc.doNothing()).execute();
      }
      for (let i = 0; i < versions.length; i += CHUNK) {
        await tx.insertInto('hw_records').values(versions.slice(i, i + CHUNK)).execute();
      }
    });
  }

  /**
   * Makes this run the connection's inventory, in one transaction. Per
   * resource, parents first: versions replaced in this run are closed; so are
   * records this run did not see, where it knows they are gone (their list
   * was read in full, or their parent is gone). Records behind a coverage gap
   * (forbidden, failed) stay as last seen. `alsoInTransaction` completes the
   * run's own bookkeeping atomically with it.
   */
  async complete(resourcesParentFirst: { name: string; parent?: string }[], alsoInTransaction: (tx: Transaction<Database>) => Promise<void>): Promise<void> {
    const { runId, connectionId } = this;
    await this.store.db.transaction().execute(async (tx) => {
      for (const resource of resourcesParentFirst) {
        await tx
          .updateTable('hw_records')
          .set({ valid_to: runId })
          .where('connection_id', '=', connectionId)
          .where('resource', '=', resource.name)
          .where('valid_to', 'is', null)
          .where('valid_from', '<', runId)
          .where('key', 'in', (qb) =>
            qb.selectFrom('hw_records as n').select('n.key').where('n.connection_id', '=', connectionId).where('n.resource', '=', resource.name).where('n.valid_from', '=', runId),
          )
          .execute();
        await tx
          .updateTable('hw_records')
          .set({ valid_to: runId })
          .where('connection_id', '=', connectionId)
          .where('resource', '=', resource.name)
          .where('valid_to', 'is', null)
          .where('valid_from', '<', runId)
          .where(({ not, exists, selectFrom, or, eb }) =>
            not(
              exists(
                selectFrom('hw_run_items as i')
                  .select(sql.lit(1).as('one'))
                  .where('i.run_id', '=', runId)
                  .where('i.resource', '=', resource.name)
                  .whereRef('i.key', '=', 'hw_records.key'),
              ),
            ).and(
              or([
                eb(
                  'hw_records.parent_key',
                  'in',
                  selectFrom('hw_coverage as c').select('c.parent_key').where('c.run_id', '=', runId).where('c.resource', '=', resource.name).where('c.status', '=', 'ok'),
                ),
                ...(resource.parent
                  ? [
                      not(
                        exists(
                          selectFrom('hw_records as p')
                            .select(sql.lit(1).as('one'))
                            .where('p.connection_id', '=', connectionId)
                            .where('p.resource', '=', resource.parent)
                            .whereRef('p.key', '=', 'hw_records.parent_key')
                            .where('p.valid_to', 'is', null),
                        ),
                      ),
                    ]
                  : []),
              ]),
            ),
          )
          .execute();
      }
      await tx.deleteFrom('hw_run_items').where('run_id', '=', runId).execute();
      await tx.updateTable('hw_connections').set({ last_complete_run: runId }).where('id', '=', connectionId).execute();
      await alsoInTransaction(tx);
    });
  }
}

/** Removes what an unfinished run wrote, so no later run can make it visible. */
export async function purgeRun(store: Store, connectionId: number, runId: number): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('hw_records').where('connection_id', '=', connectionId).where('valid_from', '=', runId).execute();
    await tx.deleteFrom('hw_run_items').where('run_id', '=', runId).execute();
  });
}
