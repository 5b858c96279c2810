/**
 * Packagist's version order: Composer normalises a version
 * (`v1.2` → `1.2.0.0`, `1.0.0RC1` → `1.0.0.0-RC1`, `2.0-p1` → `2.0.0.0-patch1`)
 * and compares the results as PHP's `version_compare` does (dev < alpha <
 * beta < RC < a number < patch). No maintained JavaScript library does
 * either, so both are written here from their documented behaviour. Branch
 * versions (`dev-main`, `1.x-dev`) have no place in the order: null.
 */
const STABILITY: Record<string, string> = {
  stable: '',
  beta: 'beta',
  b: 'beta',
  rc: 'RC',
  alpha: 'alpha',
  a: 'alpha',
  patch: 'patch',
  pl: 'patch',
  p: 'patch',
};

const CLASSIC = /^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?$/i;
const DATE = /^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2})[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?$/i;

/** Composer's normal form of a version, or null for a branch or what it would not accept. */
export function normalizeComposerVersion(version: string): string | null {
  // An alias (`1.0 as 2.0`) is its first half; stability flags and build metadata do not order.
  const text = version
    .trim()
    .replace(/^([^,\s]+) +as +[^,\s]+$/, '$1')
    .replace(/@(stable|rc|beta|alpha|dev)$/i, '')
    .replace(/\+[0-9A-Za-z.-]*$/, '');
  if (/^dev-|[.-]?dev$/i.test(text) && !CLASSIC.test(text)) return null;
  let match = CLASSIC.exec(text);
  let head: string;
  let rest: RegExpExecArray;
  if (match) {
    head = [match[1], match[2] ?? '.0', match[3] ?? '.0', match[4] ?? '.0'].join('');
    rest = match;
    if (match[7]) return null; // 1.0.x-dev style: a branch
    return withStability(head, rest[5], rest[6]);
  }
  match = DATE.exec(text);
  if (!match) return null;
  head = match[1]!.replace(/\D/g, '.');
  if (match[4]) return null;
  return withStability(head, match[2], match[3]);
}

function withStability(head: string, stability: string | undefined, number: string | undefined): string {
  if (!stability) return head;
  const name = STABILITY[stability.toLowerCase()]!;
  if (name === '') return head;
  return `${head}-${name}${(number ?? '').replace(/^[.-]/, '')}`;
}

/** PHP's canonical form: separators become dots, and a dot goes between digits and letters. */
function canonicalize(version: string): string[] {
  let out = '';
  let previous = '';
  for (const c of version) {
    const kind = /\d/.test(c) ? 'digit' : /[-_+.]/.test(c) ? 'separator' : 'other';
    if (kind === 'separator') {
      if (!out.endsWith('.')) out += '.';
    } else {
      if (previous && previous !== 'separator' && previous !== kind && !out.endsWith('.')) out += '.';
      out += c;
    }
    previous = kind;
  }
  return out.split('.').filter((part) => part !== '');
}

const SPECIAL: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

/** The rank of a non-numeric part: its form matched by prefix, as PHP does; unknown words rank lowest. */
function specialRank(part: string): number {
  return SPECIAL.find(([name]) => part.startsWith(name))?.[1] ?? -1;
}

function isNumber(part: string): boolean {
  return /^\d+$/.test(part);
}

function comparePart(a: string, b: string): number {
  if (isNumber(a) && isNumber(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return Math.sign(specialRank(isNumber(a) ? '#' : a) - specialRank(isNumber(b) ? '#' : b));
}

/** PHP's version_compare(a, b): -1, 0 or 1. */
export function phpVersionCompare(a: string, b: string): number {
  const left = canonicalize(a);
  const right = canonicalize(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const result = comparePart(left[i]!, right[i]!);
    if (result !== 0) return result;
  }
  if (left.length > length) return isNumber(left[length]!) ? 1 : comparePart(left[length]!, '#');
  if (right.length > length) return isNumber(right[length]!) ? -1 : comparePart('#', right[length]!);
  return 0;
}

/** Composer's order of two versions; null when either is a branch or not a version. */
export function compareComposerVersions(a: string, b: string): number | null {
  const x = normalizeComposerVersion(a);
  const y = normalizeComposerVersion(b);
  if (x === null || y === null) return null;
  return phpVersionCompare(x, y);
}
