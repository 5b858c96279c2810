import type { SyncEstimate } from '../inventory/estimate.js';
import type { SyncProgress } from '../inventory/sync.js';

/**
 * Progress for a log (standard error that is not a terminal: a pipe, a CI
 * log, a platform's log drain): the estimates, each phase as it starts,
 * and every `everyMs` a line of where the sync is, so a long sync (or one
 * waiting on a Heroku that does not answer) never goes quiet for minutes.
 */
export function progressLog(
  write: (line: string) => void,
  options: { everyMs?: number; now?: () => number } = {},
): { update(event: SyncProgress): void; done(): void } {
  const everyMs = options.everyMs ?? 30_000;
  const now = options.now ?? Date.now;
  let phase = '';
  let state = '';
  let phaseStarted = now();
  let told: SyncEstimate | null = null;
  let lastLine = now();
  const line = (text: string): void => {
    lastLine = now();
    write(text);
  };
  const ticker = setInterval(
    () => {
      if (state && now() - lastLine >= everyMs) line(`  ${state} (${aboutDuration(now() - phaseStarted)} in this step)`);
    },
    Math.min(everyMs, 1000),
  );
  ticker.unref();
  return {
    update(event) {
      if (event.type === 'estimate') {
        if (told && Math.abs(event.seconds - told.seconds) <= Math.max(10, told.seconds * 0.2)) return;
        told = event;
        line(estimateText(event));
      } else if (event.type === 'rate-limit-wait') {
        state = rateLimitWaitText(event);
      } else if (event.type === 'start') {
        line(`Sync run ${event.runId} started.`);
      } else if (event.type === 'progress') {
        state = `${event.phase}: ${event.done}/${event.total}`;
        if (event.phase !== phase) {
          phase = event.phase;
          phaseStarted = now();
          line(`  ${state}`);
        }
      }
    },
    done() {
      clearInterval(ticker);
    },
  };
}

/**
 * A one-line progress display on a terminal's standard error; silent when
 * standard error is not a terminal (progressLog writes lines there).
 * The line never stands still for more than a second: while a step takes
 * long (a long list, a wait), the time spent in the phase ticks on it. An
 * estimate is printed as a line of its own above the bar.
 */
export function progressLine(
  stream: NodeJS.WriteStream = process.stderr,
  options: { tickMs?: number; now?: () => number } = {},
): { update(event: SyncProgress): void; done(): void } {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const now = options.now ?? Date.now;
  let last = 0;
  let shown = false;
  let bar = '';
  let text = '';
  let phaseStarted = now();
  let phase = '';
  let told: SyncEstimate | null = null;
  const draw = (line: string): void => {
    text = line;
    last = now();
    stream.write(`\r\u001b[2K${line}`);
    shown = true;
  };
  const ticker = setInterval(() => {
    if (!text || now() - last < 900) return;
    const seconds = Math.round((now() - phaseStarted) / 1000);
    stream.write(`\r\u001b[2K${text} (${seconds}s)`);
    last = now();
  }, options.tickMs ?? 1000);
  ticker.unref();
  return {
    update(event) {
      if (event.type === 'estimate') {
        // A second estimate is printed only when it says something new.
        if (told && Math.abs(event.seconds - told.seconds) <= Math.max(10, told.seconds * 0.2)) return;
        told = event;
        stream.write(`\r\u001b[2K${estimateText(event)}\n`);
        if (text) stream.write(text);
        return;
      }
      if (event.type === 'rate-limit-wait') {
        if (now() - last < 250) return;
        draw(`${bar}${bar ? ' ' : ''}${rateLimitWaitText(event)}`);
        return;
      }
      if (event.type !== 'progress') return;
      if (event.phase !== phase) {
        phase = event.phase;
        phaseStarted = now();
      }
      if (now() - last < 100 && event.done !== event.total && event.done !== 0) return;
      const width = 24;
      const filled = event.total === 0 ? width : Math.round((event.done / event.total) * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.total}`;
      const name = event.phase.length > 40 ? `${event.phase.slice(0, 39)}…` : event.phase;
      draw(`${bar} ${name}`);
    },
    done() {
      clearInterval(ticker);
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}

/** A duration as people say it: seconds under a minute and a half, minutes under two hours, then hours. */
export function aboutDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** What a sync estimate says to a person. */
export function estimateText(estimate: SyncEstimate): string {
  const whose =
    estimate.basis === 'last-run' ? ' (as many as the last run)' : estimate.apps !== null ? ` for ${estimate.apps.toLocaleString('en-US')} apps` : '';
  const budget = estimate.available === null ? null : Math.max(0, estimate.available - estimate.reserve);
  const pool =
    budget === null
      ? `the rate limit refills ${estimate.refillPerMinute} a minute`
      : `${budget.toLocaleString('en-US')} can be spent now above the reserve of ${estimate.reserve.toLocaleString('en-US')}, then ${estimate.refillPerMinute} a minute`;
  const time = estimate.seconds < 5 ? 'a few seconds' : `about ${aboutDuration(estimate.seconds * 1000)}`;
  return `Estimate: about ${estimate.requests.toLocaleString('en-US')} requests${whose}, ${time}${estimate.waitsForRateLimit ? ', most of it waiting for the rate limit' : ''} (${pool}).`;
}

/** What a wait for the rate limit looks like on the progress line. */
export function rateLimitWaitText(wait: { remaining: number; reserve: number; resumesInMs: number }): string {
  return `waiting for the rate limit (${wait.remaining} left, reserve ${wait.reserve}, resumes in about ${aboutDuration(wait.resumesInMs)})`;
}

/**
 * Progress as JSON lines: every event but `progress` as it comes; `progress`
 * at the start and end of each phase and at most every `everyMs` between
 * (a large sync has thousands of steps, and a line each would cost more than
 * it tells).
 */
export function progressJson(
  write: (event: SyncProgress) => void,
  options: { everyMs?: number; now?: () => number } = {},
): { update(event: SyncProgress): void; done(): void } {
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
