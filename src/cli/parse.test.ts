import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { listOf, runNumber, wholeNumber } from './parse.js';

describe('option parsers', () => {
  it('take whole numbers in range only, however large or odd the text', () => {
    const limit = wholeNumber(1, 10_000);
    expect(limit('25')).toBe(25);
    for (const bad of ['0', '10001', '99999999999999999999', '1.5', '-3', '1e3', 'ten', '']) expect(() => limit(bad), bad).toThrow(InvalidArgumentError);
    expect(() => runNumber('99999999999999999999')).toThrow(/a run number/);
  });

  it('take comma-separated lists of known values', () => {
    const statuses = listOf(['open', 'resolved', 'pass'] as const);
    expect(statuses('open, resolved')).toEqual(['open', 'resolved']);
    expect(statuses('all')).toEqual(['open', 'resolved', 'pass']);
    expect(() => statuses('open,closed')).toThrow('Use open, resolved, pass (comma-separated) or all, not closed.');
  });
});
