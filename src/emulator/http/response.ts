import { createHash } from 'node:crypto';
import type { Json } from '../representations/context.js';

const serialized = new WeakMap<object, string>();

/** JSON text of a representation; cached, since most representations are cached objects. */
export function toJson(value: Json): string {
  let text = serialized.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    serialized.set(value, text);
  }
  return text;
}

export function listJson(items: readonly Json[]): string {
  return `[${items.map(toJson).join(',')}]`;
}

/** A strong ETag over the body, as Heroku sends (quoted hex MD5). */
export function etagOf(body: string): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** `If-None-Match` / `If-Match` lists: `"a", W/"b"` or `*`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** A body that is no longer valid JSON: a proper prefix of an object or array never is. */
export function malformed(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length * 0.6)));
}
