import { describe, expect, it } from 'vitest';
import { table } from './table.js';

describe('table', () => {
  it('aligns columns, cuts nothing where there is no terminal, and shows null as empty', () => {
    expect(
      table(
        ['name', 'n'],
        [
          ['a', 1],
          ['longer', null],
          ['x'.repeat(70), true],
        ],
        { width: undefined },
      ).split('\n'),
    ).toEqual([`${'name'.padEnd(70)}  n`, `${'-'.repeat(70)}  ----`, `${'a'.padEnd(70)}  1`, 'longer', `${'x'.repeat(70)}  true`]);
  });

  it('fits a terminal: the last column wraps under its start, the widest others are cut to make room', () => {
    const message = 'The token lacks the view permission on enterprise account acme: ask an admin of acme to give it';
    const lines = table(['check', 'resource', 'message'], [['enterprise_audit_trail_collected', 'acme', message]], { width: 60 }).split('\n');
    expect(
      lines.every((l) => l.length <= 60),
      lines.join('\n'),
    ).toBe(true);
    // Every word of the message is there, on lines of its own under the column.
    expect(
      lines
        .slice(2)
        .map((l) => l.slice(lines[0]!.indexOf('message')).trim())
        .join(' '),
    ).toBe(message);
    expect(lines[2]).toMatch(/^enterprise_aud\S*…\s+acme\s+The token/);
  });

  it('prints any number of rows (130,000 overflowed the call stack)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`app-${i}`, i]);
    const lines = table(['name', 'n'], rows, { width: undefined }).split('\n');
    expect(lines).toHaveLength(200_002);
    expect(lines.at(-1)).toBe('app-199999  199999');
  });
});
