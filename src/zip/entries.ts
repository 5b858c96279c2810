import { InputError, type ErrorOptions } from '../errors.js';
import { open, type FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/**
 * Reads the entries of a zip file on disk one at a time, in the order they
 * are stored, without holding the archive: the central directory is read
 * from the end, then the entries' bytes through a sliding window of
 * positional reads, each inflated by Node's zlib.
 *
 * Written here because the OSV export's per-ecosystem archives hold tens to
 * hundreds of thousands of small files: on 30,000 entries fflate's streaming
 * Unzip took 9 s (and overflowed the stack on 1 MB reads), yauzl 3 s just
 * to list the directory; this reader lists and inflates them in well under
 * a second. ZIP64 archives (more than 65,535 entries) are read too.
 */

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const WINDOW = 4 * 1024 * 1024;

export interface ZipFileEntry {
  name: string;
  /** The uncompressed size the directory declares. */
  size: number;
  /** The uncompressed bytes, or why they could not be had. */
  read(): { bytes: Buffer } | { problem: string };
}

/** A zip that is not one herowatch reads (damaged, hostile, or beyond its bounds). */
export class ZipReadError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_ARCHIVE_INVALID', message, options);
  }
}

interface DirectoryEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  offset: number;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || length > 0x7fffffff)
    throw new ZipReadError(`a place or size no zip of this file's size holds (${position}, ${length})`);
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The central directory's place and size, from the end record (and its ZIP64 form when the counts overflow). */
async function directoryPlace(file: FileHandle, fileSize: number): Promise<{ offset: number; size: number; count: number }> {
  const tailLength = Math.min(fileSize, 22 + 65_535 + 20);
  const tail = await readAt(file, fileSize - tailLength, tailLength);
  let end = -1;
  for (let at = tail.length - 22; at >= 0; at--) {
    if (tail.readUInt32LE(at) === EOCD && at + 22 + tail.readUInt16LE(at + 20) === tail.length) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new ZipReadError('not a zip archive (no end of central directory)');
  let count = tail.readUInt16LE(end + 10);
  let size = tail.readUInt32LE(end + 12);
  let offset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== EOCD64_LOCATOR) throw new ZipReadError('a ZIP64 archive without its ZIP64 end record locator');
    const record = await readAt(file, Number(tail.readBigUInt64LE(locator + 8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== EOCD64) throw new ZipReadError('a ZIP64 archive whose ZIP64 end record is missing');
    count = Number(record.readBigUInt64LE(32));
    size = Number(record.readBigUInt64LE(40));
    offset = Number(record.readBigUInt64LE(48));
  }
  if (offset + size > fileSize) throw new ZipReadError('its central directory lies beyond the end of the file (truncated?)');
  return { offset, size, count };
}

function parseDirectory(directory: Buffer, count: number): DirectoryEntry[] {
  const entries: DirectoryEntry[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) throw new ZipReadError('its central directory is damaged');
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const entry: DirectoryEntry = {
      name: decoder.decode(directory.subarray(at + 46, at + 46 + nameLength)),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    };
    // ZIP64: the fields that overflowed are in the extra field 0x0001, in this order.
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.offset === 0xffffffff) {
      const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
      for (let e = 0; e + 4 <= extra.length;) {
        const id = extra.readUInt16LE(e);
        const length = extra.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let field = e + 4;
          const next = (): number => {
            const value = field + 8 <= e + 4 + length ? Number(extra.readBigUInt64LE(field)) : -1;
            field += 8;
            return value;
          };
          if (entry.size === 0xffffffff) entry.size = next();
          if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
          if (entry.offset === 0xffffffff) entry.offset = next();
          break;
        }
        e += 4 + length;
      }
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The entries of the zip at `path`, in stored order; `maxEntryBytes` bounds
 * what one entry may inflate to (a larger one reads as a problem, not as
 * bytes). Throws ZipReadError when the file is not a readable zip.
 */
export async function* zipFileEntries(path: string, options: { maxEntryBytes: number }): AsyncGenerator<ZipFileEntry> {
  const file = await open(path, 'r');
  try {
    const { size: fileSize } = await file.stat();
    const place = await directoryPlace(file, fileSize);
    const entries = parseDirectory(await readAt(file, place.offset, place.size), place.count).sort((a, b) => a.offset - b.offset);
    // Sizes and places come from the file: none may point past the entries' part of it (a read of 4 GiB aborts the process).
    const entriesEnd = place.offset;
    let windowStart = 0;
    let window: Buffer = Buffer.alloc(0);
    const bytesAt = async (position: number, length: number): Promise<Buffer> => {
      if (position < windowStart || position + length > windowStart + window.length) {
        window = await readAt(file, position, Math.max(WINDOW, length));
        windowStart = position;
      }
      return window.subarray(position - windowStart, position - windowStart + length);
    };
    for (const entry of entries) {
      if (entry.name.endsWith('/')) continue;
      const header = entry.offset >= 0 && entry.offset + 30 <= entriesEnd ? await bytesAt(entry.offset, 30) : Buffer.alloc(0);
      const dataStart = header.length === 30 ? entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28) : 0;
      let read: ZipFileEntry['read'];
      if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) {
        read = () => ({ problem: 'no local header where the central directory says' });
      } else if (entry.flags & 1) {
        read = () => ({ problem: 'encrypted' });
      } else if (entry.size > options.maxEntryBytes || entry.size < 0) {
        read = () => ({ problem: `larger than ${options.maxEntryBytes} bytes` });
      } else if (entry.compressedSize < 0 || dataStart + entry.compressedSize > entriesEnd) {
        read = () => ({ problem: 'its compressed size runs past the end of the entries (a damaged or crafted archive)' });
      } else if (entry.compressedSize > options.maxEntryBytes) {
        read = () => ({ problem: `larger than ${options.maxEntryBytes} bytes compressed` });
      } else {
        const data = await bytesAt(dataStart, entry.compressedSize);
        read = () => {
          if (data.length < entry.compressedSize) return { problem: 'cut short (the archive is truncated)' };
          if (entry.method === 0) return { bytes: data };
          if (entry.method !== 8) return { problem: `compressed with method ${entry.method}, which herowatch does not read` };
          try {
            return { bytes: inflateRawSync(data, { maxOutputLength: options.maxEntryBytes }) };
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            return {
              problem: code === 'ERR_BUFFER_TOO_LARGE' ? `larger than ${options.maxEntryBytes} bytes` : `cannot be decompressed (${(error as Error).message})`,
            };
          }
        };
      }
      yield { name: entry.name, size: entry.size, read };
    }
  } finally {
    await file.close();
  }
}
