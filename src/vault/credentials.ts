import { existsSync, renameSync } from 'node:fs';
import type { Store } from '../store/database.js';
import { keyFilePath, keyId, loadMasterKey, parseKey, VaultError, writeKeyFile, type MasterKey } from './master-key.js';
import { NO_KEY_MESSAGE, open, seal, wrongKeyError } from './vault.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Where the master key comes from: herowatch's home and the environment. */
export interface KeySource {
  home: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The master key that opens credentials sealed with `neededId`. A rotation
 * interrupted after the database was re-encrypted leaves the new key in
 * `master.key.new`; it is recognised by its id and the rotation finished.
 */
function keyFor(source: KeySource, neededId: string | null, create: boolean): MasterKey {
  const key = loadMasterKey(source.home, source.env, { create });
  if (key && (neededId === null || key.id === neededId)) return key;
  const pending = `${keyFilePath(source.home)}.new`;
  if (key?.source !== 'env' && existsSync(pending)) {
    const next = parseKey(readFileSync(pending, 'utf8'), pending);
    if (keyId(next) === neededId) {
      renameSync(pending, keyFilePath(source.home));
      return { key: next, id: keyId(next), source: 'file' };
    }
  }
  if (!key) throw new VaultError(NO_KEY_MESSAGE);
  return key;
}

export async function saveCredential(store: Store, source: KeySource, connectionId: number, token: string): Promise<void> {
  const existing = await store.db.selectFrom('hw_credentials').select('key_id').limit(1).executeTakeFirst();
  // A key is created only for the first credential; later ones need the key the others are under.
  const master = keyFor(source, existing?.key_id ?? null, !existing);
  // One key for all: a credential sealed under another key would be unreadable after the next fix.
  if (existing && existing.key_id !== master.id) throw wrongKeyError(master, existing.key_id, 'The stored credentials were');
  const sealed = seal(master, connectionId, token);
  const now = new Date().toISOString();
  await store.db
    .insertInto('hw_credentials')
    .values({ connection_id: connectionId, ciphertext: sealed.ciphertext, key_id: sealed.keyId, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('connection_id').doUpdateSet({ ciphertext: sealed.ciphertext, key_id: sealed.keyId, updated_at: now }))
    .execute();
}

export async function readCredential(store: Store, source: KeySource, connection: { id: number; name: string }): Promise<string | null> {
  const row = await store.db.selectFrom('hw_credentials').select(['ciphertext', 'key_id']).where('connection_id', '=', connection.id).executeTakeFirst();
  if (!row) return null;
  const master = keyFor(source, row.key_id, false);
  return open(master, connection.id, { ciphertext: row.ciphertext, keyId: row.key_id }, connection.name);
}

export async function deleteCredential(store: Store, connectionId: number): Promise<boolean> {
  const result = await store.db.deleteFrom('hw_credentials').where('connection_id', '=', connectionId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface RotationResult {
  credentials: number;
  oldKeyId: string;
  newKeyId: string;
  /** Where the new key is: the key file, or the environment variable the caller named. */
  newKeyLocation: string;
}

/**
 * Re-encrypts every credential under a new master key, in one transaction.
 * With a key file: the new key is written beside the old one first, the
 * database re-encrypted, then the new key takes the old one's place (a crash
 * between the two is finished on next use). With HEROWATCH_MASTER_KEY: the
 * new key comes from the environment variable `newKeyEnv`, and the caller
 * must then set HEROWATCH_MASTER_KEY to it.
 */
export async function rotateMasterKey(store: Store, source: KeySource, newKeyEnv?: string): Promise<RotationResult> {
  const rows = await store.db.selectFrom('hw_credentials').innerJoin('hw_connections', 'hw_connections.id', 'hw_credentials.connection_id').select(['connection_id', 'ciphertext', 'key_id', 'name']).execute();
  const current = keyFor(source, rows[0]?.key_id ?? null, rows.length === 0);
  for (const row of rows) if (row.key_id !== current.id) throw wrongKeyError(current, row.key_id, `The credentials of connection "${row.name}" were`);
  let next: MasterKey;
  const envKey = source.env.HEROWATCH_MASTER_KEY?.trim();
  if (envKey) {
    if (!newKeyEnv) throw new VaultError('The master key comes from HEROWATCH_MASTER_KEY: give the new key in another environment variable and name it with --new-key-env VAR; afterwards set HEROWATCH_MASTER_KEY to it.');
    const value = source.env[newKeyEnv];
    if (!value) throw new VaultError(`The environment variable ${newKeyEnv} is not set.`);
    const key = parseKey(value, newKeyEnv);
    next = { key, id: keyId(key), source: 'env' };
  } else {
    if (newKeyEnv) throw new VaultError('--new-key-env applies when the master key comes from HEROWATCH_MASTER_KEY; the key file is rotated with a freshly generated key.');
    const key = randomBytes(32);
    next = { key, id: keyId(key), source: 'file' };
  }
  if (next.id === current.id) throw new VaultError('The new master key is the same as the current one.');
  const plain = rows.map((row) => ({ id: row.connection_id, token: open(current, row.connection_id, { ciphertext: row.ciphertext, keyId: row.key_id }, row.name) }));
  const pending = `${keyFilePath(source.home)}.new`;
  if (next.source === 'file') writeKeyFile(pending, next.key);
  const now = new Date().toISOString();
  await store.db.transaction().execute(async (tx) => {
    for (const { id, token } of plain) {
      const sealed = seal(next, id, token);
      await tx.updateTable('hw_credentials').set({ ciphertext: sealed.ciphertext, key_id: sealed.keyId, updated_at: now }).where('connection_id', '=', id).execute();
    }
  });
  if (next.source === 'file') renameSync(pending, keyFilePath(source.home));
  return { credentials: rows.length, oldKeyId: current.id, newKeyId: next.id, newKeyLocation: next.source === 'file' ? keyFilePath(source.home) : newKeyEnv! };
}
