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
 * ask "changed since?" and get 304s. Only the ETags are held in memory (read
 * at the start of a sync); an answer's body is read back from the database
 * when a 304 needs it, and a new answer waits in memory only until its batch
 * (a number of answers, or of characters) is written. A 10,000-app account has some 80,000 cached answers: held
 * whole, they were most of a sync's memory.
 */
export class StoreEtagCache implements EtagCache {
  private readonly etags = new Map<string, string>();
  /** Answers not yet written, by key, and the length of their bodies. */
  private readonly pending = new Map<string, StoredEntry>();
  private pendingChars = 0;

  private constructor(
    private readonly store: Store,
    private readonly connectionId: number,
  ) {}

  static async load(store: Store, connectionId: number): Promise<StoreEtagCache> {
    const cache = new StoreEtagCache(store, connectionId);
    const rows = await store.db.selectFrom('hw_http_cache').select(['key', 'etag']).where('connection_id', '=', connectionId).execute();
    for (const row of rows) cache.etags.set(row.key, row.etag);
    return cache;
  }

  /** How many answers wait in memory to be written (at most a batch). */
  get held(): number {
    return this.pending.size;
  }

  /** The characters of the bodies that wait in memory (at most a batch's, and one answer). */
  get heldChars(): number {
    return this.pendingChars;
  }

  async etag(key: string): Promise<string | undefined> {
    return this.etags.get(key);
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    const entry =
      this.pending.get(key) ??
      (await this.store.db
        .selectFrom('hw_http_cache')
        .select(['etag', 'status', 'body', 'next_range as nextRange'])
        .where('connection_id', '=', this.connectionId)
        .where('key', '=', key)
        .executeTakeFirst());
    return entry && { etag: entry.etag, status: entry.status, body: parseJson(entry.body), nextRange: entry.nextRange };
  }

  async set(key: string, entry: CachedResponse): Promise<void> {
    this.etags.set(key, entry.etag);
    const body = JSON.stringify(entry.body ?? null);
    this.pendingChars += body.length - (this.pending.get(key)?.body.length ?? 0);
    this.pending.set(key, { etag: entry.etag, status: entry.status, body, nextRange: entry.nextRange });
    if (this.pending.size >= BATCH || this.pendingChars >= BATCH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    const entries = [...this.pending];
    this.pending.clear();
    this.pendingChars = 0;
    const now = new Date().toISOString();
    for (let i = 0; i < entries.length; i += 200) {
      const rows = entries.slice(i, i + 200).map(([key, entry]) => ({
        connection_id: this.connectionId,
        key,
        etag: entry.etag,
        status: entry.status,
        body: entry.body,
        next_range: entry.nextRange,
        updated_at: now,
      }));
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

/**
 * Answers written at a time: 500 small ones (an app's domains), or fewer
 * large ones (pages of 1,000 apps or add-ons, near a megabyte each, of
 * which a 50,000-app account has hundreds).
 */
const BATCH = 500;
const BATCH_CHARS = 4_000_000;
