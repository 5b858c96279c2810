const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Timestamps as Heroku writes them: UTC, whole seconds, `Z`. */
export function isoSeconds(date: Date | number | string): string {
  if (typeof date === 'string' && CANONICAL.test(date)) return date;
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC instant. */
export function utcDay(date: Date | string): string {
  if (typeof date === 'string' && CANONICAL.test(date)) return date.slice(0, 10);
  return new Date(date).toISOString().slice(0, 10);
}

/** A time between `from` and `to`, at `fraction` of the way. */
export function between(from: string, to: string, fraction: number): string {
  const start = Date.parse(from);
  const end = Math.max(start, Date.parse(to));
  return isoSeconds(start + Math.floor((end - start) * fraction));
}

export function latest(...dates: string[]): string {
  return dates.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/** A duration as scenarios and the control endpoints write it: a number and a unit (90s, 15m, 6h, 7d). */
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$';
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The milliseconds of a duration (`90s`, `15m`, `6h`, `7d`) or of a number of milliseconds; null when it is neither. */
export function durationMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value) : null;
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]) : null;
}
