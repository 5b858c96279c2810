import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyFilePath, keyId, loadMasterKey, parseKey, VaultError, type MasterKey } from './master-key.js';
import { open, seal, type CredentialBinding } from './vault.js';

const SECRET = 'HRKU-canary-0000-4000-8000-vault-secret';

const API = 'https://api.heroku.com';
const at = (connectionId: number, apiUrl = API): CredentialBinding => ({ connectionId, apiUrl });

function masterKey(): MasterKey {
  const key = randomBytes(32);
  return { key, id: keyId(key), source: 'env' };
}

describe('sealing credentials', () => {
  it('round-trips, with a fresh nonce each time and no trace of the secret in the ciphertext', () => {
    const master = masterKey();
    const a = seal(master, at(7), SECRET);
    const b = seal(master, at(7), SECRET);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.keyId).toBe(master.id);
    expect(a.ciphertext).toMatch(/^v2\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a.ciphertext).not.toContain(SECRET);
    expect(Buffer.from(a.ciphertext.split('.')[2]!, 'base64url').toString('latin1')).not.toContain('HRKU');
    expect(open(master, at(7), a, 'prod')).toBe(SECRET);
  });

  it('names the key needed when another key is in use, without revealing either', () => {
    const sealed = seal(masterKey(), at(1), SECRET);
    const other = masterKey();
    const error = (() => {
      try {
        open(other, at(1), sealed, 'prod');
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(VaultError);
    expect(error!.message).toContain(`encrypted with master key ${sealed.keyId}`);
    expect(error!.message).toContain(`the key in use is ${other.id}`);
    expect(error!.message).toContain('nothing was changed');
    expect(error!.message).not.toContain(other.key.toString('base64'));
  });

  it('refuses a ciphertext altered, or copied onto another connection', () => {
    const master = masterKey();
    const sealed = seal(master, at(1), SECRET);
    const parts = sealed.ciphertext.split('.');
    const body = Buffer.from(parts[2]!, 'base64url');
    body[0]! ^= 1;
    const tampered = { ...sealed, ciphertext: [parts[0], parts[1], body.toString('base64url'), parts[3]].join('.') };
    expect(() => open(master, at(1), tampered, 'prod')).toThrow(/altered, moved/);
    expect(() => open(master, at(2), sealed, 'staging')).toThrow(/altered, moved/);
    expect(() => open(master, at(1), { ...sealed, ciphertext: 'garbage' }, 'prod')).toThrow(/damaged/);
  });

  it('is bound to the API origin it was given for: another host, scheme or port does not open it', () => {
    const master = masterKey();
    const sealed = seal(master, at(1, 'https://api.heroku.com'), SECRET);
    expect(open(master, at(1, 'https://api.heroku.com/'), sealed, 'prod')).toBe(SECRET);
    for (const elsewhere of ['https://api.heroku.com.evil.example', 'http://api.heroku.com', 'https://api.heroku.com:8443', 'https://attacker.example']) {
      expect(() => open(master, at(1, elsewhere), sealed, 'prod'), elsewhere).toThrow(/does not send a token anywhere but where it was given for/);
    }
  });

  it('refuses a tag or IV of any length but the one it seals with', () => {
    const master = masterKey();
    const sealed = seal(master, at(1), SECRET);
    const [version, iv, body, tag] = sealed.ciphertext.split('.') as [string, string, string, string];
    const short = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => open(master, at(1), { ...sealed, ciphertext: [version, iv, body, short].join('.') }, 'prod')).toThrow(/damaged/);
    const longIv = Buffer.concat([Buffer.from(iv, 'base64url'), Buffer.alloc(4)]).toString('base64url');
    expect(() => open(master, at(1), { ...sealed, ciphertext: [version, longIv, body, tag].join('.') }, 'prod')).toThrow(/damaged/);
  });
});

describe('the master key', () => {
  let home: string;
  afterEach(() => rmSync(home, { recursive: true, force: true }));
  const fresh = (): string => (home = mkdtempSync(join(tmpdir(), 'herowatch-vault-')));

  it('is created on first need as a 0600 file, then read back', () => {
    fresh();
    expect(loadMasterKey(home, {}, { create: false })).toBeNull();
    const created = loadMasterKey(home, {}, { create: true })!;
    expect(statSync(keyFilePath(home)).mode & 0o777).toBe(0o600);
    expect(parseKey(readFileSync(keyFilePath(home), 'utf8'), 'file')).toEqual(created.key);
    expect(loadMasterKey(home, {}, { create: false })).toEqual(created);
  });

  it('refuses a key file others can read, saying how to fix it', () => {
    fresh();
    loadMasterKey(home, {}, { create: true });
    chmodSync(keyFilePath(home), 0o644);
    expect(() => loadMasterKey(home, {}, { create: false })).toThrow(`chmod 600 ${keyFilePath(home)}`);
  });

  it('comes from HEROWATCH_MASTER_KEY first, as base64 or hex, and rejects anything but 256 bits', () => {
    fresh();
    const key = randomBytes(32);
    writeFileSync(keyFilePath(home), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    expect(loadMasterKey(home, { HEROWATCH_MASTER_KEY: key.toString('base64') }, { create: true })).toEqual({ key, id: keyId(key), source: 'env' });
    expect(loadMasterKey(home, { HEROWATCH_MASTER_KEY: ` ${key.toString('hex')}\n` }, { create: true })!.key).toEqual(key);
    for (const bad of ['hunter2', randomBytes(16).toString('base64'), randomBytes(33).toString('hex'), `${key.toString('base64')}!`]) {
      expect(() => loadMasterKey(home, { HEROWATCH_MASTER_KEY: bad }, { create: true }), bad).toThrow(
        /HEROWATCH_MASTER_KEY is not a 256-bit key: .*openssl rand -base64 32/,
      );
    }
    writeFileSync(keyFilePath(home), 'not a key\n', { mode: 0o600 });
    expect(() => loadMasterKey(home, {}, { create: true })).toThrow(/master key file .* is not a 256-bit key/);
  });
});
