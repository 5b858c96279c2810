import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const packageJson = JSON.parse(await readFile(join(here, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)])));
  return files.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
}

describe("the emulator's boundary", () => {
  it('imports nothing from the rest of herowatch: only its own folder, Node and declared dependencies', async () => {
    const offending: string[] = [];
    for (const file of await sourceFiles(here)) {
      const text = await readFile(file, 'utf8');
      for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (relative(here, target).startsWith('..')) offending.push(`${relative(here, file)} -> ${specifier}`);
        } else if (!specifier.startsWith('node:')) {
          const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
          if (!(name in packageJson.dependencies)) offending.push(`${relative(here, file)} -> ${specifier} (not a dependency)`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
