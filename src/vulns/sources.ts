import { createReadStream } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { DEFAULT_SCAN_LIMITS, ScanCollector, ScanLimitError, type ScanLimits, type ScanResult } from './scan.js';

/**
 * Scans a gzipped tarball (a Heroku slug: the app under `./app/`) as it
 * streams: nothing is extracted to disk and no file is held in memory but
 * the package files themselves. Throws ScanLimitError when the whole passes
 * a bound.
 */
export async function scanTarball(input: Readable, limits: ScanLimits = DEFAULT_SCAN_LIMITS): Promise<ScanResult> {
  const collector = new ScanCollector(limits);
  let compressed = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      compressed += chunk.length;
      done(null, chunk);
    },
  });
  let failure: Error | null = null;
  const parser = new Parser({
    strict: false,
    onReadEntry: (entry: ReadEntry) => {
      if (failure || (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile')) {
        entry.resume();
        return;
      }
      let sink;
      try {
        sink = collector.open(entry.path, entry.size ?? null);
      } catch (error) {
        failure = error as Error;
      }
      if (!sink) {
        entry.resume();
        return;
      }
      entry.on('data', (chunk: Buffer) => {
        try {
          sink.write(chunk);
        } catch (error) {
          failure ??= error as Error;
        }
      });
      entry.on('end', () => sink.end());
    },
  });
  const gunzip = createGunzip();
  // Every byte the archive inflates to counts against the bounds, those of entries passed by too: a slug of a few
  // megabytes must not make the scan inflate gigabytes it never keeps.
  const stopper = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        collector.account(chunk.length, compressed);
      } catch (error) {
        failure ??= error as Error;
      }
      done(failure, chunk);
    },
  });
  try {
    await pipeline(input, counter, gunzip, stopper, parser as unknown as NodeJS.WritableStream);
  } catch (error) {
    if (failure) throw failure;
    if (error instanceof ScanLimitError) throw error;
    throw new Error(`not a readable gzipped tarball (${(error as Error).message})`, { cause: error });
  }
  if (failure) throw failure;
  return collector.finish();
}

/**
 * Scans a folder (a checkout, an unpacked slug): symbolic links are not
 * followed, so nothing outside it is read.
 */
export async function scanFolder(root: string, limits: ScanLimits = DEFAULT_SCAN_LIMITS): Promise<ScanResult> {
  const collector = new ScanCollector(limits);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        collector.open(`${relative(root, path)}/`, 0);
        await walk(path);
      } else if (entry.isFile()) {
        const sink = collector.open(relative(root, path), (await lstat(path)).size);
        if (!sink) continue;
        for await (const chunk of createReadStream(path)) {
          collector.account((chunk as Buffer).length);
          sink.write(chunk as Buffer);
        }
        sink.end();
      }
    }
  };
  await walk(root);
  return collector.finish();
}

/** Scans one package file (a lockfile), read as if it stood alone in a folder. */
export async function scanFile(path: string, name: string, limits: ScanLimits = DEFAULT_SCAN_LIMITS): Promise<ScanResult> {
  const collector = new ScanCollector(limits);
  const sink = collector.open(name, (await lstat(path)).size);
  if (sink) {
    for await (const chunk of createReadStream(path)) {
      collector.account((chunk as Buffer).length);
      sink.write(chunk as Buffer);
    }
    sink.end();
  }
  return collector.finish();
}

/** Whether a file starts as gzip does. */
export async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
