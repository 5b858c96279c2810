import { describe, expect, it } from 'vitest';
import { terminalSafe } from './output.js';

describe('terminalSafe', () => {
  it('shows control and bidirectional-override characters as escapes, keeping newlines and tabs', () => {
    expect(terminalSafe('red \u001b[31mapp\u001b[0m\u0007')).toBe('red \\u001b[31mapp\\u001b[0m\\u0007');
    expect(terminalSafe('a\u202eevil\u2066')).toBe('a\\u202eevil\\u2066');
    expect(terminalSafe('line one\n\tline two\r')).toBe('line one\n\tline two\\u000d');
    expect(terminalSafe('plain — ünïcode')).toBe('plain — ünïcode');
  });
});
