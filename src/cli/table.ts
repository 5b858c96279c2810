/**
 * Aligned plain-text columns for terminal output; any number of rows (widths
 * are measured in a loop, not by spreading rows into arguments). With
 * `width` (a terminal's), the last column is cut to fit it.
 */
export function table(headers: string[], rows: (string | number | boolean | null | undefined)[][], options: { width?: number } = {}): string {
  const text = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell))));
  const widths = headers.map((h) => h.length);
  for (const row of text) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, row[i]?.length ?? 0);
  for (let i = 0; i < widths.length; i++) widths[i] = Math.min(60, widths[i]!);
  if (options.width && widths.length > 1) {
    const before = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
    const last = widths.length - 1;
    const fitted = options.width - before;
    // Past a terminal's width, the last column (a message) takes what is left, but never under 20 characters.
    widths[last] = Math.max(Math.min(20, widths[last]!), Math.min(widths[last]!, fitted));
  }
  const line = (cells: string[]) => cells.map((c = '', i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = new Array<string>(text.length + 2);
  lines[0] = line(headers);
  lines[1] = line(widths.map((w) => '-'.repeat(w)));
  for (let r = 0; r < text.length; r++) lines[r + 2] = line(text[r]!);
  return lines.join('\n');
}
