import { InputError } from '../errors.js';

/**
 * The opaque cursor of a paged list: where the next page starts. Callers
 * pass it back unchanged; anything else is refused rather than guessed at.
 */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = text.startsWith('o:') ? Number(text.slice(2)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new InputError('HW_INVALID_INPUT', 'The cursor is not one herowatch gave out; start again without it.');
  return offset;
}
