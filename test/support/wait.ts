import { createServer, type AddressInfo } from 'node:net';

/** A loopback port nothing listens on (for a process the test starts to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The first truthy answer of `probe`, asked every `everyMs`; a probe that
 * throws (a server still starting, a database restarting) is no answer yet.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | false | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
