import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A run holds a lease: it is alive while `lease_until` is in the future,
 * renewed by its heartbeat. A run whose lease ran out is interrupted, on any
 * machine, without asking whether some process still exists.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('hw_sync_runs').addColumn('lease_until', 'text').execute();
}
