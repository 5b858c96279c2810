import type { PackageRecord } from '../packages.js';
import { record } from './reader.js';

/**
 * The build information a Go binary (Go 1.18 or later) carries: the Go
 * version it was built with and the module versions linked into it, found
 * by its marker while the binary streams past (nothing but the marker's
 * neighbourhood is kept). Binaries from older Go keep it behind pointers and
 * are reported as such rather than guessed at.
 */
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const KEEP = 64 * 1024;

export class GoBuildInfoSniffer {
  private tail = Buffer.alloc(0);
  private captured: Buffer[] | null = null;
  private capturedBytes = 0;

  push(chunk: Buffer): void {
    if (this.captured) {
      if (this.capturedBytes < KEEP) {
        this.captured.push(chunk.subarray(0, KEEP - this.capturedBytes));
        this.capturedBytes += Math.min(chunk.length, KEEP - this.capturedBytes);
      }
      return;
    }
    const window = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
    const at = window.indexOf(MAGIC);
    if (at !== -1) {
      const rest = window.subarray(at, at + KEEP);
      this.captured = [Buffer.from(rest)];
      this.capturedBytes = rest.length;
      return;
    }
    this.tail = Buffer.from(window.subarray(Math.max(0, window.length - (MAGIC.length - 1))));
  }

  /** The packages, null when the binary holds no Go build information; throws when it holds an unreadable one. */
  result(): PackageRecord[] | null {
    if (!this.captured) return null;
    return parseBuildInfo(Buffer.concat(this.captured));
  }
}

function varint(buffer: Buffer, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = offset; i < Math.min(buffer.length, offset + 10); i++) {
    const byte = buffer[i]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  throw new Error('a Go build information block that ends early');
}

export function parseBuildInfo(block: Buffer): PackageRecord[] {
  const flags = block[15] ?? 0;
  if ((flags & 0x2) === 0) throw new Error('a Go binary built before Go 1.18 (its module list is not stored inline, so it is not read)');
  let [length, offset] = varint(block, 32);
  const goVersion = block.subarray(offset, offset + length).toString('utf8');
  [length, offset] = varint(block, offset + length);
  let modinfo = block.subarray(offset, offset + length).toString('latin1');
  if (modinfo.length >= 32) modinfo = modinfo.slice(16, -16);
  const packages: PackageRecord[] = [];
  const go = /^go(\d+\.\d+(?:\.\d+)?)/.exec(goVersion);
  if (go) packages.push(record('Go', 'stdlib', go[1]!));
  let last: PackageRecord | null = null;
  for (const line of Buffer.from(modinfo, 'latin1').toString('utf8').split('\n')) {
    const [kind, path, version] = line.split('\t');
    // 'mod' is the binary's own module: the app, not a dependency.
    if (kind === 'dep' && path && version && version !== '(devel)') packages.push((last = record('Go', path, version)));
    else if (kind === '=>' && last && path && version) Object.assign(last, { name: path, version });
  }
  return packages;
}
