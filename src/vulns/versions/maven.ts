/**
 * Maven's version order (ComparableVersion), which Maven advisories are
 * written against. No maintained JavaScript library implements it, so it is
 * written here from Maven's documented rules:
 *
 * - a version is a list of items split at `.` and `-`, and at each change
 *   between digits and letters (`1.0alpha1` is 1, 0, alpha, 1); a `-`, a
 *   change of kind, or a qualifier after a dot that ends the version or is
 *   followed by a number (`1.0.RC1` = `1-RC1`) opens a sub-list, which
 *   sorts before a plain number;
 * - numbers compare as numbers; trailing zeros and empty qualifiers do not
 *   count (`1` = `1.0.0` = `1-ga` = `1.final`);
 * - known qualifiers sort alpha < beta < milestone < rc < snapshot <
 *   (release) < sp, with `a`, `b`, `m` for alpha, beta, milestone when a
 *   number follows, `cr` for rc and `ga`, `final`, `release` for the release
 *   itself; other qualifiers sort after those, alphabetically; any
 *   qualifier sorts before any number.
 */
type Item = { kind: 'int'; value: bigint } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES = new Map([
  ['ga', ''],
  ['final', ''],
  ['release', ''],
  ['cr', 'rc'],
]);
const SHORT = new Map([
  ['a', 'alpha'],
  ['b', 'beta'],
  ['m', 'milestone'],
]);
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function stringItem(value: string, followedByDigit: boolean): Item {
  if (followedByDigit && value.length === 1) value = SHORT.get(value) ?? value;
  return { kind: 'string', value: ALIASES.get(value) ?? value };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', value: BigInt(text) } : stringItem(text, false);
}

/** The sortable form of a qualifier: its rank among the known ones, or after them all, by name. */
function qualifierKey(value: string): string {
  const index = QUALIFIERS.indexOf(value);
  return index === -1 ? `${QUALIFIERS.length}-${value}` : String(index);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === 0n;
  if (item.kind === 'string') return item.value === '';
  return item.items.length === 0;
}

/** Drops what does not count at the end of a list: zeros, release qualifiers, empty sub-lists. */
function normalize(list: Item & { kind: 'list' }): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const last = list.items[i]!;
    if (isNull(last)) list.items.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

export function parseMavenVersion(version: string): Item {
  const text = version.toLowerCase();
  const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
  let list = root;
  const stack = [root];
  const openList = (): void => {
    const next: Item & { kind: 'list' } = { kind: 'list', items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.' || c === '-') {
      list.items.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (c === '-') openList();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        // A qualifier after a dot counts as one after a dash (1.0.RC1 is 1-RC1): it opens a sub-list.
        if (list.items.length > 0) openList();
        list.items.push(stringItem(text.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && list.items.length > 0) openList();
    list.items.push(parseItem(isDigit, text.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

/** Compares `item` with `other`, where null stands for an item that is not there. */
function compareItem(item: Item, other: Item | null): number {
  switch (item.kind) {
    case 'int':
      if (other === null) return item.value === 0n ? 0 : 1;
      if (other.kind === 'int') return item.value < other.value ? -1 : item.value > other.value ? 1 : 0;
      return 1; // a number is newer than a qualifier or a sub-list
    case 'string': {
      if (other === null) return compareText(qualifierKey(item.value), RELEASE_INDEX);
      if (other.kind === 'string') return compareText(qualifierKey(item.value), qualifierKey(other.value));
      return -1;
    }
    case 'list': {
      if (other === null) return item.items.length === 0 ? 0 : compareItem(item.items[0]!, null);
      if (other.kind === 'int') return -1;
      if (other.kind === 'string') return 1;
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

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const parsed = new Map<string, Item>();

/** Parsed once per text (bounded): matching compares the same versions again and again. */
function parseCached(version: string): Item {
  let item = parsed.get(version);
  if (!item) {
    if (parsed.size >= 100_000) parsed.clear();
    item = parseMavenVersion(version);
    parsed.set(version, item);
  }
  return item;
}

export function compareMavenVersions(a: string, b: string): number {
  return Math.sign(compareItem(parseCached(a), parseCached(b)));
}
