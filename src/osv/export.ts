import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable } from 'node:stream';
import type * as Undici from 'undici';
import { UpstreamError } from '../errors.js';

/**
 * The public OSV export (a storage bucket over HTTPS): per ecosystem,
 * `<ecosystem>/all.zip` with every advisory, `<ecosystem>/modified_id.csv`
 * listing `<modified>,<id>` newest first, and `<ecosystem>/<id>.json`.
 * herowatch reads it with nothing but GETs; nothing it sends is secret.
 */
export const OSV_EXPORT_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

/** The largest per-ecosystem archive herowatch downloads (npm's, with the malicious-package reports, is the largest by far). */
export const MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024;
const MAX_INDEX_BYTES = 256 * 1024 * 1024;
const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

let undici: Promise<typeof Undici> | undefined;

/** One modified advisory, as the export's index lists it. */
export interface ModifiedEntry {
  modified: string;
  id: string;
}

function urlOf(base: string, ...parts: string[]): string {
  return `${base.replace(/\/+$/, '')}/${parts.map(encodeURIComponent).join('/')}`;
}

/** A public source of advisory data read with GETs: its error code, and how messages name it. */
export interface PublicSource {
  code: 'HW_OSV_UNAVAILABLE' | 'HW_PRIORITIES_UNAVAILABLE';
  /** `the advisory export`, `the feed`. */
  name: string;
  /** What a 404 means there, when it says more than the status. */
  notFound?: string;
}

const OSV_SOURCE: PublicSource = { code: 'HW_OSV_UNAVAILABLE', name: 'the advisory export', notFound: 'the ecosystem or file is not there' };

/** A GET of a public source (nothing sent is secret): its response when it answers 200, else an UpstreamError that says why. */
export async function getPublic(url: string, source: PublicSource): Promise<Undici.Dispatcher.ResponseData> {
  const { request } = await (undici ??= import('undici'));
  let response: Undici.Dispatcher.ResponseData;
  try {
    // undici's request follows no redirect: the source answers 200 or it is an error.
    response = await request(url, { method: 'GET', headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  } catch (error) {
    const cause = error as { code?: string; message?: string };
    throw new UpstreamError(source.code, `Could not reach ${source.name} at ${new URL(url).origin} (${cause.code ?? cause.message ?? 'network error'}).`);
  }
  if (response.statusCode !== 200) {
    await response.body.dump().catch(() => {});
    const name = source.name[0]!.toUpperCase() + source.name.slice(1);
    throw new UpstreamError(
      source.code,
      `${name} answered ${response.statusCode} for ${url}${response.statusCode === 404 && source.notFound ? `: ${source.notFound}` : ''}.`,
    );
  }
  return response;
}

function get(url: string): Promise<Undici.Dispatcher.ResponseData> {
  return getPublic(url, OSV_SOURCE);
}

function bounded(url: string, maxBytes: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) done(new UpstreamError('HW_OSV_UNAVAILABLE', `${url} is larger than ${maxBytes} bytes: herowatch stopped reading it.`));
      else done(null, chunk);
    },
  });
}

async function text(url: string, maxBytes: number): Promise<string> {
  const response = await get(url);
  const chunks: Buffer[] = [];
  try {
    const collect = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await pipeline(response.body, bounded(url, maxBytes), collect);
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError('HW_OSV_UNAVAILABLE', `The advisory export cut ${url} short (${(error as Error).message}).`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Downloads `<ecosystem>/all.zip` to `path`, streamed to disk (never held in memory). */
export async function downloadArchive(base: string, ecosystem: string, path: string, maxBytes = MAX_ARCHIVE_BYTES): Promise<{ url: string; bytes: number }> {
  const url = urlOf(base, ecosystem, 'all.zip');
  const response = await get(url);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw new UpstreamError('HW_OSV_UNAVAILABLE', `${url} is ${declared} bytes, more than herowatch downloads (${maxBytes}).`);
  }
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(response.body, bounded(url, maxBytes), count, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError('HW_OSV_UNAVAILABLE', `The download of ${url} failed (${(error as Error).message}).`);
  }
  return { url, bytes };
}

/**
 * The export's index of `ecosystem`: the advisories modified at or after `since`
 * (all of them when null), newest first. Lines that are not
 * `<timestamp>,<id>` (a header) are passed over.
 */
export async function modifiedSince(base: string, ecosystem: string, since: string | null): Promise<{ url: string; entries: ModifiedEntry[] }> {
  const url = urlOf(base, ecosystem, 'modified_id.csv');
  const body = await text(url, MAX_INDEX_BYTES);
  const after = since === null ? -Infinity : Date.parse(since);
  const entries: ModifiedEntry[] = [];
  for (const line of body.split('\n')) {
    const comma = line.indexOf(',');
    if (comma < 0) continue;
    const modified = line.slice(0, comma).trim();
    const id = line.slice(comma + 1).trim();
    const at = Date.parse(modified);
    if (!Number.isFinite(at) || !/^[A-Za-z0-9._:-]+$/.test(id)) continue;
    // From the same instant on: two advisories modified in one second may straddle the last import.
    if (at >= after) entries.push({ modified, id });
  }
  return { url, entries };
}

/** One advisory's JSON, as text (the caller validates it). */
export async function advisoryJson(base: string, ecosystem: string, id: string): Promise<string> {
  return text(urlOf(base, ecosystem, `${id}.json`), MAX_RECORD_BYTES);
}
