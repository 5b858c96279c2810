import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import { osvRecordSchema, type OsvRecord } from './osv.js';

/** One advisory file read: the record, or why it could not be. */
export type AdvisoryFile = { source: string; record: OsvRecord } | { source: string; problem: string };

/** An advisory larger than any real one is refused rather than parsed. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

function parseRecord(source: string, bytes: Uint8Array | string): AdvisoryFile {
  if (bytes.length > MAX_RECORD_BYTES) return { source, problem: `larger than ${MAX_RECORD_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return { source, problem: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = osvRecordSchema.safeParse(json);
  if (!parsed.success) return { source, problem: `not an OSV record (${parsed.error.issues[0]?.path.join('.') || 'top'}: ${parsed.error.issues[0]?.message})` };
  return { source, record: parsed.data };
}

/**
 * The OSV records of a zip (the export's per-ecosystem `all.zip`), entry by
 * entry as the file streams: the archive is never held whole.
 */
async function* zipRecords(path: string): AsyncGenerator<AdvisoryFile> {
  const ready: AdvisoryFile[] = [];
  let failure: Error | null = null;
  const unzip = new Unzip((file) => {
    if (!file.name.endsWith('.json')) return;
    if (file.originalSize !== undefined && file.originalSize > MAX_RECORD_BYTES) {
      ready.push({ source: `${path}!/${file.name}`, problem: `larger than ${MAX_RECORD_BYTES} bytes` });
      return;
    }
    const chunks: Uint8Array[] = [];
    let length = 0;
    file.ondata = (error, data, final) => {
      if (error) {
        ready.push({ source: `${path}!/${file.name}`, problem: `cannot be decompressed (${error.message})` });
        return;
      }
      length += data.length;
      if (length <= MAX_RECORD_BYTES) chunks.push(data);
      if (final) ready.push(length > MAX_RECORD_BYTES ? { source: `${path}!/${file.name}`, problem: `larger than ${MAX_RECORD_BYTES} bytes` } : parseRecord(`${path}!/${file.name}`, Buffer.concat(chunks)));
    };
    try {
      file.start();
    } catch (error) {
      failure = error as Error;
    }
  });
  unzip.register(UnzipInflate);
  for await (const chunk of createReadStream(path)) {
    try {
      unzip.push(chunk as Buffer);
    } catch (error) {
      throw new Error(`${path} is not a readable zip (${(error as Error).message})`, { cause: error });
    }
    if (failure) throw new Error(`${path} is not a readable zip (${(failure as Error).message})`);
    yield* ready.splice(0);
  }
  unzip.push(new Uint8Array(0), true);
  yield* ready.splice(0);
}

/**
 * Every OSV record under `path`: a JSON file, a zip of JSON files, or a
 * folder of either (read in name order, sub-folders included).
 */
export async function* advisoryFiles(path: string): AsyncGenerator<AdvisoryFile> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.isDirectory() || /\.(json|zip)$/i.test(entry.name)) yield* advisoryFiles(join(path, entry.name));
    }
    return;
  }
  if (/\.zip$/i.test(path)) {
    yield* zipRecords(path);
    return;
  }
  if (info.size > MAX_RECORD_BYTES) {
    yield { source: path, problem: `larger than ${MAX_RECORD_BYTES} bytes` };
    return;
  }
  let text = '';
  for await (const chunk of createReadStream(path, 'utf8')) text += chunk as string;
  yield parseRecord(path, text);
}
