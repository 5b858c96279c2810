import { stringify } from 'csv-stringify/sync';

/**
 * CSV as herowatch writes it, everywhere (exports, findings, evidence). A
 * cell is data, never a formula: a spreadsheet runs a cell that starts with
 * =, +, -, @, a tab or a carriage return, and such text can come from
 * Heroku (an app description, a release note), so those cells get a leading
 * apostrophe, which spreadsheets show as text and do not keep.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return stringify([[...header], ...rows.map((row) => row.map(csvCell))]);
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
