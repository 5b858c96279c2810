import { createServer } from 'node:net';
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
  if (!loopback && !allowed)
    throw new UsageError(
      `--host ${host} is not loopback: name the host names clients will use with --allowed-host (DNS rebinding protection), and put TLS in front.`,
    );
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

/**
 * Refuses a port already taken, before any work that would be wasted on
 * finding it out later (the demo syncs first, then serves); `flag` is the
 * option that picks another. Port 0 (any free one) is always fine.
 */
export async function requireFreePort(host: string, port: number, flag: string): Promise<void> {
  if (port === 0) return;
  const taken = await new Promise<string | null>((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
  if (taken === 'EADDRINUSE')
    throw new UsageError(`Port ${port} on ${host} is in use: stop what holds it, or pick another port with ${flag} (0 takes any free one).`);
  if (taken !== null) throw new UsageError(`Cannot listen on ${host}:${port} (${taken}): pick another port with ${flag}.`);
}
