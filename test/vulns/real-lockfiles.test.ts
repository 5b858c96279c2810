/**
 * Lockfiles written by the real package managers (npm, yarn classic and
 * berry, pnpm 7, 8 and 10, Cargo, Go, Bundler, pipenv, Poetry, pip), each
 * beside what the manager itself lists as installed (`expected.json`, and
 * `COMMANDS.md` for how): herowatch must read each as its manager does,
 * local, path, git and tarball packages included, under the name and the
 * version the lockfile records.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScanCollector } from '../../src/vulns/scan.js';

const root = fileURLToPath(new URL('../fixtures/lockfiles/real/', import.meta.url));

interface Expected {
  name: string;
  version: string | null;
  dev: boolean;
  source: string;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const cases = filesUnder(root)
  .filter((path) => path.endsWith('/expected.json'))
  .map((path) => relative(root, path).replace(/\/expected\.json$/, ''))
  .sort();

/** What herowatch reads of a fixture's folder, deployed as an app's files. */
function read(fixture: string): Expected[] {
  const collector = new ScanCollector();
  for (const path of filesUnder(join(root, fixture))) {
    const name = relative(join(root, fixture), path);
    if (/(^|\/)(expected[^/]*\.json|herowatch\.json|COMMANDS\.md|go-list-m-all\.txt)$/.test(name)) continue;
    const sink = collector.open(`app/${name}`, null);
    if (!sink) continue;
    sink.write(readFileSync(path));
    sink.end();
  }
  return collector
    .finish()
    .packages.map((p) => ({ name: p.name, version: p.version, dev: p.dev, source: p.source ?? 'registry' }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.version ?? '') < (b.version ?? '') ? -1 : 1));
}

/**
 * What the manager lists, but where herowatch cannot know it from what is
 * deployed (`herowatch.json`, each difference with its reason): a version
 * the lockfile does not record, read by the manager from a folder outside
 * the project.
 */
function expected(fixture: string): Expected[] {
  const listed = JSON.parse(readFileSync(join(root, fixture, 'expected.json'), 'utf8')) as Expected[];
  const differences = existsSync(join(root, fixture, 'herowatch.json'))
    ? (JSON.parse(readFileSync(join(root, fixture, 'herowatch.json'), 'utf8')) as { differences: (Expected & { why: string })[] }).differences
    : [];
  for (const { why, ...difference } of differences) {
    expect(why.length).toBeGreaterThan(20);
    const at = listed.findIndex((p) => p.name === difference.name && p.source === difference.source);
    expect(at, `${fixture}: ${difference.name} is listed`).toBeGreaterThanOrEqual(0);
    listed[at] = difference;
  }
  return listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.version ?? '') < (b.version ?? '') ? -1 : 1));
}

describe('lockfiles written by the real package managers', () => {
  it('covers every manager and category the corpus has', () => {
    expect(cases.length).toBeGreaterThanOrEqual(19);
  });

  it.each(cases)('%s: read as its manager lists it', (fixture) => {
    expect(read(fixture)).toEqual(expected(fixture));
  });
});
