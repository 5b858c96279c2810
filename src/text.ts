/**
 * Text from outside (Heroku, a slug, a lockfile) made safe to print: control
 * characters, line and paragraph separators and bidirectional overrides shown
 * as escapes, length bounded. One rule, for every door that prints such text.
 */
export function printable(text: string, max = 200): string {
  // Cut first: the escaping is then bounded by `max`, whatever the length of the text.
  const head = text.length > max ? text.slice(0, max + 1) : text;
  // eslint-disable-next-line no-control-regex
  const safe = head.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
