import type { SyncProgress } from '../inventory/sync.js';

/**
 * A one-line progress display on a terminal's standard error; silent when
 * standard error is not a terminal (pipes and logs get the summary only).
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): { update(event: SyncProgress): void; done(): void } {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let shown = false;
  let bar = '';
  return {
    update(event) {
      const now = Date.now();
      if (event.type === 'rate-limit-wait') {
        if (now - last < 250) return;
        last = now;
        stream.write(`\r\u001b[2K${bar}${bar ? ' ' : ''}${rateLimitWaitText(event)}`);
        shown = true;
        return;
      }
      if (event.type !== 'progress') return;
      if (now - last < 100 && event.done !== event.total) return;
      last = now;
      const width = 24;
      const filled = event.total === 0 ? width : Math.round((event.done / event.total) * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.total}`;
      const phase = event.phase.length > 40 ? `${event.phase.slice(0, 39)}…` : event.phase;
      stream.write(`\r\u001b[2K${bar} ${phase}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}

/** What a wait for the rate limit looks like on the progress line. */
export function rateLimitWaitText(wait: { remaining: number; reserve: number; resumesInMs: number }): string {
  const seconds = Math.ceil(wait.resumesInMs / 1000);
  const resumes = seconds < 90 ? `${seconds}s` : `${Math.round(seconds / 60)} min`;
  return `waiting for the rate limit (${wait.remaining} left, reserve ${wait.reserve}, resumes in about ${resumes})`;
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
      const frequent = event.type === 'rate-limit-wait' || (event.type === 'progress' && event.done !== 0 && event.done !== event.total);
      if (frequent && now() - last < everyMs) return;
      if (event.type === 'progress' || event.type === 'rate-limit-wait') last = now();
      write(event);
    },
    done: () => {},
  };
}
