import { existsSync, renameSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  deleteStoredCredential,
  listStoredCredentials,
  readStoredCredential,
  replaceStoredCredentials,
  storedKeyId,
  writeStoredCredential,
} from '../store/credentials.js';
import type { KeyEnvironment } from '../config.js';
import type { Store } from '../store/database.js';
import { keyFilePath, keyId, loadMasterKey, parseKey, VaultError, writeKeyFile, type MasterKey } from './master-key.js';
import { NO_KEY_MESSAGE, open, seal, wrongKeyError } from './vault.js';

/** Where the master key comes from: herowatch's home and the environment (as parsed into the configuration). */
export interface KeySource {
  home: string;
  env: Pick<KeyEnvironment, 'HEROWATCH_MASTER_KEY'>;
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

/** The connection a credential belongs to, and the API it was given for. */
export interface CredentialOwner {
  id: number;
  name: string;
  api_url: string;
}

/**
 * Gets the master key ready to store credentials, and fails (no key, or not
 * the key the others are under) before anything is written: `connect` asks
 * first, so that a refusal leaves nothing behind. The function it returns
 * seals a token for its connection and API origin, and stores it.
 */
export async function credentialSaver(store: Store, source: KeySource): Promise<(connection: CredentialOwner, token: string) => Promise<void>> {
  const existingKeyId = await storedKeyId(store);
  // A key is created only for the first credential; later ones need the key the others are under.
  const master = keyFor(source, existingKeyId, existingKeyId === null);
  // One key for all: a credential sealed under another key would be unreadable after the next fix.
  if (existingKeyId !== null && existingKeyId !== master.id) throw wrongKeyError(master, existingKeyId, 'The stored credentials were');
  return async (connection, token) => {
    const sealed = seal(master, { connectionId: connection.id, apiUrl: connection.api_url }, token);
    await writeStoredCredential(store, { connection_id: connection.id, ciphertext: sealed.ciphertext, key_id: sealed.keyId }, new Date());
  };
}

/** The token of a connection, for its own API only (see vault.ts); null when none is stored. */
export async function readCredential(store: Store, source: KeySource, connection: CredentialOwner): Promise<string | null> {
  const row = await readStoredCredential(store, connection.id);
  if (!row) return null;
  const master = keyFor(source, row.key_id, false);
  return open(master, { connectionId: connection.id, apiUrl: connection.api_url }, { ciphertext: row.ciphertext, keyId: row.key_id }, connection.name);
}

export async function deleteCredential(store: Store, connectionId: number): Promise<boolean> {
  return deleteStoredCredential(store, connectionId);
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
 * new key comes from the environment variable `newKey` names (its value read by the caller), and the caller
 * must then set HEROWATCH_MASTER_KEY to it.
 */
export async function rotateMasterKey(store: Store, source: KeySource, newKey?: { name: string; value: string | undefined }): Promise<RotationResult> {
  const newKeyEnv = newKey?.name;
  const rows = await listStoredCredentials(store);
  const current = keyFor(source, rows[0]?.key_id ?? null, rows.length === 0);
  for (const row of rows) if (row.key_id !== current.id) throw wrongKeyError(current, row.key_id, `The credentials of connection "${row.name}" were`);
  let next: MasterKey;
  const envKey = source.env.HEROWATCH_MASTER_KEY?.trim();
  if (envKey) {
    if (!newKeyEnv)
      throw new VaultError(
        'The master key comes from HEROWATCH_MASTER_KEY: give the new key in another environment variable and name that variable; afterwards set HEROWATCH_MASTER_KEY to it.',
        { remedy: { do: 'give', input: 'new-master-key' } },
      );
    const value = newKey!.value;
    if (!value) throw new VaultError(`The environment variable ${newKeyEnv} is not set.`);
    const key = parseKey(value, newKeyEnv);
    next = { key, id: keyId(key), source: 'env' };
  } else {
    if (newKeyEnv)
      throw new VaultError(
        'A new key from an environment variable applies when the master key comes from HEROWATCH_MASTER_KEY; the key file is rotated with a freshly generated key.',
      );
    const key = randomBytes(32);
    next = { key, id: keyId(key), source: 'file' };
  }
  if (next.id === current.id) throw new VaultError('The new master key is the same as the current one.');
  const plain = rows.map((row) => ({
    binding: { connectionId: row.connection_id, apiUrl: row.api_url },
    token: open(current, { connectionId: row.connection_id, apiUrl: row.api_url }, { ciphertext: row.ciphertext, keyId: row.key_id }, row.name),
  }));
  const pending = `${keyFilePath(source.home)}.new`;
  if (next.source === 'file') writeKeyFile(pending, next.key);
  const resealed = plain.map(({ binding, token }) => {
    const sealed = seal(next, binding, token);
    return { connection_id: binding.connectionId, ciphertext: sealed.ciphertext, key_id: sealed.keyId };
  });
  await replaceStoredCredentials(store, resealed, new Date());
  if (next.source === 'file') renameSync(pending, keyFilePath(source.home));
  return { credentials: rows.length, oldKeyId: current.id, newKeyId: next.id, newKeyLocation: next.source === 'file' ? keyFilePath(source.home) : newKeyEnv! };
}
