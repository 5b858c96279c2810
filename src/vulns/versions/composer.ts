/**
 * Packagist's version order, as Composer has it: a version is first
 * normalised (`v1.2` → `1.2.0.0`, `1.0.0RC1` → `1.0.0.0-RC1`, `2.0-p1` →
 * `2.0.0.0-patch1`, `1.x-dev` → `1.9999999.9999999.9999999-dev`, `master`
 * → `dev-master`), then compared as PHP's `version_compare` does (dev <
 * alpha < beta < RC < a number < patch). A branch (`dev-main`) is older
 * than any numbered version, and two different branches have no order.
 * No maintained JavaScript library does either, so both are written here
 * from Composer's documented behaviour, and held to Composer's own test
 * cases (test/vulns/vectors/composer).
 */

const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSIC = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');
const BRANCH_NUMBER = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;
const STABILITY_NAMES: Record<string, string> = { a: 'alpha', b: 'beta', p: 'patch', pl: 'patch', rc: 'RC' };

/** A numbered branch (`1.x`, `2.1.*`) as Composer numbers it (`1.9999999.9999999.9999999-dev`); any other name is `dev-` and the name. */
function normalizeBranch(name: string): string {
  const match = BRANCH_NUMBER.exec(name.trim());
  if (!match) return `dev-${name.trim()}`;
  let version = '';
  for (let i = 1; i < 5; i++) version += match[i]?.replace('*', 'x').replace('X', 'x') ?? '.x';
  return `${version.replaceAll('x', '9999999')}-dev`;
}

/** Composer's normal form of a version (`dev-` and a name for a branch), or null for what Composer refuses as a version. */
export function normalizeComposerVersion(input: string): string | null {
  let version = input.trim();
  // An alias (`1.0 as 2.0`) is its first half; a stability flag (`@dev`) does not order.
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias) version = alias[1]!;
  version = version.replace(/@(?:stable|RC|beta|alpha|dev)$/i, '');
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (/^dev-/i.test(version)) return `dev-${version.slice(4)}`;
  // Build metadata does not order.
  const build = /^([^,\s+]+)\+\S+$/.exec(version);
  if (build) version = build[1]!;
  let matched: { head: string; stability?: string; number?: string; dev?: string } | null = null;
  const classic = CLASSIC.exec(version);
  if (classic) {
    matched = {
      head: classic[1]! + (classic[2] || '.0') + (classic[3] || '.0') + (classic[4] || '.0'),
      stability: classic[5],
      number: classic[6],
      dev: classic[7],
    };
  } else {
    const date = DATE.exec(version);
    if (date) matched = { head: date[1]!.replace(/\D/g, '.'), stability: date[2], number: date[3], dev: date[4] };
  }
  if (matched) {
    let normal = matched.head;
    if (matched.stability) {
      if (matched.stability === 'stable') return normal;
      const lower = matched.stability.toLowerCase();
      normal += `-${STABILITY_NAMES[lower] ?? lower}${(matched.number ?? '').replace(/^[.-]+/, '')}`;
    }
    if (matched.dev) normal += '-dev';
    return normal;
  }
  // `1.x-dev`, `2.0-dev`: a numbered branch; any other name ending in dev would need `dev-` in front.
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev) {
    const branch = normalizeBranch(dev[1]!);
    if (!branch.includes('dev-')) return branch;
  }
  return null;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlphanumeric = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

/** PHP's canonical form, as parts: `-`, `_`, `+` and other signs become dots, and a dot goes between digits and letters. */
function canonicalize(version: string): string[] {
  if (version === '') return [];
  let out = version[0]!;
  let last = version[0]!;
  for (const c of version.slice(1)) {
    const digitChange = (last !== '.' && !isDigit(last) && isDigit(c)) || (isDigit(last) && c !== '.' && !isDigit(c));
    if (c === '-' || c === '_' || c === '+') {
      if (!out.endsWith('.')) out += '.';
    } else if (digitChange) {
      if (!out.endsWith('.')) out += '.';
      out += c;
    } else if (!isAlphanumeric(c)) {
      if (!out.endsWith('.')) out += '.';
    } else out += c;
    last = c;
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

function comparePart(a: string, b: string): number {
  const x = isDigit(a[0] ?? '');
  const y = isDigit(b[0] ?? '');
  if (x && y) {
    const left = BigInt(/^\d+/.exec(a)![0]);
    const right = BigInt(/^\d+/.exec(b)![0]);
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return Math.sign(specialRank(x ? '#' : a) - specialRank(y ? '#' : b));
}

/** PHP's version_compare(a, b): -1, 0 or 1 (numbers of any size compared exactly). */
export function phpVersionCompare(a: string, b: string): number {
  const left = canonicalize(a);
  const right = canonicalize(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const result = comparePart(left[i]!, right[i]!);
    if (result !== 0) return result;
  }
  if (left.length > length) return isDigit(left[length]![0]!) ? 1 : phpVersionCompare(left.slice(length).join('.'), '#N#');
  if (right.length > length) return isDigit(right[length]![0]!) ? -1 : phpVersionCompare('#N#', right.slice(length).join('.'));
  return 0;
}

/**
 * Composer's order of two versions (Comparator::compare): -1, 0 or 1; NaN
 * for two different branches, which Composer does not order (neither is
 * older, and they are not equal). Null when either is not a version.
 */
export function compareComposerVersions(a: string, b: string): number | null {
  const x = normalizeComposerVersion(a);
  const y = normalizeComposerVersion(b);
  if (x === null || y === null) return null;
  const branches = Number(x.startsWith('dev-')) + Number(y.startsWith('dev-'));
  if (branches === 2) return x === y ? 0 : NaN;
  return phpVersionCompare(x, y);
}

/** Whether a version has a place among numbered versions, where advisories' ranges are written: a branch (`dev-main`) has none. */
export function isComposerRelease(version: string): boolean {
  return !(normalizeComposerVersion(version) ?? 'dev-').startsWith('dev-');
}
