import { hash } from 'node:crypto';

/**
 * Every id the emulator serves is derived from what the object is (its kind
 * and natural key), so ids are the same on every run and every machine.
 *
 * They are name-based UUIDs, version 5 (RFC 9562: SHA-1 of namespace and
 * name). Written here rather than taken from the `uuid` package because a
 * large world derives hundreds of thousands of them and the package's
 * per-call string handling dominated world builds.
 */
const NAMESPACE = Buffer.from('4c1d5a7e2f0b5c559e0a6b8d3f2a9c11', 'hex');

export function deriveId(kind: string, ...naturalKey: (string | number)[]): string {
  const digest = hash('sha1', Buffer.concat([NAMESPACE, Buffer.from(`${kind}:${naturalKey.join('/')}`)]), 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A short deterministic hex string, for values such as `web_url` suffixes. */
export function deriveHex(length: number, ...parts: (string | number)[]): string {
  return hash('sha256', parts.join('/'), 'hex').slice(0, length);
}

/** A deterministic fraction in [0, 1), for defaults that vary by object. */
export function deriveFraction(...parts: (string | number)[]): number {
  return hash('sha256', parts.join('/'), 'buffer').readUInt32BE(0) / 2 ** 32;
}
