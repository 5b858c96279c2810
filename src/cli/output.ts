import { InputError, type ErrorOptions } from '../errors.js';

/**
 * The CLI's only way to the terminal. Commands write results to `out` and
 * diagnostics to `err`; nothing else in the product prints.
 */
export interface Output {
  out(line?: string): void;
  err(line?: string): void;
  json(value: unknown): void;
  /** Text as it is (exports), made safe only when it goes to a terminal. */
  raw(text: string): void;
}

export function processOutput(): Output {
  // A reader that stops early (`herowatch export apps | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    out: (line = '') => void process.stdout.write(`${terminalSafe(line)}\n`),
    err: (line = '') => void process.stderr.write(`${terminalSafe(line)}\n`),
    json: (value) => void process.stdout.write(`${JSON.stringify(value)}\n`),
    // Exports are written as they are to a file or a pipe; on a terminal, their data cannot drive it.
    raw: (text) => void process.stdout.write(process.stdout.isTTY ? terminalSafe(text) : text),
  };
}

/**
 * Text made safe to print on a terminal: data (an app name, a release
 * description, an error from a server) may hold escape sequences that
 * would move the cursor, rewrite the screen or hide text. Control and
 * bidirectional-override characters are shown as escapes instead; newlines
 * and tabs are kept.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Exit codes: 0 success, 1 the work failed, 2 the input was wrong (fix the command or file). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A command line the user can fix; the message says what is wrong and how. */
export class UsageError extends InputError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_USAGE', message, options);
  }
}
