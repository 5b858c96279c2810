import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/**
 * Every id the emulator serves is derived from what the object is (its kind
 * and natural key), so ids are the same on every run and every machine.
 */
const NAMESPACE = '4c1d5a7e-2f0b-5c55-9e0a-6b8d3f2a9c11';

export function deriveId(kind: string, ...naturalKey: (string | number)[]): string {
  return uuidv5(`${kind}:${naturalKey.join('/')}`, NAMESPACE);
}

/** A short deterministic hex string, for values such as `web_url` suffixes. */
export function deriveHex(length: number, ...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('/')).digest('hex').slice(0, length);
}

/** A deterministic fraction in [0, 1), for defaults that vary by object. */
export function deriveFraction(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('/')).digest().readUInt32BE(0) / 2 ** 32;
}
