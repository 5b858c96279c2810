/**
 * Date arithmetic, in one place: days are UTC days, a day is 86,400,000 ms,
 * and a date given as text is either a real calendar day (YYYY-MM-DD:
 * 2026-02-30 is refused, not rolled into March) or a full ISO 8601 time.
 */
export const DAY_MS = 86_400_000;

/** Whole days from one time to another (negative when `to` is earlier). */
export function daysBetween(from: Date | string, to: Date | string): number {
  return Math.floor((new Date(to).getTime() - new Date(from).getTime()) / DAY_MS);
}

/** The UTC day of a time, as YYYY-MM-DD. */
export function utcDay(time: Date | number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** The start (00:00 UTC) of a YYYY-MM-DD day, or null when it is not a real calendar day. */
export function parseDay(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && utcDay(date) === value ? date : null;
}

/**
 * A day (YYYY-MM-DD) or an ISO 8601 time with a date and a time. A day is
 * its first instant, or with `endOfDay` its last millisecond. Null when it
 * is neither (an impossible day included).
 */
export function parseDayOrTime(value: string, options: { endOfDay?: boolean } = {}): Date | null {
  const day = parseDay(value);
  if (day) return options.endOfDay ? new Date(day.getTime() + DAY_MS - 1) : day;
  const iso = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(value);
  if (!iso || !parseDay(iso[1]!)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/** A time as Heroku writes it (second precision, Z), so stored times compare as text. */
export function herokuTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Waits `ms`, or less when `signal` aborts first (the caller then looks at `signal.aborted`). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
