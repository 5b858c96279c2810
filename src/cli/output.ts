import { InputError } from '../errors.js';

/**
 * The CLI's only way to the terminal. Commands write results to `out` and
 * diagnostics to `err`; nothing else in the product prints.
 */
export interface Output {
  out(line?: string): void;
  err(line?: string): void;
  json(value: unknown): void;
  /** Text as it is (exports). */
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
    out: (line = '') => void process.stdout.write(`${line}\n`),
    err: (line = '') => void process.stderr.write(`${line}\n`),
    json: (value) => void process.stdout.write(`${JSON.stringify(value)}\n`),
    raw: (text) => void process.stdout.write(text),
  };
}

/** Exit codes: 0 success, 1 the work failed, 2 the input was wrong (fix the command or file). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A command line the user can fix; the message says what is wrong and how. */
export class UsageError extends InputError {}
