import { describe, expect, it } from 'vitest';
import { processOutput, terminalSafe } from './output.js';

describe('terminalSafe', () => {
  it('shows control and bidirectional-override characters as escapes, keeping newlines and tabs', () => {
    expect(terminalSafe('red \u001b[31mapp\u001b[0m\u0007')).toBe('red \\u001b[31mapp\\u001b[0m\\u0007');
    expect(terminalSafe('a\u202eevil\u2066')).toBe('a\\u202eevil\\u2066');
    expect(terminalSafe('line one\n\tline two\r')).toBe('line one\n\tline two\\u000d');
    expect(terminalSafe('plain — ünïcode')).toBe('plain — ünïcode');
  });
});

describe('exports through the output', () => {
  it('are written byte for byte to a file or a pipe, and made safe on a terminal', () => {
    const csv = 'name,description\nacme,"\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007"\n';
    const written: string[] = [];
    const write = process.stdout.write;
    const tty = process.stdout.isTTY;
    try {
      process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
      for (const isTTY of [false, true]) {
        Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true });
        processOutput().raw(csv);
      }
    } finally {
      process.stdout.write = write;
      Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
    }
    expect(written[0]).toBe(csv);
    expect(written[1]).not.toContain('\u001b');
    expect(written[1]).toContain('\\u001b]8;;https://evil.example\\u0007click');
  });
});
