/**
 * Aligned plain-text columns for terminal output; any number of rows (widths
 * are measured in a loop, not by spreading rows into arguments).
 *
 * To a file or a pipe, nothing is cut: every value is there whole. On a
 * terminal (`width`, by default the terminal's), a table wider than the
 * terminal is fitted to it: the last column (a message, a description)
 * wraps onto lines of its own under its start, and when the other columns
 * alone leave it too little room, the widest of them are cut (with `…`) to
 * no less than 12 characters.
 */
export function table(headers: string[], rows: (string | number | boolean | null | undefined)[][], options: { width?: number } = {}): string {
  const width = 'width' in options ? options.width : terminalWidth();
  const text = rows.map((row) => headers.map((_, i) => cellText(row[i])));
  const widths = headers.map((h) => h.length);
  for (const row of text) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, row[i]!.length);
  const last = widths.length - 1;
  let wrapAt = Infinity;
  if (width && widths.length > 1 && widths.reduce((sum, w) => sum + w + 2, -2) > width) {
    // The last column gets at least this much; the others give up room, widest first, down to a floor.
    const lastMin = Math.min(widths[last]!, Math.max(20, Math.floor(width / 3)));
    let others = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
    while (others + lastMin > width) {
      let widest = -1;
      for (let i = 0; i < last; i++) if (widths[i]! > 12 && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
      if (widest === -1) break;
      widths[widest]!--;
      others--;
    }
    wrapAt = Math.max(lastMin, width - others);
    widths[last] = Math.min(widths[last]!, wrapAt);
  }
  const indent = ' '.repeat(widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0));
  const line = (cells: string[]): string[] => {
    const fixed = cells.slice(0, last).map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)));
    const [first = '', ...more] = wrap(cells[last] ?? '', wrapAt);
    return [[...fixed, first].join('  ').trimEnd(), ...more.map((part) => `${indent}${part}`.trimEnd())];
  };
  const lines: string[] = [...line(headers), ...line(widths.map((w) => '-'.repeat(w)))];
  for (const row of text) for (const l of line(row)) lines.push(l);
  return lines.join('\n');
}

function cellText(cell: string | number | boolean | null | undefined): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
}

/** Lines of at most `width` characters, broken at spaces where there are any. */
function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const at = space > width / 2 ? space : width;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^ /, '');
  }
  if (rest) parts.push(rest);
  return parts;
}

/** The terminal's width when standard output is one; none (nothing cut) for a file or a pipe. */
function terminalWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}
