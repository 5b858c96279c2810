import { describe, expect, it } from 'vitest';
import { readableData } from './text.js';

describe('readableData', () => {
  it("reads an event's data as people write it", () => {
    expect(readableData({ keys: ['NODE_ENV', 'REDIS_POOL'], version: 2 })).toBe('keys: NODE_ENV, REDIS_POOL; version: 2');
    expect(readableData({ app: { name: 'pay-api', stack: { name: 'heroku-24' } }, paused: false })).toBe(
      'app.name: pay-api; app.stack.name: heroku-24; paused: false',
    );
    expect(readableData({})).toBe('');
    expect(readableData({ tags: [] })).toBe('tags: —');
  });

  it('shows control characters and bidirectional overrides as escapes', () => {
    const text = readableData({ 'k\u202e': 'a\nb\u0007' });
    expect(text).toBe('k\\u202e: a\\u000ab\\u0007');
  });

  it('is bounded whatever the value: long, wide, deep or cyclic-looking', () => {
    expect(readableData({ v: 'x'.repeat(1_000_000) }).length).toBeLessThanOrEqual(300);
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const text = readableData(wide);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.endsWith(' …')).toBe(true);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(readableData(deep)).toBe('d.d.d.d: {…}');
    expect(readableData({ list: Array.from({ length: 1_000_000 }, (_, i) => i) }).length).toBeLessThanOrEqual(300);
  });
});
