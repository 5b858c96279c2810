/** Aligned plain-text columns for terminal output. */
export function table(headers: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell))));
  const widths = headers.map((h, i) => Math.min(60, Math.max(h.length, ...text.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}
