import type { PackageRecord } from '../packages.js';
import { baseName, record, textLines, withoutComment, type PackageReader } from './reader.js';

/**
 * go.mod: the required modules at the versions minimal version selection
 * settled on (Go 1.17 and later list them all, in two blocks; earlier ones
 * mix direct and indirect in one), after `replace` directives: a module
 * replaced by another is the other at its version; one replaced by a local
 * folder keeps its path and required version, as `go list -m all` shows
 * it, and is code of the project (a path), not the registry's. A
 * replacement that names a version applies to that version only.
 */
function readGoMod(text: string): { packages: PackageRecord[] } {
  const required = new Map<string, string>();
  const replaced = new Map<string, { from: string | null; path: string; version: string | null }>();
  let block: string | null = null;
  for (const raw of textLines(text)) {
    const line = withoutComment(raw, '//');
    if (!line) continue;
    if (block) {
      if (line === ')') {
        block = null;
        continue;
      }
      directive(block, line);
      continue;
    }
    const open = /^(require|replace|exclude|retract)\s*\($/.exec(line);
    if (open) {
      block = open[1]!;
      continue;
    }
    const single = /^(require|replace)\s+(.+)$/s.exec(line);
    if (single) directive(single[1]!, single[2]!);
  }
  function directive(kind: string, body: string): void {
    if (kind === 'require') {
      const [path, version] = body.split(/\s+/);
      if (path && version) required.set(path, version);
    } else if (kind === 'replace') {
      const match = /^(\S+)(?:\s+(\S+))?\s*=>\s*(\S+)(?:\s+(\S+))?$/.exec(body);
      // A replacement of every version wins over one of a single version only when that version is not the one required.
      if (match) replaced.set(`${match[1]!} ${match[2] ?? ''}`, { from: match[2] ?? null, path: match[3]!, version: match[4] ?? null });
    }
  }
  const packages: PackageRecord[] = [];
  for (const [path, version] of required) {
    const replacement = replaced.get(`${path} ${version}`) ?? replaced.get(`${path} `);
    if (!replacement) packages.push(record('Go', path, version));
    else if (/^\.{0,2}\/|^[A-Za-z]:\\/.test(replacement.path)) packages.push(record('Go', path, version, false, 'path'));
    else if (replacement.version !== null) packages.push(record('Go', replacement.path, replacement.version));
  }
  return { packages };
}

export const goReaders: PackageReader[] = [
  {
    format: 'go.mod',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'go.mod' && !path.includes('/vendor/') && !path.includes('/pkg/mod/'),
    read: (file) => readGoMod(file.text),
  },
];
