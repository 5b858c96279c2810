import type { Store } from './database.js';

/** A sealed credential as stored: herowatch's vault (src/vault/) makes and opens it. */
export interface StoredCredential {
  connection_id: number;
  ciphertext: string;
  key_id: string;
}

export async function readStoredCredential(store: Store, connectionId: number): Promise<StoredCredential | undefined> {
  return store.db.selectFrom('hw_credentials').select(['connection_id', 'ciphertext', 'key_id']).where('connection_id', '=', connectionId).executeTakeFirst();
}

/** The master key id of any stored credential (they all share one), or null when none is stored. */
export async function storedKeyId(store: Store): Promise<string | null> {
  return (await store.db.selectFrom('hw_credentials').select('key_id').limit(1).executeTakeFirst())?.key_id ?? null;
}

/** Every stored credential with what its sealing is bound to (the connection's name and API URL). */
export async function listStoredCredentials(store: Store): Promise<(StoredCredential & { name: string; api_url: string })[]> {
  return store.db
    .selectFrom('hw_credentials')
    .innerJoin('hw_connections', 'hw_connections.id', 'hw_credentials.connection_id')
    .select(['connection_id', 'ciphertext', 'key_id', 'name', 'api_url'])
    .execute();
}

export async function connectionIdsWithCredentials(store: Store): Promise<Set<number>> {
  return new Set((await store.db.selectFrom('hw_credentials').select('connection_id').execute()).map((r) => r.connection_id));
}

export async function writeStoredCredential(store: Store, credential: StoredCredential, now: Date): Promise<void> {
  const at = now.toISOString();
  await store.db
    .insertInto('hw_credentials')
    .values({ ...credential, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('connection_id').doUpdateSet({ ciphertext: credential.ciphertext, key_id: credential.key_id, updated_at: at }))
    .execute();
}

/** Replaces the sealing of several credentials at once (a master key rotation): all or none. */
export async function replaceStoredCredentials(store: Store, credentials: StoredCredential[], now: Date): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    for (const c of credentials) {
      await tx
        .updateTable('hw_credentials')
        .set({ ciphertext: c.ciphertext, key_id: c.key_id, updated_at: now.toISOString() })
        .where('connection_id', '=', c.connection_id)
        .execute();
    }
  });
}

export async function deleteStoredCredential(store: Store, connectionId: number): Promise<boolean> {
  const result = await store.db.deleteFrom('hw_credentials').where('connection_id', '=', connectionId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
