/**
 * The CLI's only way to the terminal. Commands write results to `out` and
 * diagnostics to `err`; nothing else in the product prints.
 */
export interface Output {
  out(line?: string): void;
  err(line?: string): void;
  json(value: unknown): void;
}

export function processOutput(): Output {
  return {
    out: (line = '') => void process.stdout.write(`${line}\n`),
    err: (line = '') => void process.stderr.write(`${line}\n`),
    json: (value) => void process.stdout.write(`${JSON.stringify(value)}\n`),
  };
}

/** Exit codes: 0 success, 1 the work failed, 2 the input was wrong (fix the command or file). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error the user can fix; the message says what is wrong and how. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
