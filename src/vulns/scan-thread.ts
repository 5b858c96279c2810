import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { scriptBeside } from '../script-path.js';
import type { Settings } from '../settings.js';
import { ScanLimitError, type ScanLimits, type ScanResult } from './scan.js';
import type { ScanInput, ScanJob, ScanOutput } from './scan-worker.js';
import { DEFAULT_SBOM_LIMITS, SbomError } from './sbom-import.js';

/**
 * Scans run in a thread of their own (scan-worker.ts), never on the event
 * loop of the process that asks: a slug or a lockfile is untrusted input,
 * and reading it is CPU work a server must not wait on. Each scan has a
 * time budget (the thread is stopped at it) and a heap of its own (one it
 * outgrows ends the scan, not the process), on top of the byte and entry
 * bounds of ScanLimits.
 */
export interface ScanBudget {
  /** The scan is stopped after this many milliseconds. */
  timeMs: number;
  /** The thread's heap, in megabytes. */
  heapMb: number;
}

/** The budget the settings give (`vulnerabilities.scan_time_limit`, `scan_memory_mb`). */
export function scanBudget(settings: Pick<Settings, 'vulnerabilities'>): ScanBudget {
  return { timeMs: settings.vulnerabilities.scan_time_limit, heapMb: settings.vulnerabilities.scan_memory_mb };
}

/** A scan stopped by its budget (time or memory): what it read is not trusted as complete. */
export class ScanBudgetError extends ScanLimitError {}

/** Chunks of a streamed tarball handed to the thread and not yet taken: the download waits beyond this. */
const IN_FLIGHT = 8;

export function scanTarballStream(input: Readable, limits: ScanLimits, budget: ScanBudget): Promise<ScanResult> {
  return inThread({ kind: 'tarball-stream', limits }, budget, input);
}

/** Reads an SBOM's text into its packages (see readSbom), in a thread of its own under the budget. */
export function readSbomInThread(text: string, budget: ScanBudget): Promise<ScanResult & { sbom: NonNullable<ScanResult['sbom']> }> {
  return inThread({ kind: 'sbom', text, limits: DEFAULT_SBOM_LIMITS }, budget) as Promise<ScanResult & { sbom: NonNullable<ScanResult['sbom']> }>;
}

export function scanPathInThread(job: Exclude<ScanJob, { kind: 'tarball-stream' }>, budget: ScanBudget): Promise<ScanResult> {
  return inThread(job, budget);
}

async function inThread(job: ScanJob, budget: ScanBudget, input?: Readable): Promise<ScanResult> {
  const { entry, execArgv } = scriptBeside(import.meta.url, 'scan-worker');
  const worker = new Worker(entry, { workerData: job, execArgv, resourceLimits: { maxOldGenerationSizeMb: budget.heapMb }, stdout: true, stderr: true });
  let taken: () => void = () => {};
  let inFlight = 0;
  const outcome = new Promise<ScanResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new ScanBudgetError(`the scan took longer than ${Math.round(budget.timeMs / 1000)} s and was stopped`));
      void worker.terminate();
    }, budget.timeMs);
    const packages: ScanResult['packages'] = [];
    worker.on('message', (message: ScanOutput) => {
      if ('taken' in message) {
        inFlight--;
        taken();
        return;
      }
      if ('packages' in message) {
        for (const item of message.packages) packages.push(item);
        // The next part in a later turn: whatever else waits (a request) goes first.
        setImmediate(() => worker.postMessage({ next: true } satisfies ScanInput));
        return;
      }
      clearTimeout(timer);
      if ('result' in message) resolve({ ...message.result, packages });
      else reject(message.sbom ? new SbomError(message.error) : message.limit ? new ScanLimitError(message.error) : new Error(message.error));
      void worker.terminate();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new ScanBudgetError(`the scan needed more than ${budget.heapMb} MB and was stopped`) : error);
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      reject(new Error('the scan stopped before it answered'));
    });
  });
  if (!input) return outcome;
  // The download goes on while the thread reads, never more than a few chunks ahead of it; it stops when the scan does.
  let settled = false;
  outcome
    .then(
      () => {},
      () => {},
    )
    .finally(() => {
      settled = true;
      taken();
    });
  try {
    for await (const chunk of input) {
      if (settled) break;
      worker.postMessage({ chunk: chunk as Uint8Array } satisfies ScanInput);
      if (++inFlight >= IN_FLIGHT && !settled) await new Promise<void>((resume) => (taken = resume));
    }
    if (!settled) worker.postMessage({ end: true } satisfies ScanInput);
  } catch (error) {
    // The download failed: that is the answer, whatever the thread says of the bytes it had.
    outcome.catch(() => {});
    void worker.terminate();
    throw error;
  }
  return outcome;
}
