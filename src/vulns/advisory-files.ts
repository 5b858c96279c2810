import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ZipReadError, zipFileEntries } from '../zip/entries.js';
import { osvRecordSchema, type OsvRecord } from './osv.js';

/** One advisory file read: the record, or why it could not be, or (when the reader was told which revisions it has) that it is one of those. */
export type AdvisoryFile = { source: string; record: OsvRecord } | { source: string; problem: string } | { source: string; unchanged: string };

/** The revisions a reader already has (`modified` by advisory id): those records are not validated again. */
export type KnownRevisions = ReadonlyMap<string, string | null>;

/** An advisory larger than any real one is refused rather than parsed. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

function parseRecord(source: string, bytes: Uint8Array | string, known?: KnownRevisions): AdvisoryFile {
  if (bytes.length > MAX_RECORD_BYTES) return { source, problem: `larger than ${MAX_RECORD_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return { source, problem: `not valid JSON (${(error as Error).message})` };
  }
  if (known && typeof json === 'object' && json !== null) {
    const { id, modified } = json as { id?: unknown; modified?: unknown };
    if (typeof id === 'string' && typeof modified === 'string' && known.get(id) === modified) return { source, unchanged: id };
  }
  const parsed = osvRecordSchema.safeParse(json);
  if (!parsed.success) return { source, problem: `not an OSV record (${parsed.error.issues[0]?.path.join('.') || 'top'}: ${parsed.error.issues[0]?.message})` };
  return { source, record: parsed.data };
}

/**
 * The OSV records of a zip (the export's per-ecosystem `all.zip`), entry by
 * entry: the archive is never held whole.
 */
async function* zipRecords(path: string, known?: KnownRevisions): AsyncGenerator<AdvisoryFile> {
  try {
    for await (const entry of zipFileEntries(path, { maxEntryBytes: MAX_RECORD_BYTES })) {
      if (!entry.name.endsWith('.json')) continue;
      const source = `${path}!/${entry.name}`;
      const read = entry.read();
      yield 'problem' in read ? { source, problem: read.problem } : parseRecord(source, read.bytes, known);
    }
  } catch (error) {
    if (error instanceof ZipReadError) throw new ZipReadError(`${path} is not a readable zip (${error.message})`, { cause: error });
    throw error;
  }
}

/**
 * Every OSV record under `path`: a JSON file, a zip of JSON files, or a
 * folder of either (read in name order, sub-folders included).
 */
export async function* advisoryFiles(path: string, known?: KnownRevisions): AsyncGenerator<AdvisoryFile> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.isDirectory() || /\.(json|zip)$/i.test(entry.name)) yield* advisoryFiles(join(path, entry.name), known);
    }
    return;
  }
  if (/\.zip$/i.test(path)) {
    yield* zipRecords(path, known);
    return;
  }
  if (info.size > MAX_RECORD_BYTES) {
    yield { source: path, problem: `larger than ${MAX_RECORD_BYTES} bytes` };
    return;
  }
  let text = '';
  for await (const chunk of createReadStream(path, 'utf8')) text += chunk as string;
  yield parseRecord(path, text, known);
}
