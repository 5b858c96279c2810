import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { herowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch, type TestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

async function credential(hw: TestHerowatch, name: string): Promise<{ ciphertext: string; key_id: string } | undefined> {
  const { rows } = await sql<{
    ciphertext: string;
    key_id: string;
  }>`SELECT ciphertext, key_id FROM hw_credentials c JOIN hw_connections n ON n.id = c.connection_id WHERE n.name = ${name}`.execute(hw.store.db);
  return rows[0];
}

describe.each(DIALECTS)('the vault on %s', (dialect) => {
  it('a wrong or missing master key is a clear error and loses nothing; rotation re-encrypts every credential', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['connect', '--name', 'a', '--token-stdin'], T.admin)).code).toBe(0);
    expect((await herowatch(env, ['connect', '--name', 'b', '--token-stdin'], T.member)).code).toBe(0);
    const keyFile = join(hw.home, 'master.key');
    const firstKey = await readFile(keyFile, 'utf8');
    const before = [await credential(hw, 'a'), await credential(hw, 'b')];

    const wrong = await herowatch({ ...env, HEROWATCH_MASTER_KEY: randomBytes(32).toString('base64') }, ['status', 'a']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      new RegExp(`encrypted with master key ${before[0]!.key_id}, but the key in use is [0-9a-f]{12} \\(from HEROWATCH_MASTER_KEY\\).*nothing was changed`),
    );
    const wrongSave = await herowatch({ ...env, HEROWATCH_MASTER_KEY: randomBytes(32).toString('hex') }, ['connect', '--name', 'c', '--token-stdin'], T.admin);
    expect(wrongSave.code).toBe(2);
    expect(wrongSave.stderr).toMatch(/The stored credentials were encrypted with master key/);
    // "Nothing was changed" holds: no half-made connection is left behind.
    expect((await herowatch(env, ['status', '--no-test', '--json'])).stdout).not.toContain('"c"');
    expect((await herowatch(env, ['status', 'c'])).code).toBe(2);
    const malformed = await herowatch({ ...env, HEROWATCH_MASTER_KEY: 'hunter2' }, ['status', 'a']);
    expect(malformed.stderr).toContain('HEROWATCH_MASTER_KEY is not a 256-bit key');
    await rm(keyFile);
    const missing = await herowatch(env, ['sync', '--connection', 'a']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No master key: set HEROWATCH_MASTER_KEY');
    await expect(readFile(keyFile)).rejects.toThrow(/ENOENT/);
    await writeFile(keyFile, firstKey, { mode: 0o600 });
    expect([await credential(hw, 'a'), await credential(hw, 'b')]).toEqual(before);
    expect((await herowatch(env, ['status', 'a'])).code).toBe(0);

    // Key file rotation.
    const rotated = await herowatch(env, ['vault', 'rotate', '--json']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const result = JSON.parse(rotated.stdout) as { credentials: number; oldKeyId: string; newKeyId: string };
    expect(result).toMatchObject({ credentials: 2, oldKeyId: before[0]!.key_id });
    expect(await readFile(keyFile, 'utf8')).not.toBe(firstKey);
    for (const name of ['a', 'b']) {
      const after = await credential(hw, name);
      expect(after!.key_id).toBe(result.newKeyId);
      expect(after!.ciphertext).not.toBe(before[name === 'a' ? 0 : 1]!.ciphertext);
    }
    for (const name of ['a', 'b']) expect((await herowatch(env, ['status', name])).code).toBe(0);
    const old = await herowatch({ ...env, HEROWATCH_MASTER_KEY: firstKey.trim() }, ['status', 'a']);
    expect(old.code).toBe(2);

    // Environment key rotation: the new key comes from another variable.
    const envKey = randomBytes(32).toString('base64');
    const newEnvKey = randomBytes(32).toString('base64');
    const refuse = await herowatch({ ...env, HEROWATCH_MASTER_KEY: envKey }, ['vault', 'rotate']);
    expect(refuse.code).toBe(2);
    const fresh = await openTestHerowatch(dialect, emulator.url);
    const envEnv = { ...fresh.env, HEROKU_HOST: emulator.url, HEROWATCH_MASTER_KEY: envKey };
    expect((await herowatch(envEnv, ['connect', '--name', 'a', '--token-stdin'], T.admin)).code).toBe(0);
    await expect(readFile(join(fresh.home, 'master.key'))).rejects.toThrow(/ENOENT/);
    const noVar = await herowatch(envEnv, ['vault', 'rotate']);
    expect(noVar.stderr).toContain('--new-key-env VAR');
    const envRotated = await herowatch({ ...envEnv, NEW_KEY: newEnvKey }, ['vault', 'rotate', '--new-key-env', 'NEW_KEY']);
    expect(envRotated.code, envRotated.stderr).toBe(0);
    expect(envRotated.stdout).toContain('Now set HEROWATCH_MASTER_KEY to the value of NEW_KEY.');
    expect((await herowatch({ ...envEnv, HEROWATCH_MASTER_KEY: newEnvKey }, ['status', 'a'])).code).toBe(0);
    expect((await herowatch(envEnv, ['status', 'a'])).code).toBe(2);
  }, 180_000);
});
