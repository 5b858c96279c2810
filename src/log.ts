import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * herowatch's logger: JSON lines on standard error. Quiet by default (warn);
 * The configuration's level (HEROWATCH_LOG_LEVEL) or --verbose raise it. Nothing secret is ever handed
 * to it; the redaction list is a second line of defence.
 */
export function createLogger(level = 'warn'): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.Authorization', 'headers.authorization', 'apiKey', '*.apiKey'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that discards everything, for library use without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
