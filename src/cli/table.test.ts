import { describe, expect, it } from 'vitest';
import { table } from './table.js';

describe('table', () => {
  it('aligns columns, cuts cells past 60 characters, and shows null as empty', () => {
    expect(table(['name', 'n'], [['a', 1], ['longer', null], ['x'.repeat(70), true]]).split('\n')).toEqual([
      `${'name'.padEnd(60)}  n`,
      `${'-'.repeat(60)}  ----`,
      `${'a'.padEnd(60)}  1`,
      'longer',
      `${'x'.repeat(59)}…  true`,
    ]);
  });

  it('prints any number of rows (130,000 overflowed the call stack)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`app-${i}`, i]);
    const lines = table(['name', 'n'], rows).split('\n');
    expect(lines).toHaveLength(200_002);
    expect(lines.at(-1)).toBe('app-199999  199999');
  });
});
