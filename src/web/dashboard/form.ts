import type { FastifyRequest } from 'fastify';

/**
 * A posted form's fields, as the browser sent them (untrusted): a field is
 * text, '' when absent or not text; trimmed, except where spaces count (a
 * password).
 */
export function field(request: FastifyRequest, name: string, options: { raw?: boolean } = {}): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string') return '';
  return options.raw ? value : value.trim();
}

/** A field that may repeat (checkboxes): each of its text values. */
export function fields(request: FastifyRequest, name: string): string[] {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}
