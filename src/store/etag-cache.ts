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
 * ask "changed since?" and get 304s. A request's ETag is read from the
 * database as the request is made (one lookup by key, next to a request to
 * Heroku), and so is an answer's body when a 304 needs it; a new answer
 * waits in memory only until its batch (a number of answers, or of
 * characters) is written. A 50,000-app account has some 400,000 cached
 * answers: their bodies held whole were most of a sync's memory, and their
 * ETags alone some 60 MB.
 */
export class StoreEtagCache implements EtagCache {
  /** Answers not yet written, by key, and the length of their bodies. */
  private readonly pending = new Map<string, StoredEntry>();
  private pendingChars = 0;
  /** Whether the connection had cached answers when this cache was first asked: a first sync's requests need no lookup. */
  private stored: Promise<boolean> | null = null;

  constructor(
    private readonly store: Store,
    private readonly connectionId: number,
  ) {}

  /** How many answers wait in memory to be written (at most a batch). */
  get held(): number {
    return this.pending.size;
  }

  /** The characters of the bodies that wait in memory (at most a batch's, and one answer). */
  get heldChars(): number {
    return this.pendingChars;
  }

  async etag(key: string): Promise<string | undefined> {
    const pending = this.pending.get(key);
    if (pending) return pending.etag;
    this.stored ??= this.store.db
      .selectFrom('hw_http_cache')
      .select('key')
      .where('connection_id', '=', this.connectionId)
      .limit(1)
      .executeTakeFirst()
      .then((row) => row !== undefined);
    if (!(await this.stored)) return undefined;
    const row = await this.store.db
      .selectFrom('hw_http_cache')
      .select('etag')
      .where('connection_id', '=', this.connectionId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.etag;
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
