/**
 * What one answer of the SQL console may hold: rows, bytes per cell and
 * bytes in all. A query can compute values of any size (a repeated string,
 * a blob), so each database applies these where the query runs (SQLite's
 * query process, PostgreSQL's backend), and herowatch never holds more.
 */
export interface ResultBounds {
  /** Rows returned at most. */
  maxRows: number;
  /** A longer value is cut to this many characters of its text (a blob to as many bytes). */
  maxCellChars: number;
  /** Rows stop before the answer's cells pass this many bytes. */
  maxResultBytes: number;
}

/** Why an answer holds fewer rows than the query matched. */
export type Truncation = 'rows' | 'bytes' | null;

export interface BoundedRows {
  columns: string[];
  rows: Record<string, unknown>[];
  truncatedBy: Truncation;
  /** Values cut to `maxCellChars`. */
  cutCells: number;
}

/** A value's size in the answer: its text's bytes (a blob's bytes). */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 4;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof Uint8Array) return value.length;
  return String(value).length;
}

/** `value` cut to `max` characters (a blob to `max` bytes), or null when it is not longer. */
function cut(value: unknown, max: number): unknown {
  if (value instanceof Uint8Array) return value.length > max ? Buffer.from(value.subarray(0, max)) : null;
  if (typeof value !== 'string' || value.length <= max) return null;
  // Not between the two halves of a surrogate pair, so that the cut value is still valid text.
  const end = /[\uD800-\uDBFF]/.test(value[max - 1] ?? '') ? max - 1 : max;
  return value.slice(0, end);
}

/** Takes rows from `rows` within `bounds`: stops at the row cap or before the byte budget, and cuts long values. */
export function boundRows(columns: string[], rows: Iterator<Record<string, unknown>> & Partial<{ return: () => unknown }>, bounds: ResultBounds): BoundedRows {
  const kept: Record<string, unknown>[] = [];
  let bytes = 0;
  let cutCells = 0;
  let truncatedBy: Truncation = null;
  for (let next = rows.next(); !next.done; next = rows.next()) {
    if (kept.length === bounds.maxRows) {
      truncatedBy = 'rows';
      break;
    }
    const row = next.value;
    let rowBytes = 0;
    let rowCut = 0;
    for (const [column, value] of Object.entries(row)) {
      const shorter = cut(value, bounds.maxCellChars);
      if (shorter !== null) {
        row[column] = shorter;
        rowCut++;
      }
      rowBytes += valueBytes(row[column]) + column.length;
    }
    if (bytes + rowBytes > bounds.maxResultBytes) {
      truncatedBy = 'bytes';
      break;
    }
    bytes += rowBytes;
    cutCells += rowCut;
    kept.push(row);
  }
  // Ends the statement at once (it may have far more rows than were taken).
  rows.return?.();
  return { columns, rows: kept, truncatedBy, cutCells };
}
