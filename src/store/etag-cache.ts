import type { CachedResponse, EtagCache } from '../heroku/middleware/conditional.js';
import type { Store } from './database.js';
import { parseJson } from './database.js';

/** A cache entry as stored: the body stays JSON text until a 304 needs it. */
interface StoredEntry {
  etag: string;
  status: number;
  body: string;
  nextRange: string | null;
}

/**
 * The client's ETag cache, kept in the database so that the next sync can
 * ask "changed since?" and get 304s. Read whole at the start of a sync,
 * written back in batches; it holds sanitized bodies only, as text (parsed,
 * a 2,000-app account's pages would take several times the memory).
 */
export class StoreEtagCache implements EtagCache {
  private readonly entries = new Map<string, StoredEntry>();
  private readonly dirty = new Set<string>();

  private constructor(
    private readonly store: Store,
    private readonly connectionId: number,
  ) {}

  static async load(store: Store, connectionId: number): Promise<StoreEtagCache> {
    const cache = new StoreEtagCache(store, connectionId);
    const rows = await store.db.selectFrom('hw_http_cache').selectAll().where('connection_id', '=', connectionId).execute();
    for (const row of rows) cache.entries.set(row.key, { etag: row.etag, status: row.status, body: row.body, nextRange: row.next_range });
    return cache;
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    const entry = this.entries.get(key);
    return entry && { etag: entry.etag, status: entry.status, body: parseJson(entry.body), nextRange: entry.nextRange };
  }

  async set(key: string, entry: CachedResponse): Promise<void> {
    this.entries.set(key, { etag: entry.etag, status: entry.status, body: JSON.stringify(entry.body ?? null), nextRange: entry.nextRange });
    this.dirty.add(key);
    if (this.dirty.size >= 500) await this.flush();
  }

  async flush(): Promise<void> {
    const keys = [...this.dirty];
    this.dirty.clear();
    const now = new Date().toISOString();
    for (let i = 0; i < keys.length; i += 200) {
      const rows = keys.slice(i, i + 200).map((key) => {
        const entry = this.entries.get(key)!;
        return {
          connection_id: this.connectionId,
          key,
          etag: entry.etag,
          status: entry.status,
          body: entry.body,
          next_range: entry.nextRange,
          updated_at: now,
        };
      });
      await this.store.db
        .insertInto('hw_http_cache')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['connection_id', 'key']).doUpdateSet((eb) => ({
            etag: eb.ref('excluded.etag'),
            status: eb.ref('excluded.status'),
            body: eb.ref('excluded.body'),
            next_range: eb.ref('excluded.next_range'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }
}
