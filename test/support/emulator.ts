import { afterAll, expect, onTestFinished } from 'vitest';
import { startEmulator, type Emulator, type StartEmulatorOptions } from '../../src/emulator/index.js';

export const V3 = 'application/vnd.heroku+json; version=3';

/**
 * An emulator for one test file (call at the top level). Every response it
 * sends is checked against the official Platform API schema; the file fails
 * if any was off.
 */
export async function startTestEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ validateResponses: true, ...options });
  afterAll(() => finish(emulator));
  return emulator;
}

/** The same for one test (call inside `it`): checked and closed when the test ends. */
export async function startEmulatorForTest(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ validateResponses: true, ...options });
  onTestFinished(() => finish(emulator));
  return emulator;
}

async function finish(emulator: Emulator): Promise<void> {
  await emulator.close();
  expect(emulator.schemaViolations(), 'responses that disagree with the official schema').toEqual([]);
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A GET (or other method) with Heroku's headers; the body parsed when JSON. */
export async function api<T = unknown>(
  emulator: Emulator,
  path: string,
  token: string | null,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: V3, ...init.headers };
  if (token !== null) headers.Authorization ??= `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${emulator.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  if (text && response.headers.get('content-type')?.includes('json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** Follows Next-Range like Heroku's clients; returns every item and each page's response. */
export async function walk<T = Record<string, unknown>>(
  emulator: Emulator,
  path: string,
  token: string,
  range?: string,
): Promise<{ items: T[]; pages: ApiResponse<T[]>[] }> {
  const items: T[] = [];
  const pages: ApiResponse<T[]>[] = [];
  let next: string | undefined = range;
  for (let guard = 0; guard < 10_000; guard++) {
    const page: ApiResponse<T[]> = await api<T[]>(emulator, path, token, { headers: next ? { Range: next } : {} });
    pages.push(page);
    items.push(...page.body);
    const nextRange = page.headers.get('next-range');
    if (page.status !== 206 || !nextRange) break;
    next = nextRange;
  }
  return { items, pages };
}
