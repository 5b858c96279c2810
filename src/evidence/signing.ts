import type { KeyEnvironment } from '../config.js';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type ErrorOptions } from '../errors.js';

/**
 * Evidence bundles are signed with the installation's Ed25519 key, so that
 * whoever knows its public key (its fingerprint) can tell a bundle this
 * installation made from one rebuilt by someone else: hashes alone prove a
 * bundle is whole, not who made it.
 */
export const SIGNING_KEY_FILE = 'evidence-signing.key';

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** `SHA256:` and the base64 SHA-256 of the public key (DER), as ssh-keygen prints fingerprints. */
  fingerprint: string;
  source: 'env' | 'file';
}

/** What `manifest.sig` holds: the signature over manifest.json's bytes, and the key to check it with. */
export interface ManifestSignature {
  algorithm: 'Ed25519';
  public_key: string;
  fingerprint: string;
  signature: string;
}

export class SigningKeyError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_SIGNING_KEY', message, options);
  }
}

export function fingerprintOf(publicKey: KeyObject): string {
  return `SHA256:${createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64')
    .replace(/=+$/, '')}`;
}

function fromPem(pem: string, where: string, source: SigningKey['source']): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new SigningKeyError(`${where} is not a PEM private key.`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new SigningKeyError(
      `${where} is a ${privateKey.asymmetricKeyType ?? 'symmetric'} key; evidence is signed with Ed25519 (openssl genpkey -algorithm ed25519).`,
    );
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fingerprintOf(publicKey), source };
}

/**
 * The signing key: HEROWATCH_EVIDENCE_KEY (a PEM Ed25519 private key) when
 * set, otherwise `evidence-signing.key` in herowatch's home, created (mode
 * 0600) on first use. A key file others may read is refused.
 */
export function loadSigningKey(home: string, env: Pick<KeyEnvironment, 'HEROWATCH_EVIDENCE_KEY'>): SigningKey {
  if (env.HEROWATCH_EVIDENCE_KEY?.trim()) return fromPem(env.HEROWATCH_EVIDENCE_KEY.trim(), 'HEROWATCH_EVIDENCE_KEY', 'env');
  const path = join(home, SIGNING_KEY_FILE);
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077)
      throw new SigningKeyError(`The evidence signing key ${path} can be read by others (mode ${mode.toString(8)}); make it private: chmod 600 ${path}`);
    return fromPem(readFileSync(path, 'utf8'), `The evidence signing key ${path}`, 'file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, pem, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
  return fromPem(pem, path, 'file');
}

/** This installation's signing key's fingerprint, without creating a key: null when it has none. */
export function existingSigner(home: string, env: Pick<KeyEnvironment, 'HEROWATCH_EVIDENCE_KEY'>): string | null {
  if (!env.HEROWATCH_EVIDENCE_KEY?.trim()) {
    try {
      statSync(join(home, SIGNING_KEY_FILE));
    } catch {
      return null;
    }
  }
  return loadSigningKey(home, env).fingerprint;
}

export function signManifest(key: SigningKey, manifest: Uint8Array): ManifestSignature {
  return {
    algorithm: 'Ed25519',
    public_key: key.publicKeyPem,
    fingerprint: key.fingerprint,
    signature: sign(null, manifest, key.privateKey).toString('base64'),
  };
}

/**
 * Checks `manifest.sig` against the manifest's bytes: returns the signer's
 * fingerprint, or why the signature cannot be trusted.
 */
export function checkSignature(signatureJson: string, manifest: Uint8Array): { signer: string | null; problem: string | null } {
  let parsed: ManifestSignature;
  let publicKey: KeyObject;
  try {
    parsed = JSON.parse(signatureJson) as ManifestSignature;
    publicKey = createPublicKey(parsed.public_key);
  } catch {
    return { signer: null, problem: 'manifest.sig is not a readable signature' };
  }
  const signer = fingerprintOf(publicKey);
  if (parsed.algorithm !== 'Ed25519' || publicKey.asymmetricKeyType !== 'ed25519')
    return { signer, problem: `manifest.sig uses ${parsed.algorithm}, not Ed25519` };
  if (parsed.fingerprint !== signer) return { signer, problem: `manifest.sig names the key ${parsed.fingerprint} but holds ${signer}` };
  const valid = verify(null, manifest, publicKey, Buffer.from(String(parsed.signature), 'base64'));
  return { signer, problem: valid ? null : 'manifest.sig does not match manifest.json: the manifest was changed after it was signed' };
}

/** A signer named on the command line: a fingerprint, or a file holding a PEM public (or private) key. */
export function expectedSigner(value: string): string {
  if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(value.trim())) return value.trim();
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch {
    throw new SigningKeyError(
      `--signer takes a key fingerprint (SHA256:..., from herowatch evidence signing-key) or a file with the public key; ${value} is neither.`,
    );
  }
  try {
    return fingerprintOf(createPublicKey(text));
  } catch {
    throw new SigningKeyError(`${value} does not hold a PEM public key (herowatch evidence signing-key --pem prints one).`);
  }
}
