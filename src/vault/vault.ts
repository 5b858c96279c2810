import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from './master-key.js';
import { GENERATE_HINT, VaultError } from './master-key.js';

/**
 * Credentials encrypted with AES-256-GCM under the master key. Each
 * ciphertext is bound (as additional authenticated data) to its connection
 * and to the origin of the API it was given for: copied onto another row, or
 * with the connection's API URL changed in the database, it no longer
 * decrypts, so a token is never sent anywhere but where it was given for.
 * Format: `v2.<iv>.<ciphertext>.<tag>`, base64url parts (a 12-byte IV, a
 * 16-byte tag); the key's id is stored beside it. `v1` (bound to the
 * connection only) is still read, and sealed again as v2 on the next write.
 */
export interface Sealed {
  ciphertext: string;
  keyId: string;
}

/** What a credential is bound to. */
export interface CredentialBinding {
  connectionId: number;
  apiUrl: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad(version: 'v1' | 'v2', binding: CredentialBinding): Buffer {
  if (version === 'v1') return Buffer.from(`herowatch:credential:${binding.connectionId}`);
  return Buffer.from(`herowatch:credential:v2:${binding.connectionId}:${apiOrigin(binding.apiUrl)}`);
}

/** The origin (scheme, host, port) of an API URL, as a credential is bound to it. */
export function apiOrigin(apiUrl: string): string {
  try {
    return new URL(apiUrl).origin;
  } catch {
    return apiUrl;
  }
}

export function seal(master: MasterKey, binding: CredentialBinding, secret: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad('v2', binding));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: ['v2', iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.'), keyId: master.id };
}

/** The master key in use is not the one the stored credentials were encrypted with. */
export function wrongKeyError(master: MasterKey, storedKeyId: string, what: string): VaultError {
  return new VaultError(
    `${what} encrypted with master key ${storedKeyId}, but the key in use is ${master.id} (from ${master.source === 'env' ? 'HEROWATCH_MASTER_KEY' : 'the key file'}). Use the original key (HEROWATCH_MASTER_KEY or the master.key file it was stored in); nothing was changed. If the key is lost, connect again with a new token.`,
  );
}

export function open(master: MasterKey, binding: CredentialBinding, sealed: Sealed, connectionName: string): string {
  if (sealed.keyId !== master.id) throw wrongKeyError(master, sealed.keyId, `The credentials of connection "${connectionName}" were`);
  const [version, ivText, body, tagText] = sealed.ciphertext.split('.');
  const iv = Buffer.from(ivText ?? '', 'base64url');
  const tag = Buffer.from(tagText ?? '', 'base64url');
  if ((version !== 'v1' && version !== 'v2') || iv.length !== IV_BYTES || body === undefined || tag.length !== TAG_BYTES) {
    throw new VaultError(`The stored credentials of connection "${connectionName}" are damaged; connect again with a new token.`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', master.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(version, binding));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError(
      `The stored credentials of connection "${connectionName}" do not open for ${apiOrigin(binding.apiUrl)} with this master key: they were altered, moved to another connection, or the connection's API URL was changed since the token was stored. herowatch does not send a token anywhere but where it was given for; connect again with a token for this API.`,
    );
  }
}

export const NO_KEY_MESSAGE = `No master key: set HEROWATCH_MASTER_KEY (32 bytes, base64 or hex; generate one with: ${GENERATE_HINT}) or restore the master.key file in herowatch's home.`;
