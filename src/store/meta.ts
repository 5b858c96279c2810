import { createHash, randomBytes } from 'node:crypto';
import type { Store } from './database.js';

/** The value under `key` in hw_meta, stored first as `value` if there is none (the first writer wins, so every process reads the same). */
export async function metaValueOrCreate(store: Store, key: string, value: string): Promise<string> {
  await store.db
    .insertInto('hw_meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await store.db.selectFrom('hw_meta').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

/** A random secret kept under `key` in hw_meta, made by the first process that asks. */
export function metaSecret(store: Store, key: string): Promise<string> {
  return metaValueOrCreate(store, key, randomBytes(32).toString('hex'));
}

/**
 * A PostgreSQL advisory lock key for `name`, derived with a secret of the
 * database: a session that can take advisory locks but cannot read hw_meta
 * (the SQL console's) cannot compute it, so it cannot hold herowatch's
 * locks to stall others.
 */
export async function advisoryLockKey(store: Store, name: string): Promise<string> {
  const secret = await metaSecret(store, 'lock_secret');
  return createHash('sha256').update(`${secret}\u0000${name}`).digest().readBigInt64BE(0).toString();
}
