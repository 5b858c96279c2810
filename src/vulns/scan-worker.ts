/**
 * The thread a scan runs in (see scan-thread.ts): gunzipping, walking the
 * tarball, reading every package file and merging what they say are CPU
 * work on untrusted input, kept off the event loop of the process that
 * asked (a server keeps answering). Its parent stops it at a time budget,
 * and its heap is bounded when it is started.
 */
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { ScanLimitError, type ScanLimits, type ScanResult } from './scan.js';
import { scanFile, scanFolder, scanTarball } from './sources.js';
import { readSbom, SbomError, type SbomLimits } from './sbom-import.js';

export type ScanJob =
  | { kind: 'tarball-stream'; limits: ScanLimits }
  | { kind: 'tarball-file'; path: string; limits: ScanLimits }
  | { kind: 'folder'; path: string; limits: ScanLimits }
  | { kind: 'file'; path: string; name: string; limits: ScanLimits }
  | { kind: 'sbom'; text: string; limits: SbomLimits };

/** From the parent: the tarball's bytes, as they come, then their end; once the result comes, a call for each next part of it. */
export type ScanInput = { chunk: Uint8Array } | { end: true } | { next: true };

/**
 * To the parent: a chunk taken (for flow control); then the packages found,
 * a part at a time (the parent reads each part between other work, where
 * one message of them all would hold its event loop while it is read), and
 * the rest of the result; or why there is none.
 */
export type ScanOutput =
  { taken: true } | { packages: ScanResult['packages'] } | { result: Omit<ScanResult, 'packages'> } | { error: string; limit: boolean; sbom?: boolean };

/** Packages per message to the parent. */
const PART = 2_000;

const job = workerData as ScanJob;
const port = parentPort!;

async function run(): Promise<ScanResult> {
  if (job.kind === 'folder') return scanFolder(job.path, job.limits);
  if (job.kind === 'file') return scanFile(job.path, job.name, job.limits);
  if (job.kind === 'tarball-file') return scanTarball(createReadStream(job.path), job.limits);
  if (job.kind === 'sbom') {
    const { packages, ...facts } = readSbom(job.text, job.limits);
    return {
      packages,
      files: [
        {
          path: `SBOM (${facts.format})`,
          format: facts.tool ? `${facts.format}, written by ${facts.tool}` : facts.format,
          evidence: 'sbom',
          packages: packages.length,
          used: true,
        },
      ],
      gaps: facts.skipped.map((s) => ({ path: 'SBOM', reason: `${s.count} ${s.reason}: not matched` })),
      entries: facts.components,
      bytes: Buffer.byteLength(job.text),
      sbom: facts,
    };
  }
  const input = new PassThrough();
  port.on('message', (message: ScanInput) => {
    if ('end' in message) input.end();
    else if ('chunk' in message) input.write(message.chunk, () => port.postMessage({ taken: true } satisfies ScanOutput));
  });
  return scanTarball(input, job.limits);
}

run().then(
  ({ packages, ...rest }) => {
    // One part, then the next when the parent asks: each is read in a turn of its event loop of its own.
    let at = 0;
    const send = (): void => {
      if (at < packages.length) port.postMessage({ packages: packages.slice(at, (at += PART)) } satisfies ScanOutput);
      else port.postMessage({ result: rest } satisfies ScanOutput);
    };
    port.on('message', (message: ScanInput) => {
      if ('next' in message) send();
    });
    send();
  },
  (error: unknown) =>
    port.postMessage({ error: (error as Error).message, limit: error instanceof ScanLimitError, sbom: error instanceof SbomError } satisfies ScanOutput),
);
