import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureConnection, keySource } from '../../src/service/connections.js';
import { findConnection } from '../../src/store/connections.js';
import { credentialSaver, readCredential, rotateMasterKey } from '../../src/vault/credentials.js';
import { DIALECTS, openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';

const SECRETS = ['HRKU-11111111-0000-4000-8000-000000000001', 'HRKU-22222222-0000-4000-8000-000000000002'];

async function twoCredentials(hw: TestHerowatch): Promise<{ id: number; name: string; api_url: string }[]> {
  const connections = [await ensureConnection(hw.store, 'one', 'http://127.0.0.1:1'), await ensureConnection(hw.store, 'two', 'http://127.0.0.1:1')];
  for (const [i, c] of connections.entries()) await (await credentialSaver(hw.store, keySource(hw)))(c, SECRETS[i]!);
  return connections;
}

async function ciphertexts(hw: TestHerowatch): Promise<string[]> {
  return (await hw.store.db.selectFrom('hw_credentials').select('ciphertext').orderBy('connection_id').execute()).map((r) => r.ciphertext);
}

describe.each(DIALECTS)('stored credentials on %s', (dialect) => {
  it("do not open once the connection's API URL is changed in the database, so the token is never sent there", async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:1');
    const [one] = await twoCredentials(hw);
    expect(await readCredential(hw.store, keySource(hw), one!)).toBe(SECRETS[0]);
    await hw.store.db.updateTable('hw_connections').set({ api_url: 'https://attacker.example' }).where('id', '=', one!.id).execute();
    const moved = (await findConnection(hw.store, 'one'))!;
    await expect(readCredential(hw.store, keySource(hw), moved)).rejects.toThrow(/do not open for https:\/\/attacker\.example/);
  });
});

describe.each(DIALECTS)('master key rotation on %s', (dialect) => {
  it('finishes a rotation interrupted after the database was re-encrypted', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:1');
    const connections = await twoCredentials(hw);
    const keyFile = join(hw.home, 'master.key');
    const oldKey = await readFile(keyFile, 'utf8');
    await rotateMasterKey(hw.store, keySource(hw));
    // Put the files back as a crash between the commit and the rename leaves them.
    await rename(keyFile, `${keyFile}.new`);
    await writeFile(keyFile, oldKey, { mode: 0o600 });

    for (const [i, c] of connections.entries()) expect(await readCredential(hw.store, keySource(hw), c)).toBe(SECRETS[i]);
    expect(await readFile(keyFile, 'utf8')).not.toBe(oldKey);
    expect(existsSync(`${keyFile}.new`)).toBe(false);
  });

  it('is harmless when interrupted before the database changed', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:1');
    const connections = await twoCredentials(hw);
    const keyFile = join(hw.home, 'master.key');
    const oldKey = await readFile(keyFile, 'utf8');
    await writeFile(`${keyFile}.new`, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    for (const [i, c] of connections.entries()) expect(await readCredential(hw.store, keySource(hw), c)).toBe(SECRETS[i]);
    expect(await readFile(keyFile, 'utf8')).toBe(oldKey);
    const result = await rotateMasterKey(hw.store, keySource(hw));
    expect(result.credentials).toBe(2);
    for (const [i, c] of connections.entries()) expect(await readCredential(hw.store, keySource(hw), c)).toBe(SECRETS[i]);
  });

  it('changes nothing when one credential cannot be opened', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:1');
    const [first, second] = await twoCredentials(hw);
    // Copy the first ciphertext onto the second connection: it is bound to the first, so it does not open there.
    const [a] = await ciphertexts(hw);
    await hw.store.db.updateTable('hw_credentials').set({ ciphertext: a! }).where('connection_id', '=', second!.id).execute();
    const before = await ciphertexts(hw);
    const keyFile = join(hw.home, 'master.key');
    const oldKey = await readFile(keyFile, 'utf8');
    await expect(rotateMasterKey(hw.store, keySource(hw))).rejects.toThrow(
      /The stored credentials of connection "two" do not open for http:\/\/127\.0\.0\.1:1 with this master key: they were altered, moved to another connection/,
    );
    expect(await ciphertexts(hw)).toEqual(before);
    expect(await readFile(keyFile, 'utf8')).toBe(oldKey);
    expect(await readCredential(hw.store, keySource(hw), first!)).toBe(SECRETS[0]);
  });
});
