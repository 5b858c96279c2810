import { InvalidArgumentError } from 'commander';

/**
 * Parsers for option and argument values, given to commander's
 * `.argParser()`: a bad value is refused before the command runs, with the
 * option's name and what it takes (exit code 2).
 */
export function wholeNumber(min: number, max: number, what = 'a whole number'): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`Use ${what} from ${min} to ${max}.`);
    return n;
  };
}

/** A run number (herowatch runs lists them). */
export const runNumber = wholeNumber(1, Number.MAX_SAFE_INTEGER, 'a run number (herowatch runs lists them): a whole number');

/** A comma-separated list of some of `allowed` (or "all"). */
export function listOf<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    if (value === 'all') return [...allowed];
    const list = value.split(',').map((s) => s.trim()) as T[];
    const bad = list.filter((s) => !allowed.includes(s));
    if (bad.length > 0) throw new InvalidArgumentError(`Use ${allowed.join(', ')} (comma-separated) or all, not ${bad.join(', ')}.`);
    return list;
  };
}
