import { describe, expect, it } from 'vitest';
import { kindsAtLimit } from './dispatch.js';

describe('the job limits', () => {
  it('hold back a kind at its own limit, and every kind at the overall one', () => {
    expect(kindsAtLimit({}, {})).toEqual([]);
    expect(kindsAtLimit({ inventory: 5, audit: 5 }, {})).toEqual([]);
    expect(kindsAtLimit({ inventory: 1 }, { inventory: 1 })).toEqual(['inventory']);
    expect(kindsAtLimit({ inventory: 0, audit: 3 }, { inventory: 1, audit: 4 })).toEqual([]);
    expect(kindsAtLimit({ inventory: 2, audit: 1 }, { all: 3, inventory: 5 })).toEqual(['inventory', 'audit']);
    expect(kindsAtLimit({ inventory: 2 }, { all: 3, inventory: 2 })).toEqual(['inventory']);
  });
});
