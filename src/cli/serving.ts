import { UsageError } from './output.js';

/** An option that may be given several times, collected in order. */
export const repeatable = (value: string, previous: string[] = []): string[] => [...previous, value];

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The Host names a server on `host` accepts (DNS rebinding protection):
 * loopback names by default; listening beyond loopback requires the names
 * clients will use.
 */
export function allowedHostsFor(host: string, allowed: string[] | undefined): string[] | undefined {
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host);
  if (!loopback && !allowed) throw new UsageError(`--host ${host} is not loopback: name the host names clients will use with --allowed-host (DNS rebinding protection), and put TLS in front.`);
  return allowed ? [...allowed, ...LOOPBACK_NAMES] : undefined;
}

/** Resolves on SIGINT or SIGTERM (and, when asked, when standard input ends: an MCP client closing its stdio server). */
export function untilStopped(options: { stdin?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdin.off('end', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.stdin) process.stdin.once('end', stop);
  });
}
