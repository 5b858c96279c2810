import type { SyncProgress } from '../inventory/sync.js';

/**
 * A one-line progress display on a terminal's standard error; silent when
 * standard error is not a terminal (pipes and logs get the summary only).
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): { update(event: SyncProgress): void; done(): void } {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let shown = false;
  return {
    update(event) {
      if (event.type !== 'progress') return;
      const now = Date.now();
      if (now - last < 100 && event.done !== event.total) return;
      last = now;
      const width = 24;
      const filled = event.total === 0 ? width : Math.round((event.done / event.total) * width);
      const phase = event.phase.length > 40 ? `${event.phase.slice(0, 39)}…` : event.phase;
      stream.write(`\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.total} ${phase}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}

/**
 * Progress as JSON lines: every event but `progress` as it comes; `progress`
 * at the start and end of each phase and at most every `everyMs` between
 * (a large sync has thousands of steps, and a line each would cost more than
 * it tells).
 */
export function progressJson(write: (event: SyncProgress) => void, options: { everyMs?: number; now?: () => number } = {}): { update(event: SyncProgress): void; done(): void } {
  const everyMs = options.everyMs ?? 250;
  const now = options.now ?? Date.now;
  let last = -Infinity;
  return {
    update(event) {
      if (event.type === 'progress' && event.done !== 0 && event.done !== event.total) {
        if (now() - last < everyMs) return;
      }
      if (event.type === 'progress') last = now();
      write(event);
    },
    done: () => {},
  };
}
