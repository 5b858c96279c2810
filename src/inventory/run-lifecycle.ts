import { ConflictError } from '../errors.js';
import type { Store } from '../store/database.js';
import type { SyncMode } from '../store/schema.js';
import { failRun, markInterrupted, recoverInterruptedRuns, renewLease, startRun, type RunRow } from '../store/runs.js';

/** How long a run's lease lasts unless renewed; its heartbeat renews it three times as often. */
export const DEFAULT_RUN_LEASE_MS = 60_000;

/** Raised when another run of the same connection still holds its lease. */
export class SyncAlreadyRunning extends ConflictError {
  constructor(
    readonly runId: number,
    pid: number,
    host: string,
  ) {
    super('HW_SYNC_RUNNING', `Sync run ${runId} of this connection is still running (pid ${pid} on ${host}); wait for it to finish.`);
  }
}

/** How a run that did not complete ended. */
export type RunEnding = 'failed' | 'incomplete' | 'interrupted';

/** A run in progress: its id, the dead runs recovered before it, and how it ends when it does not complete. */
export interface ActiveRun {
  id: number;
  /** Runs of the connection found dead (lease run out) and marked interrupted before this one started. */
  recovered: number[];
  /** Ends the run as failed, incomplete or interrupted, discarding what it wrote; stops the heartbeat. */
  abandon(error: string, stats: Partial<RunRow>, ending: RunEnding): Promise<void>;
  /** Stops the heartbeat (call once the run is recorded complete). */
  release(): void;
}

/**
 * The one lifecycle of every run (inventory and audit-only alike): dead
 * runs are recovered first, a live one blocks, the run starts holding a
 * lease, a heartbeat renews it, and it ends complete (by its writer),
 * failed or interrupted.
 */
export async function beginRun(
  store: Store,
  connectionId: number,
  kind: 'inventory' | 'audit',
  options: { startedAt: Date; leaseMs?: number; mode?: SyncMode },
): Promise<ActiveRun> {
  const leaseMs = options.leaseMs ?? DEFAULT_RUN_LEASE_MS;
  const { interrupted, running } = await recoverInterruptedRuns(store, connectionId);
  if (running) throw new SyncAlreadyRunning(running.id, running.pid, running.host);
  const id = await startRun(store, connectionId, options.startedAt, kind, leaseMs, options.mode);
  const beat = setInterval(() => void renewLease(store, id, leaseMs).catch(() => {}), Math.max(1, Math.floor(leaseMs / 3)));
  beat.unref();
  return {
    id,
    recovered: interrupted,
    async abandon(error, stats, ending) {
      clearInterval(beat);
      await failRun(store, connectionId, id, error, stats, ending === 'incomplete' ? 'incomplete' : 'failed');
      if (ending === 'interrupted') await markInterrupted(store, id);
    },
    release: () => clearInterval(beat),
  };
}
