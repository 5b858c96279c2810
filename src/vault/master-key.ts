import type { KeyEnvironment } from '../config.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type ErrorOptions } from '../errors.js';

/** The key every stored credential is encrypted with. */
export interface MasterKey {
  key: Buffer;
  /** A short fingerprint stored beside each ciphertext, to tell a wrong key from a damaged record. */
  id: string;
  source: 'env' | 'file';
}

/** The master key is missing, malformed or not the one the credentials need; nothing was changed. */
export class VaultError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_VAULT', message, options);
  }
}

const KEY_FILE = 'master.key';
export const GENERATE_HINT = 'openssl rand -base64 32';

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** 32 bytes from base64 (44 characters) or hex (64). */
export function parseKey(text: string, where: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32 || (!/^[0-9a-f]{64}$/i.test(value) && key.toString('base64') !== value)) {
    throw new VaultError(`${where} is not a 256-bit key: give 32 bytes as base64 or hex (generate one with: ${GENERATE_HINT}).`);
  }
  return key;
}

export function keyFilePath(home: string): string {
  return join(home, KEY_FILE);
}

/**
 * The master key: HEROWATCH_MASTER_KEY when set, otherwise the key file in
 * herowatch's home, created (mode 0600) the first time one is needed when
 * `create` is set. A key file others may read is refused.
 */
export function loadMasterKey(home: string, env: Pick<KeyEnvironment, 'HEROWATCH_MASTER_KEY'>, options: { create: boolean }): MasterKey | null {
  if (env.HEROWATCH_MASTER_KEY?.trim()) {
    const key = parseKey(env.HEROWATCH_MASTER_KEY, 'HEROWATCH_MASTER_KEY');
    return { key, id: keyId(key), source: 'env' };
  }
  const path = keyFilePath(home);
  let text: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new VaultError(`The master key file ${path} can be read by others (mode ${mode.toString(8)}); make it private: chmod 600 ${path}`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!options.create) return null;
    const key = randomBytes(32);
    writeKeyFile(path, key);
    return { key, id: keyId(key), source: 'file' };
  }
  const key = parseKey(text, `The master key file ${path}`);
  return { key, id: keyId(key), source: 'file' };
}

/** Writes a key file atomically, readable by its owner only. */
export function writeKeyFile(path: string, key: Buffer): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}
