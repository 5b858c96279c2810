import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReadError, zipFileEntries } from './entries.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'herowatch-zip-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function entriesOf(bytes: Uint8Array, maxEntryBytes = 1024 * 1024): Promise<{ name: string; text?: string; problem?: string }[]> {
  const path = join(work, `${Math.random().toString(36).slice(2)}.zip`);
  await writeFile(path, bytes);
  const out: { name: string; text?: string; problem?: string }[] = [];
  for await (const entry of zipFileEntries(path, { maxEntryBytes })) {
    const read = entry.read();
    out.push('problem' in read ? { name: entry.name, problem: read.problem } : { name: entry.name, text: read.bytes.toString('utf8') });
  }
  return out;
}

/** The same archive with its end record in the ZIP64 form (as writers emit past 65,535 entries). */
function asZip64(zip: Uint8Array): Uint8Array {
  const bytes = Buffer.from(zip);
  const end = bytes.length - 22;
  expect(bytes.readUInt32LE(end)).toBe(0x06054b50);
  const count = bytes.readUInt16LE(end + 10);
  const size = bytes.readUInt32LE(end + 12);
  const offset = bytes.readUInt32LE(end + 16);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(end), 8);
  locator.writeUInt32LE(1, 16);
  const tail = Buffer.alloc(22);
  tail.writeUInt32LE(0x06054b50, 0);
  tail.writeUInt16LE(0xffff, 8);
  tail.writeUInt16LE(0xffff, 10);
  tail.writeUInt32LE(0xffffffff, 12);
  tail.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([bytes.subarray(0, end), record, locator, tail]);
}

describe('reading a zip entry by entry', () => {
  const files = { 'a/GHSA-1.json': strToU8('{"id":"GHSA-1"}'), 'b.json': strToU8('x'.repeat(5000)), 'dir/': new Uint8Array(0) };

  it('gives every file, stored or deflated, in stored order, and skips folders', async () => {
    for (const level of [0, 6] as const) {
      const entries = await entriesOf(zipSync(files, { level }));
      expect(entries).toEqual([
        { name: 'a/GHSA-1.json', text: '{"id":"GHSA-1"}' },
        { name: 'b.json', text: 'x'.repeat(5000) },
      ]);
    }
  });

  it('reads a ZIP64 archive', async () => {
    const entries = await entriesOf(asZip64(zipSync(files)));
    expect(entries.map((e) => e.name)).toEqual(['a/GHSA-1.json', 'b.json']);
    expect(entries[1]!.text).toHaveLength(5000);
  });

  it('refuses an entry larger than the limit, declared or once inflated (a lying size), and reads the rest', async () => {
    expect(await entriesOf(zipSync(files), 1000)).toEqual([
      { name: 'a/GHSA-1.json', text: '{"id":"GHSA-1"}' },
      { name: 'b.json', problem: 'larger than 1000 bytes' },
    ]);
    // The central directory claims 10 bytes for b.json; it inflates to 5,000.
    const lying = Buffer.from(zipSync({ 'b.json': files['b.json'] }));
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(10, central + 24);
    expect(await entriesOf(lying, 1000)).toEqual([{ name: 'b.json', problem: 'larger than 1000 bytes' }]);
  });

  it('says what is wrong with a file that is no zip, or is cut short', async () => {
    await expect(entriesOf(strToU8('{"id": "not a zip"}'))).rejects.toThrow(ZipReadError);
    const whole = zipSync(files, { level: 0 });
    await expect(entriesOf(whole.subarray(0, whole.length - 30))).rejects.toThrow(/no end of central directory|damaged|beyond/);
  });

  it('refuses sizes and places no archive of its size can hold, without reading them (a crafted size once aborted the process)', async () => {
    const plain = Buffer.from(zipSync({ 'a.json': strToU8('{"id":"A"}'), 'b.json': strToU8('{"id":"B"}') }, { level: 0 }));
    const central = plain.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const huge = Buffer.from(plain);
    huge.writeUInt32LE(0xfffffffe, central + 20);
    expect(await entriesOf(huge)).toEqual([
      { name: 'a.json', problem: expect.stringMatching(/runs past the end of the entries/) },
      { name: 'b.json', text: '{"id":"B"}' },
    ]);
    // A ZIP64 size of 2^40 in the extra field: the entry is refused, the others are read.
    const zip64 = Buffer.from(plain);
    zip64.writeUInt32LE(0xffffffff, central + 24);
    const extraAt = central + 46 + zip64.readUInt16LE(central + 28);
    const withExtra = Buffer.concat([zip64.subarray(0, extraAt), Buffer.from([0x01, 0x00, 0x08, 0x00]), Buffer.alloc(8), zip64.subarray(extraAt)]);
    withExtra.writeBigUInt64LE(2n ** 40n, extraAt + 4);
    withExtra.writeUInt16LE(12, central + 30);
    const end = withExtra.length - 22;
    withExtra.writeUInt32LE(withExtra.readUInt32LE(end + 12) + 12, end + 12);
    expect(await entriesOf(withExtra)).toEqual([
      { name: 'a.json', problem: 'larger than 1048576 bytes' },
      { name: 'b.json', text: '{"id":"B"}' },
    ]);
    // An entry placed past the entries.
    const misplaced = Buffer.from(plain);
    misplaced.writeUInt32LE(0xfffff000, central + 42);
    const read = await entriesOf(misplaced);
    expect(read.find((e) => e.name === 'b.json')).toEqual({ name: 'b.json', text: '{"id":"B"}' });
    expect(read.find((e) => e.name === 'a.json')).toEqual({ name: 'a.json', problem: 'no local header where the central directory says' });
  });
});
