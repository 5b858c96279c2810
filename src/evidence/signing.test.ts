import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSignature, expectedSigner, loadSigningKey, signManifest, SigningKeyError } from './signing.js';

const home = (): string => mkdtempSync(join(tmpdir(), 'herowatch-signing-'));

describe('evidence signing key', () => {
  it('is created once, private to its owner, and the same on every later use', () => {
    const dir = home();
    const first = loadSigningKey(dir, {});
    expect(first.source).toBe('file');
    expect(loadSigningKey(dir, {}).fingerprint).toBe(first.fingerprint);
    chmodSync(join(dir, 'evidence-signing.key'), 0o644);
    expect(() => loadSigningKey(dir, {})).toThrow(`can be read by others (mode 644); make it private: chmod 600 ${join(dir, 'evidence-signing.key')}`);
  });

  it('comes from HEROWATCH_EVIDENCE_KEY when set, which must be an Ed25519 PEM key', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(loadSigningKey(home(), { HEROWATCH_EVIDENCE_KEY: ed }).source).toBe('env');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadSigningKey(home(), { HEROWATCH_EVIDENCE_KEY: rsa })).toThrow('HEROWATCH_EVIDENCE_KEY is a rsa key; evidence is signed with Ed25519');
    expect(() => loadSigningKey(home(), { HEROWATCH_EVIDENCE_KEY: 'hello' })).toThrow(SigningKeyError);
  });

  it('signs a manifest so that any change to it, or another key, is caught', () => {
    const key = loadSigningKey(home(), {});
    const manifest = new TextEncoder().encode('{"format":"herowatch-evidence"}\n');
    const signature = JSON.stringify(signManifest(key, manifest));
    expect(checkSignature(signature, manifest)).toEqual({ signer: key.fingerprint, problem: null });
    expect(checkSignature(signature, new TextEncoder().encode('{"format":"herowatch-evidence "}\n')).problem).toContain(
      'the manifest was changed after it was signed',
    );
    const other = loadSigningKey(home(), {});
    const swapped = JSON.stringify({ ...signManifest(key, manifest), public_key: other.publicKeyPem });
    expect(checkSignature(swapped, manifest).problem).toBe(`manifest.sig names the key ${key.fingerprint} but holds ${other.fingerprint}`);
    expect(checkSignature('{}', manifest).problem).toBe('manifest.sig is not a readable signature');
  });

  it('takes the expected signer as a fingerprint or a public key file', () => {
    const key = loadSigningKey(home(), {});
    expect(expectedSigner(key.fingerprint)).toBe(key.fingerprint);
    const file = join(home(), 'key.pub');
    writeFileSync(file, key.publicKeyPem);
    expect(expectedSigner(file)).toBe(key.fingerprint);
    writeFileSync(file, 'not a key');
    expect(() => expectedSigner(file)).toThrow('does not hold a PEM public key');
    expect(() => expectedSigner('SHA256:short')).toThrow('--signer takes a key fingerprint');
  });
});
