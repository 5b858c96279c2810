import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Herowatch } from '../../src/service/herowatch.js';

export const bin = fileURLToPath(new URL('../../bin/herowatch', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs ./bin/herowatch with only PATH and the given environment; `stdin` is piped in when given; as another user when `as` says so (root only). */
export function herowatch(env: Record<string, string>, args: string[], stdin?: string, as?: { uid: number; gid: number }): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024, ...as },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
    else child.stdin!.end();
  });
}

/** Starts ./bin/herowatch in the background, output collected. */
export function startHerowatch(env: Record<string, string>, args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return { child, done };
}

/** The first match of `pattern` on a started command's standard error, or output (a server announcing its address). */
export function announced(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000, stream: 'stderr' | 'stdout' = 'stderr'): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing matching ${pattern} on ${stream}`)), timeoutMs);
    child[stream]!.on('data', (chunk: Buffer) => {
      const match = pattern.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
}

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return (await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)])))).flat();
}

/** Every value of every herowatch table, as text: what a database dump would contain. */
export async function databaseText(hw: Herowatch): Promise<string> {
  const tables =
    hw.store.dialect === 'postgres'
      ? await sql<{
          name: string;
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(hw.store.db)
      : await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(hw.store.db);
  let text = '';
  for (const { name } of tables.rows) {
    const { rows } = await sql.raw(`SELECT * FROM ${name}`).execute(hw.store.db);
    text += JSON.stringify(rows);
  }
  return text;
}
