import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSecret } from './secret-input.js';

/** A terminal: raw mode recorded, keystrokes written by the test. */
function terminal(): { stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream; raw: boolean[]; echoed: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const raw: boolean[] = [];
  (stdin as unknown as { setRawMode: (on: boolean) => void }).setRawMode = (on: boolean) => raw.push(on);
  const stderr = new PassThrough();
  let written = '';
  stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { stdin: stdin as unknown as NodeJS.ReadStream, stderr: stderr as unknown as NodeJS.WriteStream, raw, echoed: () => written };
}

describe('reading a secret', () => {
  it('at a terminal, echoes nothing, handles backspace, and restores the terminal', async () => {
    const t = terminal();
    const secret = readSecret('Token: ', t.stdin, t.stderr);
    t.stdin.push('HRKU-abc');
    t.stdin.push('x\u007f-1\r');
    expect(await secret).toBe('HRKU-abc-1');
    expect(t.echoed()).toBe('Token: \n');
    expect(t.raw).toEqual([true, false]);
  });

  it('at a terminal, Ctrl-C cancels and an empty line is refused', async () => {
    const t = terminal();
    const cancelled = readSecret('Token: ', t.stdin, t.stderr);
    t.stdin.push('HRKU\u0003');
    await expect(cancelled).rejects.toThrow('Cancelled.');
    expect(t.raw).toEqual([true, false]);
    const u = terminal();
    const empty = readSecret('Token: ', u.stdin, u.stderr);
    u.stdin.push('\n');
    await expect(empty).rejects.toThrow('No token was entered.');
  });

  it('at a terminal, Ctrl-D ends the input: refused when nothing was typed, taken otherwise; the end of input too', async () => {
    const t = terminal();
    const nothing = readSecret('Token: ', t.stdin, t.stderr);
    t.stdin.push('\u0004');
    await expect(nothing).rejects.toThrow('No token was entered.');
    expect(t.raw).toEqual([true, false]);
    const u = terminal();
    const typed = readSecret('Token: ', u.stdin, u.stderr);
    u.stdin.push('HRKU-abc\u0004');
    expect(await typed).toBe('HRKU-abc');
    const v = terminal();
    const closed = readSecret('Token: ', v.stdin, v.stderr);
    v.stdin.end();
    await expect(closed).rejects.toThrow('No token was entered.');
  });

  it('piped, takes the one word given', async () => {
    const piped = (text: string): NodeJS.ReadStream => Object.assign(new PassThrough().end(text), { isTTY: false }) as unknown as NodeJS.ReadStream;
    expect(await readSecret('', piped('HRKU-abc\n'))).toBe('HRKU-abc');
    await expect(readSecret('', piped('  \n'))).rejects.toThrow('standard input was empty');
    await expect(readSecret('', piped('HRKU-abc HRKU-def'))).rejects.toThrow(/more than one word; give the token alone \(what it held is not shown\)/);
  });
});
