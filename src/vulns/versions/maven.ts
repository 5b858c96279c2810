/**
 * Maven's version order (ComparableVersion as apache/maven defines it
 * today, for Maven 4; the 3.9 releases differ on some release
 * qualifiers), which Maven advisories are written against. No maintained
 * JavaScript library implements it, so it is written here from Maven's
 * documented rules, and held to Maven's own test cases
 * (test/vulns/vectors/maven):
 *
 * - a version, lowercased, is a list of items split at `.` and `-` and at
 *   each change between (ASCII) digits and other characters; a `-`, or a
 *   change from digits to letters, opens a sub-list, and so does a
 *   qualifier after a dot that ends the version (`1.0.RC` is `1.0-RC`);
 * - letters followed by digits (`rc1`, `sp-1`) are one combined item,
 *   ordered by its letters, then its number;
 * - numbers compare as numbers of any size; zeros and empty qualifiers at
 *   the end of a list do not count (`1` = `1.0.0`);
 * - known qualifiers sort alpha < beta < milestone < rc < snapshot <
 *   (release) < sp, with `a`, `b`, `m` for alpha, beta, milestone when a
 *   number follows, `cr` for rc; `ga`, `final` and `release` rank as the
 *   release itself but stay items (`1.0.final-redhat` < `1.0-sp1-redhat`);
 *   other qualifiers sort after those, by their UTF-16 code units; any
 *   qualifier sorts before any number.
 */
type Qualifier = { kind: 'string'; value: string };
type Item = { kind: 'number'; value: bigint } | Qualifier | { kind: 'combination'; text: Qualifier; number: bigint } | { kind: 'list'; items: Item[] };
type List = Item & { kind: 'list' };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE = new Set(['ga', 'final', 'release']);
const SHORT = new Map([
  ['a', 'alpha'],
  ['b', 'beta'],
  ['m', 'milestone'],
]);
const RELEASE_KEY = String(QUALIFIERS.indexOf(''));

function qualifier(text: string, followedByDigit: boolean): Qualifier {
  const value = followedByDigit && text.length === 1 ? (SHORT.get(text) ?? text) : text;
  return { kind: 'string', value: value === 'cr' ? 'rc' : value };
}

/** The sortable form of a qualifier: its rank among the known ones, or after them all, by name. */
function qualifierKey(value: string): string {
  if (RELEASE.has(value)) return RELEASE_KEY;
  const index = QUALIFIERS.indexOf(value);
  return index === -1 ? `${QUALIFIERS.length}-${value}` : String(index);
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function item(combination: boolean, digits: boolean, text: string): Item {
  if (combination) {
    const joined = text.replaceAll('-', '');
    let at = 0;
    while (at < joined.length && !isDigit(joined[at]!)) at++;
    return { kind: 'combination', text: qualifier(joined.slice(0, at), true), number: BigInt(joined.slice(at) || '0') };
  }
  return digits ? { kind: 'number', value: BigInt(text) } : qualifier(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'number') return item.value === 0n;
  if (item.kind === 'string') return item.value === '';
  if (item.kind === 'list') return item.items.length === 0;
  return false;
}

/** Drops the items that do not count: a null item at the end, or before a qualifier or a sub-list that starts with one. */
function normalize(list: List): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    if (!isNull(items[i]!)) continue;
    const next = items[i + 1];
    if (next === undefined || next.kind === 'string') items.splice(i, 1);
    else if (next.kind === 'list') {
      const first = next.items[0];
      if (first !== undefined && (first.kind === 'combination' || first.kind === 'string')) items.splice(i, 1);
    }
  }
}

export function parseMavenVersion(version: string): List {
  const text = version.toLowerCase();
  const root: List = { kind: 'list', items: [] };
  let list = root;
  const stack = [root];
  const open = (): void => {
    const next: List = { kind: 'list', items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };
  let digits = false;
  let combination = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.') {
      list.items.push(i === start ? { kind: 'number', value: 0n } : item(combination, digits, text.slice(start, i)));
      combination = false;
      start = i + 1;
    } else if (c === '-') {
      if (i === start) list.items.push({ kind: 'number', value: 0n });
      else {
        // Letters, a dash and digits (`sp-1`) are one combined item.
        if (!digits && i !== text.length - 1 && isDigit(text[i + 1]!)) {
          combination = true;
          continue;
        }
        list.items.push(item(combination, digits, text.slice(start, i)));
      }
      start = i + 1;
      if (list.items.length > 0) open();
      combination = false;
    } else if (isDigit(c)) {
      if (!digits && i > start) {
        combination = true;
        if (list.items.length > 0) open();
      }
      digits = true;
    } else {
      if (digits && i > start) {
        list.items.push(item(combination, true, text.slice(start, i)));
        start = i;
        open();
        combination = false;
      }
      digits = false;
    }
  }
  if (text.length > start) {
    // A qualifier after a dot at the end counts as one after a dash.
    if (!digits && list.items.length > 0) open();
    list.items.push(item(combination, digits, text.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares `item` with `other`, where null stands for an item that is not there. */
function compareItem(item: Item, other: Item | null): number {
  switch (item.kind) {
    case 'number':
      if (other === null) return item.value === 0n ? 0 : 1;
      return other.kind === 'number' ? compareBig(item.value, other.value) : 1;
    case 'string':
      if (other === null) return compareText(qualifierKey(item.value), RELEASE_KEY);
      switch (other.kind) {
        case 'string':
          return compareText(qualifierKey(item.value), qualifierKey(other.value));
        case 'combination':
          return compareItem(item, other.text) || -1;
        default:
          return -1;
      }
    case 'combination':
      if (other === null) return compareItem(item.text, null);
      switch (other.kind) {
        case 'string':
          return compareItem(item.text, other) || 1;
        case 'combination':
          return compareItem(item.text, other.text) || compareBig(item.number, other.number);
        default:
          return -1;
      }
    case 'list': {
      if (other === null) {
        for (const each of item.items) {
          const result = compareItem(each, null);
          if (result !== 0) return result;
        }
        return 0;
      }
      if (other.kind === 'number') return -1;
      if (other.kind !== 'list') return 1;
      const length = Math.max(item.items.length, other.items.length);
      for (let i = 0; i < length; i++) {
        const left = item.items[i] ?? null;
        const right = other.items[i] ?? null;
        const result = left === null ? (right === null ? 0 : -compareItem(right, null)) : compareItem(left, right);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

const parsed = new Map<string, List>();

/** Parsed once per text (bounded): matching compares the same versions again and again. */
function parseCached(version: string): List {
  const known = parsed.get(version);
  if (known) return known;
  if (parsed.size >= 100_000) parsed.clear();
  const list = parseMavenVersion(version);
  parsed.set(version, list);
  return list;
}

export function compareMavenVersions(a: string, b: string): number {
  return Math.sign(compareItem(parseCached(a), parseCached(b)));
}
