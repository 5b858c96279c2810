import { inflateRawSync } from 'node:zlib';

/**
 * A zip archive's layout, read from its bytes before anything is
 * decompressed: an evidence bundle is untrusted input. The central directory
 * is the archive's table of contents; every byte before it must belong to
 * one of the entries it lists, so nothing can hide in the gaps, and no name
 * may appear twice (readers disagree on which copy counts).
 */
export interface ZipEntry {
  name: string;
  /** Where its local header starts. */
  offset: number;
  compressedSize: number;
  size: number;
  method: number;
  directory: boolean;
}

export interface ZipLimits {
  entries: number;
  /** Total uncompressed bytes. */
  bytes: number;
  /** Uncompressed over compressed size, per entry. */
  ratio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { entries: 10_000, bytes: 1024 * 1024 * 1024, ratio: 200 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;

export function inspectZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): { entries: ZipEntry[]; problems: string[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => (at + 4 <= bytes.length ? view.getUint32(at, true) : -1);
  const u16 = (at: number): number => (at + 2 <= bytes.length ? view.getUint16(at, true) : -1);
  const problems: string[] = [];
  // The end record is in the last 22 + 65,535 bytes (its comment is at most that long).
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (u32(at) === EOCD && at + 22 + u16(at + 20) === bytes.length) {
      end = at;
      break;
    }
  }
  if (end < 0) return { entries: [], problems: ['The file is not a zip archive (no end of central directory).'] };
  const count = u16(end + 10);
  const directorySize = u32(end + 12);
  const directoryOffset = u32(end + 16);
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0 || u16(end + 8) !== count) problems.push('The archive spans several disks, which evidence bundles never do.');
  if (count === 0xffff || directoryOffset === 0xffffffff)
    return { entries: [], problems: [...problems, 'The archive is a ZIP64 archive, far larger than any evidence bundle.'] };
  if (directoryOffset + directorySize !== end)
    problems.push('The central directory does not end where the archive says: there are bytes no entry accounts for.');
  if (count > limits.entries)
    return { entries: [], problems: [...problems, `The archive lists ${count} entries; an evidence bundle has far fewer (at most ${limits.entries}).`] };

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = directoryOffset;
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) return { entries, problems: [...problems, 'The central directory is damaged.'] };
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const compressedSize = u32(at + 20);
    const size = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    const offset = u32(at + 42);
    const name = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) problems.push(`${name} is encrypted.`);
    if (names.has(name)) problems.push(`${name} appears twice in the archive: readers disagree on which copy counts.`);
    names.add(name);
    if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) problems.push(`${name} is not a plain relative path.`);
    const directory = name.endsWith('/') && size === 0;
    total += size;
    if (!directory && size > 0 && compressedSize > 0 && size / compressedSize > limits.ratio)
      problems.push(`${name} expands ${Math.round(size / compressedSize)} times, more than any evidence file (a zip bomb?).`);
    entries.push({ name, offset, compressedSize, size, method, directory });
  }
  if (at !== end) problems.push('The central directory holds more than its entries.');
  if (total > limits.bytes) problems.push(`The archive expands to ${total} bytes, more than an evidence bundle may (${limits.bytes}).`);

  // Every byte before the central directory belongs to exactly one listed entry.
  let cursor = 0;
  for (const entry of [...entries].sort((a, b) => a.offset - b.offset)) {
    if (entry.offset !== cursor) {
      problems.push(
        entry.offset > cursor
          ? `Bytes ${cursor} to ${entry.offset} belong to no listed entry: something is hidden outside the central directory.`
          : `${entry.name} overlaps another entry.`,
      );
    }
    if (u32(entry.offset) !== LOCAL) {
      problems.push(`${entry.name} has no local header where the central directory says.`);
      return { entries, problems };
    }
    const localFlags = u16(entry.offset + 6);
    const localNameLength = u16(entry.offset + 26);
    const localName = new TextDecoder().decode(bytes.subarray(entry.offset + 30, entry.offset + 30 + localNameLength));
    if (localName !== entry.name) problems.push(`The local header of ${entry.name} names it ${localName}.`);
    cursor = entry.offset + 30 + localNameLength + u16(entry.offset + 28) + entry.compressedSize;
    if (localFlags & 8) cursor += u32(cursor) === DESCRIPTOR ? 16 : 12;
  }
  if (cursor !== directoryOffset)
    problems.push(
      cursor < directoryOffset
        ? `Bytes ${cursor} to ${directoryOffset} belong to no listed entry: something is hidden outside the central directory.`
        : 'The last entry runs into the central directory.',
    );
  return { entries, problems };
}

/**
 * The bytes of each file of an archive whose layout inspectZip accepted,
 * by name, in a Map (a name such as `__proto__` is a name like any other):
 * each inflated to at most the size the central directory declares.
 */
export function readEntries(bytes: Uint8Array, entries: ZipEntry[]): Map<string, { bytes: Uint8Array } | { problem: string }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const files = new Map<string, { bytes: Uint8Array } | { problem: string }>();
  for (const entry of entries) {
    if (entry.directory) continue;
    const start = entry.offset + 30 + view.getUint16(entry.offset + 26, true) + view.getUint16(entry.offset + 28, true);
    const data = bytes.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) files.set(entry.name, { bytes: data });
    else if (entry.method !== 8) files.set(entry.name, { problem: `compressed with method ${entry.method}` });
    else {
      try {
        files.set(entry.name, { bytes: inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) }) });
      } catch (error) {
        files.set(entry.name, { problem: `cannot be decompressed to the size the archive declares (${(error as Error).message})` });
      }
    }
  }
  return files;
}
