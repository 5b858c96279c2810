import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('writes every cell as data: formulas are neutralised, quotes and newlines survive', () => {
    const hostile = [
      '=HYPERLINK("http://evil.example","x")',
      '+1+1',
      '-2',
      '@SUM(A1)',
      '\tcmd',
      '\rcmd',
      'a "quoted", multi\nline',
      'plain',
      42,
      null,
      { nested: true },
    ];
    const text = toCsv(
      hostile.map((_, i) => `c${i}`),
      [hostile],
    );
    const [row] = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.values(row!)).toEqual([
      '\'=HYPERLINK("http://evil.example","x")',
      "'+1+1",
      "'-2",
      "'@SUM(A1)",
      "'\tcmd",
      "'\rcmd",
      'a "quoted", multi\nline',
      'plain',
      '42',
      '',
      '{"nested":true}',
    ]);
  });
});
