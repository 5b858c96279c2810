import type { Store } from './database.js';

/** The value under `key` in hw_meta, stored first as `value` if there is none (the first writer wins, so every process reads the same). */
export async function metaValueOrCreate(store: Store, key: string, value: string): Promise<string> {
  await store.db.insertInto('hw_meta').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await store.db.selectFrom('hw_meta').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
