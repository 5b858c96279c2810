import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../registry.js';

describe('every check', () => {
  it('is registered, and has its table-driven cases in a test file beside it', () => {
    const folder = new URL('./', import.meta.url);
    const files = readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const defined = files.flatMap((file) =>
      [...readFileSync(new URL(file, folder), 'utf8').matchAll(/defineCheck\(\{\s*id: '([a-z0-9_]+)'/g)].map((m) => ({ id: m[1]!, file })),
    );
    expect(defined.map((d) => d.id).sort()).toEqual(CHECKS.map((c) => c.id).sort());
    for (const { id, file } of defined) {
      const test = new URL(file.replace(/\.ts$/, '.test.ts'), folder);
      expect(existsSync(test), `${id}: ${file} has no test file beside it`).toBe(true);
      expect(readFileSync(test, 'utf8'), id).toContain('checkCases(');
    }
  });
});
