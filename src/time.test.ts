import { describe, expect, it } from 'vitest';
import { daysBetween, herokuTime, parseDay, parseDayOrTime } from './time.js';

describe('time', () => {
  it('takes real calendar days only', () => {
    expect(parseDay('2026-02-28')?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    for (const bad of ['2026-02-30', '2026-13-45', '2026-2-3', '20260203', 'yesterday', '']) expect(parseDay(bad), bad).toBeNull();
  });

  it('takes a day or a full ISO time, a day meaning its first or last instant', () => {
    expect(parseDayOrTime('2026-11-01')?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseDayOrTime('2026-11-01', { endOfDay: true })?.toISOString()).toBe('2026-11-01T23:59:59.999Z');
    expect(parseDayOrTime('2026-11-01T10:30:00+02:00')?.toISOString()).toBe('2026-11-01T08:30:00.000Z');
    for (const bad of ['2026-02-30T10:00:00Z', '2026-11-01 10:00', 'Nov 1 2026', '1700000000']) expect(parseDayOrTime(bad), bad).toBeNull();
  });

  it('counts whole days and writes times as Heroku does', () => {
    expect(daysBetween('2026-11-01T00:00:00Z', '2026-11-03T23:00:00Z')).toBe(2);
    expect(herokuTime(new Date('2026-11-01T10:00:00.123Z'))).toBe('2026-11-01T10:00:00Z');
  });
});
