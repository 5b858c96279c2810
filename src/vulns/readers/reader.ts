import { parse as parseTomlText } from 'smol-toml';
import type { EcosystemName } from '../ecosystems.js';
import type { Evidence, PackageRecord, PackageSource } from '../packages.js';

/** A file a reader is given: its path inside what is scanned, and its text. */
export interface ScannedFile {
  path: string;
  text: string;
}

/** The other candidate files of the scan, by path (a lockfile's manifest beside it). */
export type Siblings = (path: string) => string | undefined;

/**
 * One file format: which paths it reads (by their end, so the reader never
 * sees a file it did not ask for), what its packages prove, and the reading.
 * A reader throws on a file it cannot read; the scan turns that into a gap.
 */
export interface PackageReader {
  format: string;
  evidence: Evidence;
  matches(path: string): boolean;
  read(file: ScannedFile, siblings: Siblings): { packages: PackageRecord[]; format?: string };
}

/**
 * A file's lines, split at every line terminator (`\r\n`, `\n`, `\r`, and
 * the line and paragraph separators a regular expression's `.` and `$`
 * treat as ends of lines), so that no line holds one. Readers go line by
 * line, then trim and cut at known characters: every reading is linear in
 * the file, whatever it holds.
 */
export function textLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u2028\u2029]/);
}

/** `line` cut at its first comment marker, and trimmed. */
export function withoutComment(line: string, marker: string): string {
  const at = line.indexOf(marker);
  return (at === -1 ? line : line.slice(0, at)).trim();
}

/** The file's name, after the last slash. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The folder a path is in, with its trailing slash ('' at the top). */
export function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/**
 * `relative` from `folder` (a path in the scan, with or without its
 * trailing slash), `./` and `../` resolved; null when it climbs out of
 * the scanned files (what lies there was not deployed, and a file of the
 * same name at the top is another file).
 */
export function joinPath(folder: string, relative: string): string | null {
  const parts = folder.split('/').filter(Boolean);
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** Every key reachable from `roots` through `dependencies`. */
export function reachable(roots: Iterable<string>, dependencies: (key: string) => Iterable<string>): Set<string> {
  const reached = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (reached.has(key)) continue;
    reached.add(key);
    for (const next of dependencies(key)) if (!reached.has(next)) queue.push(next);
  }
  return reached;
}

/**
 * Which packages are needed only to develop, for lockfiles that do not mark
 * them: those the development roots reach and the production roots do not.
 * A package neither reaches (a stale entry) is not called dev-only.
 */
export function devOnly(productionRoots: Iterable<string>, developmentRoots: Iterable<string>, dependencies: (key: string) => Iterable<string>): Set<string> {
  const production = reachable(productionRoots, dependencies);
  return new Set([...reachable(developmentRoots, dependencies)].filter((key) => !production.has(key)));
}

export function record(ecosystem: EcosystemName, name: string, version: string | null, dev = false, source?: PackageSource): PackageRecord {
  return source ? { ecosystem, name, version, dev, source } : { ecosystem, name, version, dev };
}

/** Parses JSON, saying where it broke in words (the caller adds the path). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Parses TOML (Cargo.toml, poetry.lock, uv.lock, pyproject.toml), saying where it broke in words; `what` names the file. */
export function parseToml(text: string, what: string): Record<string, unknown> {
  try {
    return parseTomlText(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`not a valid ${what} (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
