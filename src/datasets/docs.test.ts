import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RESOURCES } from './registry.js';
import { datasets } from './catalog.js';
import { datasetsMarkdown } from './docs.js';

describe('dataset documentation', () => {
  it('docs/datasets.md is the one generated from the declarations (regenerate: herowatch datasets --markdown > docs/datasets.md)', async () => {
    expect(await readFile(new URL('../../docs/datasets.md', import.meta.url), 'utf8')).toBe(datasetsMarkdown());
  });

  it('describes every column of every dataset, and names are unique', () => {
    for (const dataset of datasets()) {
      expect(new Set(dataset.columns.map((c) => c.name)).size, dataset.name).toBe(dataset.columns.length);
      for (const column of dataset.columns) expect(column.description.length, `${dataset.name}.${column.name}`).toBeGreaterThan(5);
    }
    expect(new Set(RESOURCES.map((r) => r.name)).size).toBe(RESOURCES.length);
  });
});
