import type pg from 'pg';
import type { Store } from './database.js';
import { queueSchema, requirePostgres } from './job-queue.js';
import { advisoryLockKey } from './meta.js';

/**
 * The advisory lock the planner holds while it plans, one per queue: however
 * many planners are started, one plans. Its key holds the database's secret,
 * so that a session of the SQL console cannot take it to stall planning.
 */
function plannerLock(store: Store): Promise<string> {
  return advisoryLockKey(store, `planner ${queueSchema(store)}`);
}

/**
 * Leadership held on a connection of its own: PostgreSQL releases a
 * session's advisory lock when the session ends, so a planner that dies (or
 * loses its connection) lets another take over at its next try.
 */
export class Leadership {
  private client: pg.Client | null = null;

  private lock: string | null = null;

  private constructor(
    private readonly url: string,
    private readonly store: Store,
  ) {}

  static forStore(store: Store): Leadership {
    return new Leadership(requirePostgres(store, 'Planning for workers'), store);
  }

  /** True while this process leads; tries to become the leader when it does not. */
  async hold(): Promise<boolean> {
    try {
      if (this.client) {
        await this.client.query('SELECT 1');
        return true;
      }
      this.lock ??= await plannerLock(this.store);
      const { default: pgDriver } = await import('pg');
      const client = new pgDriver.Client({ connectionString: this.url });
      client.on('error', () => this.drop());
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [this.lock]);
      if (rows[0]?.locked) {
        this.client = client;
        return true;
      }
      await client.end();
      return false;
    } catch {
      this.drop();
      return false;
    }
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    client?.end().catch(() => {});
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
