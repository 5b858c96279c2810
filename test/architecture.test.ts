import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/**
 * The layers, top to bottom: a file may import from its own layer or one
 * below, never from above. The front ends stand on the service layer, which
 * orchestrates the pure domains, which stand on the store and the client.
 */
const LAYERS: string[][] = [
  ['cli'],
  ['web'],
  ['scheduler', 'worker', 'mcp'],
  ['service'],
  ['evidence', 'notify'],
  ['compliance', 'vulns'],
  ['connections'],
  ['inventory', 'vault'],
  ['store', 'config.ts'],
  ['datasets'],
  ['heroku', 'osv', 'settings.ts'],
  ['emulator', 'zip', 'export', 'errors.ts', 'severity.ts', 'ocsf.ts', 'log.ts', 'time.ts', 'text.ts', 'version.ts', 'script-path.ts'],
];

const room = (file: string): string => relative(src, file).split('/')[0]!;
const layerOf = (file: string): number => {
  const index = LAYERS.findIndex((layer) => layer.includes(room(file)));
  if (index < 0) throw new Error(`${relative(src, file)} is in no layer: add src/${room(file)} to LAYERS`);
  return index;
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)])));
  return files.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
}

/** Every source file with what it imports (type-only imports included): files of src, and packages. */
async function importGraph(): Promise<Map<string, { files: string[]; packages: string[] }>> {
  const graph = new Map<string, { files: string[]; packages: string[] }>();
  for (const file of await sourceFiles(src)) {
    const imports = ts.preProcessFile(await readFile(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
    graph.set(file, {
      files: imports.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts')),
      packages: imports.filter((s) => !s.startsWith('.')),
    });
  }
  return graph;
}

describe('the architecture', async () => {
  const graph = await importGraph();

  it('has SQL in the store only: no other code imports Kysely or a database driver', () => {
    const offending = [...graph].flatMap(([file, { packages }]) =>
      room(file) === 'store' ? [] : packages.filter((p) => /^(kysely|pg|better-sqlite3)(\/|$)/.test(p)).map((p) => `${relative(src, file)} -> ${p}`),
    );
    expect(offending).toEqual([]);
  });

  it('has the queue library in the store only, like the database drivers', () => {
    const offending = [...graph].flatMap(([file, { packages }]) =>
      room(file) === 'store' ? [] : packages.filter((p) => /^graphile-worker(\/|$)/.test(p)).map((p) => `${relative(src, file)} -> ${p}`),
    );
    expect(offending).toEqual([]);
  });

  it('has thin doors: the CLI, the web server, MCP, the scheduler and the worker reach the store only through the service', () => {
    const doors = ['cli', 'web', 'mcp', 'scheduler', 'worker'];
    const offending = [...graph].flatMap(([file, { files }]) =>
      doors.includes(room(file))
        ? files.filter((target) => room(target) === 'store').map((target) => `${relative(src, file)} -> ${relative(src, target)}`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('has doors that never hand the store to anything: they call service functions with herowatch itself', async () => {
    const doors = ['cli', 'web', 'mcp', 'scheduler', 'worker'];
    const offending: string[] = [];
    for (const file of graph.keys()) {
      if (!doors.includes(room(file))) continue;
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/\bhw\.store\b|\.store\.db\b/g)) offending.push(`${relative(src, file)}: ${match[0]}`);
    }
    expect(offending).toEqual([]);
  });

  it('leaves the choice of database to the store: no code outside it asks which dialect it speaks', async () => {
    const offending: string[] = [];
    for (const file of graph.keys()) {
      if (room(file) === 'store') continue;
      if (/\.dialect\b/.test(await readFile(file, 'utf8'))) offending.push(relative(src, file));
    }
    expect(offending).toEqual([]);
  });

  it('has no import from a lower layer up into a higher one', () => {
    const offending = [...graph].flatMap(([file, { files }]) =>
      files.filter((target) => layerOf(target) < layerOf(file)).map((target) => `${relative(src, file)} -> ${relative(src, target)}`),
    );
    expect(offending).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file)?.files ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
