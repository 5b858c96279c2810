import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from './master-key.js';
import { GENERATE_HINT, VaultError } from './master-key.js';

/**
 * Credentials encrypted with AES-256-GCM under the master key. Each
 * ciphertext is bound to its connection (as additional authenticated data):
 * copied onto another row it no longer decrypts. Format:
 * `v1.<iv>.<ciphertext>.<tag>`, base64url parts; the key's id is stored
 * beside it.
 */
export interface Sealed {
  ciphertext: string;
  keyId: string;
}

function aad(connectionId: number): Buffer {
  return Buffer.from(`herowatch:credential:${connectionId}`);
}

export function seal(master: MasterKey, connectionId: number, secret: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv);
  cipher.setAAD(aad(connectionId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: ['v1', iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.'), keyId: master.id };
}

/** The master key in use is not the one the stored credentials were encrypted with. */
export function wrongKeyError(master: MasterKey, storedKeyId: string, what: string): VaultError {
  return new VaultError(
    `${what} encrypted with master key ${storedKeyId}, but the key in use is ${master.id} (from ${master.source === 'env' ? 'HEROWATCH_MASTER_KEY' : 'the key file'}). Use the original key (HEROWATCH_MASTER_KEY or the master.key file it was stored in); nothing was changed. If the key is lost, connect again with a new token.`,
  );
}

export function open(master: MasterKey, connectionId: number, sealed: Sealed, connectionName: string): string {
  if (sealed.keyId !== master.id) throw wrongKeyError(master, sealed.keyId, `The credentials of connection "${connectionName}" were`);
  const [version, iv, body, tag] = sealed.ciphertext.split('.');
  if (version !== 'v1' || !iv || !body || !tag) throw new VaultError(`The stored credentials of connection "${connectionName}" are damaged; connect again with a new token.`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', master.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(connectionId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError(`The stored credentials of connection "${connectionName}" do not decrypt with this master key; they were altered or moved. Connect again with a new token.`);
  }
}

export const NO_KEY_MESSAGE = `No master key: set HEROWATCH_MASTER_KEY (32 bytes, base64 or hex; generate one with: ${GENERATE_HINT}) or restore the master.key file in herowatch's home.`;
