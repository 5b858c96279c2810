// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from outside (Heroku, a slug, a lockfile) made safe to print: control
 * characters, line and paragraph separators and bidirectional overrides shown
 * as escapes, length bounded. One rule, for every door that prints such text.
 */
export function printable(text: string, max = 200): string {
  // Cut first: the escaping is then bounded by `max`, whatever the length of the text.
  const head = text.length > max ? text.slice(0, max + 1) : text;
  const safe = head.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

/**
 * A JSON value from outside as people read it: `keys: NODE_ENV, REDIS_POOL;
 * version: 2`, nested keys joined with dots. Bounded whatever the value: at
 * most `max` characters, 4 levels and 200 values visited, so a hostile event
 * costs what a small one does.
 */
export function readableData(value: unknown, max = 300): string {
  const parts: string[] = [];
  let length = 0;
  let visits = 0;
  let cut = false;
  const scalar = (v: unknown): string => (v === null ? 'null' : typeof v === 'object' ? (Array.isArray(v) ? '[…]' : '{…}') : String(v));
  const add = (part: string): boolean => {
    if (length + part.length > max) {
      cut = true;
      return false;
    }
    parts.push(part);
    length += part.length + 2;
    return true;
  };
  const walk = (v: unknown, path: string, depth: number): boolean => {
    if (++visits > 200) return !(cut = true);
    if (Array.isArray(v)) {
      const items: string[] = [];
      let itemsLength = 0;
      for (const item of v) {
        if (++visits > 200 || itemsLength > max) {
          cut = true;
          break;
        }
        const text = printable(scalar(item), 80);
        items.push(text);
        itemsLength += text.length + 2;
      }
      return add(`${path}: ${items.join(', ') || '—'}`);
    }
    if (v !== null && typeof v === 'object' && depth < 4) {
      for (const key of Object.keys(v)) {
        if (!walk((v as Record<string, unknown>)[key], path ? `${path}.${printable(key, 40)}` : printable(key, 40), depth + 1)) return false;
      }
      return true;
    }
    return add(path ? `${path}: ${printable(scalar(v), 120)}` : printable(scalar(v), 120));
  };
  walk(value, '', 0);
  return parts.join('; ') + (cut ? ' …' : '');
}
