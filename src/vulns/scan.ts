import type { SbomFacts } from './sbom-import.js';
import { InputError, type ErrorOptions } from '../errors.js';
import { printable } from '../text.js';
import { unzipSync } from 'fflate';
import { isCompanionFile, isJavaArchive, isRequirementsIncludeCandidate, readerFor } from './readers/index.js';
import { GoBuildInfoSniffer } from './readers/go-binary.js';
import { byCodePoint, mergePackages, type FileResult, type Package } from './packages.js';

/**
 * What a scan may cost: everything scanned (a slug, a lockfile, a folder)
 * is untrusted, so sizes, counts and depths are bounded, and what passes a
 * bound costs a gap, never the process.
 */
export interface ScanLimits {
  /** Entries (files and folders) in the whole scan. */
  entries: number;
  /** Bytes after decompression, in the whole scan. */
  bytes: number;
  /** Decompressed over compressed bytes, once past `ratioAfterBytes`. */
  ratio: number;
  ratioAfterBytes: number;
  /** Folders deep. */
  depth: number;
  /** A package file read whole (lockfiles, metadata). */
  fileBytes: number;
  /** A jar, war or ear read whole (their table of contents is at the end). */
  archiveBytes: number;
  /** Jars inside jars inside ... */
  archiveDepth: number;
  /** Packages in the whole scan, once merged: far more than any app holds, few enough for what comes after (matching, storing) to stay quick. */
  packages: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  entries: 1_000_000,
  bytes: 8 * 1024 ** 3,
  ratio: 100,
  ratioAfterBytes: 16 * 1024 ** 2,
  depth: 64,
  fileBytes: 64 * 1024 ** 2,
  archiveBytes: 128 * 1024 ** 2,
  archiveDepth: 3,
  packages: 100_000,
};

/**
 * The version of the rules a scan reads slugs by: a slug read under older
 * rules is read again (its packages could differ), one read under these is
 * never downloaded twice. Raise it when a reader learns something new
 * (2: packages not from a registry, with their sources; Python markers;
 * requirements includes; Cargo's dev-only crates).
 */
export const SCANNER_RULES = '2';

/** A text file kept in case a requirements file includes it: at most this size, and this much of them in all. */
const INCLUDE_BYTES = 256 * 1024;
const INCLUDES_TOTAL = 4 * 1024 * 1024;

/** A jar's pom.properties is a few lines: a larger one is not read. */
const POM_PROPERTIES_BYTES = 64 * 1024;

/** A file or archive that could not be read, and why. */
export interface ScanGap {
  path: string;
  reason: string;
}

export interface ScanResult {
  packages: Package[];
  /** Every package file read, with its format and what it proved, used or set aside. */
  files: { path: string; format: string; evidence: FileResult['evidence']; packages: number; used: boolean }[];
  gaps: ScanGap[];
  entries: number;
  bytes: number;
  /** What an imported SBOM said of itself, when the packages came from one. */
  sbom?: SbomFacts;
}

/** The scan was stopped by a bound on the whole (too many entries, too many bytes): nothing it read is trusted as complete. */
export class ScanLimitError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_SCAN_LIMIT', message, options);
  }
}

/** Receives one file's bytes as they come; `end` once they are all there. */
export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void;
}

/**
 * Collects what a scan needs from a stream of entries (a tarball's, a
 * folder's): package files whole, jars whole (bounded), Go binaries through
 * a sniffer; every other file is skipped without being kept. `finish` reads
 * the package files and merges what they say.
 */
export class ScanCollector {
  private readonly texts = new Map<string, string>();
  private readonly binaries: FileResult[] = [];
  private includeBytes = 0;
  readonly gaps: ScanGap[] = [];
  entries = 0;
  bytes = 0;

  constructor(private readonly limits: ScanLimits = DEFAULT_SCAN_LIMITS) {}

  /** Counts decompressed bytes against the bounds (`compressed`: what came in, when known). */
  account(bytes: number, compressed?: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.bytes) throw new ScanLimitError(`more than ${this.limits.bytes} bytes once decompressed`);
    if (compressed !== undefined && this.bytes > this.limits.ratioAfterBytes && this.bytes > compressed * this.limits.ratio) {
      throw new ScanLimitError(`it decompresses more than ${this.limits.ratio} times its size (a decompression bomb?)`);
    }
  }

  /**
   * An entry at `rawPath` of `size` bytes (null when unknown): a sink for
   * its bytes when the scan wants them, null to skip it.
   */
  open(rawPath: string, size: number | null): EntrySink | null {
    if (++this.entries > this.limits.entries) throw new ScanLimitError(`more than ${this.limits.entries} entries`);
    const path = cleanPath(rawPath);
    if (path === null) {
      this.gaps.push({ path: printable(rawPath), reason: 'a path that leaves the scanned folder or holds control characters: skipped' });
      return null;
    }
    if (path.split('/').length > this.limits.depth) {
      this.gaps.push({ path, reason: `nested more than ${this.limits.depth} folders deep: skipped` });
      return null;
    }
    if (readerFor(path) || isCompanionFile(path)) return this.whole(path, size, this.limits.fileBytes, (bytes) => this.texts.set(path, bytes.toString('utf8')));
    if (isRequirementsIncludeCandidate(path)) return this.includeCandidate(path, size);
    if (isJavaArchive(path)) return this.whole(path, size, this.limits.archiveBytes, (bytes) => this.archive(path, bytes, 1));
    return this.sniff(path);
  }

  /**
   * A small text file a requirements file might include: kept quietly (it
   * is no package file of its own), up to INCLUDE_BYTES each and
   * INCLUDES_TOTAL in all; past those it passes by, as any other file.
   */
  private includeCandidate(path: string, size: number | null): EntrySink | null {
    if ((size !== null && size > INCLUDE_BYTES) || this.includeBytes >= INCLUDES_TOTAL) return null;
    const chunks: Buffer[] = [];
    let length = 0;
    return {
      write: (chunk) => {
        if (length > INCLUDE_BYTES || this.includeBytes + chunk.length > INCLUDES_TOTAL) {
          length = INCLUDE_BYTES + 1;
          chunks.length = 0;
          return;
        }
        length += chunk.length;
        this.includeBytes += chunk.length;
        chunks.push(chunk);
      },
      end: () => {
        if (length <= INCLUDE_BYTES) this.texts.set(path, Buffer.concat(chunks, length).toString('utf8'));
      },
    };
  }

  private whole(path: string, size: number | null, limit: number, done: (bytes: Buffer) => void): EntrySink | null {
    if (size !== null && size > limit) {
      this.gaps.push({ path, reason: `${size} bytes, more than the ${limit} read whole: skipped` });
      return null;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    return {
      write: (chunk) => {
        if (over) return;
        length += chunk.length;
        if (length > limit) {
          over = true;
          chunks.length = 0;
          this.gaps.push({ path, reason: `more than the ${limit} bytes read whole: skipped` });
          return;
        }
        chunks.push(chunk);
      },
      end: () => {
        if (!over) done(Buffer.concat(chunks, length));
      },
    };
  }

  /** Any other file: a Go binary (an ELF file holding build information) is read on the fly; the rest passes by. */
  private sniff(path: string): EntrySink | null {
    let sniffer: GoBuildInfoSniffer | null | undefined;
    return {
      write: (chunk) => {
        if (sniffer === undefined) sniffer = chunk.subarray(0, 4).toString('latin1') === '\x7fELF' ? new GoBuildInfoSniffer() : null;
        sniffer?.push(chunk);
      },
      end: () => {
        if (!sniffer) return;
        try {
          const packages = sniffer.result();
          if (packages) this.binaries.push({ path, format: 'Go binary build information', evidence: 'binary', packages });
        } catch (error) {
          this.gaps.push({ path, reason: (error as Error).message });
        }
      },
    };
  }

  /** A jar's pom.properties, and the jars inside it, read from its bytes. */
  private archive(path: string, bytes: Buffer, depth: number): void {
    let entries: Record<string, Uint8Array>;
    try {
      let count = 0;
      // What the entries taken will inflate to, counted before any is inflated (their declared sizes; fflate stops at them).
      let inflating = 0;
      entries = unzipSync(bytes, {
        filter: (file) => {
          if (++count > this.limits.entries) throw new Error(`more than ${this.limits.entries} entries`);
          const properties = /(^|\/)META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(file.name);
          const wanted = properties
            ? file.originalSize <= POM_PROPERTIES_BYTES
            : isJavaArchive(file.name) && depth < this.limits.archiveDepth && file.originalSize <= this.limits.archiveBytes;
          if (!wanted) return false;
          inflating += file.originalSize;
          if (this.bytes + inflating > this.limits.bytes) throw new ScanLimitError(`more than ${this.limits.bytes} bytes once decompressed`);
          if (inflating > this.limits.archiveBytes) throw new Error(`its entries inflate to more than ${this.limits.archiveBytes} bytes`);
          return true;
        },
      });
    } catch (error) {
      if (error instanceof ScanLimitError) throw error;
      this.gaps.push({ path, reason: `not a readable jar (${(error as Error).message})` });
      return;
    }
    for (const [name, content] of Object.entries(entries)) {
      const inner = `${path}!/${name}`;
      if (cleanPath(name) === null) {
        this.gaps.push({ path: printable(inner), reason: 'a path that leaves the archive or holds control characters: skipped' });
        continue;
      }
      this.account(content.length);
      if (isJavaArchive(name)) this.archive(inner, Buffer.from(content.buffer, content.byteOffset, content.length), depth + 1);
      else this.texts.set(inner, Buffer.from(content).toString('utf8'));
    }
  }

  /** Reads the package files collected and merges their packages; a file that cannot be read is a gap. */
  finish(): ScanResult {
    const results: FileResult[] = [...this.binaries];
    const siblings = (path: string) => this.texts.get(path);
    for (const [path, text] of this.texts) {
      const reader = readerFor(path);
      if (!reader) continue;
      try {
        const read = reader.read({ path, text }, siblings);
        results.push({
          path,
          format: read.format ?? reader.format,
          evidence: reader.evidence,
          packages: read.packages.map(safeRecord).filter((p) => p.name !== ''),
        });
      } catch (error) {
        results.push({ path, format: reader.format, evidence: reader.evidence, packages: [], problem: (error as Error).message });
        this.gaps.push({ path, reason: `${reader.format} that could not be read: ${printable((error as Error).message).slice(0, 300)}` });
      }
    }
    const { packages, used, setAside } = mergePackages(results);
    if (packages.length > this.limits.packages) throw new ScanLimitError(`more than ${this.limits.packages} packages`);
    const usedPaths = new Set(used.map((f) => f.path));
    return {
      packages,
      files: [...used, ...setAside]
        .map((f) => ({ path: f.path, format: f.format, evidence: f.evidence, packages: f.packages.length, used: usedPaths.has(f.path) }))
        .sort((a, b) => byCodePoint(a.path, b.path)),
      gaps: this.gaps,
      entries: this.entries,
      bytes: this.bytes,
    };
  }
}

/**
 * A path inside what is scanned, without `./` or leading slashes; null when
 * it climbs out (`..`) or holds control characters (nothing is written to
 * disk, but such a name is printed nowhere as it is).
 */
export function cleanPath(path: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return null;
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) return null;
  return parts.join('/');
}

/** Names and versions from a file are data: bounded and printable, whatever the file holds. */
function safeRecord<T extends { name: string; version: string | null }>(record: T): T {
  return { ...record, name: printable(record.name.trim(), 214), version: record.version === null ? null : printable(record.version.trim(), 128) };
}
