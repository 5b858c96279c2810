import type { PackageRecord, PackageSource } from '../packages.js';
import { ecosystem } from '../ecosystems.js';
import { mayHoldOnHeroku } from './python-markers.js';
import { baseName, devOnly, folderOf, isObject, joinPath, parseJson, parseToml, record, textLines, type PackageReader, type Siblings } from './reader.js';

/** An installed distribution's METADATA (or PKG-INFO): its Name and Version headers. */
function readMetadata(text: string): { packages: PackageRecord[] } {
  let name: string | undefined;
  let version: string | undefined;
  // The headers end at the first empty line; the description follows.
  for (const line of textLines(text)) {
    if (line.trim() === '') break;
    if (name === undefined && line.startsWith('Name:')) name = line.slice(5).trim();
    else if (version === undefined && line.startsWith('Version:')) version = line.slice(8).trim();
  }
  if (!name || !version) throw new Error('metadata without a Name and a Version');
  return { packages: [record('PyPI', name, version)] };
}

/** Where a Poetry or uv package came from, by its source table: a folder, a git repository, an archive, or (absent) an index. */
function lockSource(source: unknown): PackageSource | undefined {
  if (!isObject(source)) return undefined;
  // Poetry names the kind (`legacy` is an index, with its URL); uv gives the kind as the key.
  const kind = typeof source.type === 'string' ? source.type : (['directory', 'path', 'editable', 'git', 'url', 'registry'].find((k) => k in source) ?? null);
  if (kind === 'directory' || kind === 'path' || kind === 'editable') return 'path';
  if (kind === 'git') return 'git';
  if (kind === 'file' || kind === 'url') return 'tarball';
  return undefined;
}

/**
 * poetry.lock: `category = "dev"` (lock 1.x) or groups without "main"
 * (2.x) mark dev packages; path, file, URL and git packages keep their
 * names and versions with their sources. A package that every dependency
 * on it (or its own markers) limits to another platform or Python, and
 * that pyproject.toml does not ask for, is not installed on Heroku.
 */
function readPoetryLock(text: string, path: string, siblings: Siblings): { packages: PackageRecord[] } {
  const lock = parseToml(text, 'poetry.lock');
  const entries = (Array.isArray(lock.package) ? lock.package.filter(isObject) : []).filter((p) => typeof p.name === 'string');
  const project = siblings(`${folderOf(path)}pyproject.toml`);
  const asked = new Set<string>();
  if (project !== undefined) {
    try {
      const manifest = parseToml(project, 'pyproject.toml');
      const poetry = isObject(manifest.tool) && isObject(manifest.tool.poetry) ? manifest.tool.poetry : {};
      const tables = [poetry.dependencies, ...Object.values(isObject(poetry.group) ? poetry.group : {}).map((g) => (isObject(g) ? g.dependencies : null))];
      for (const table of tables) if (isObject(table)) for (const name of Object.keys(table)) asked.add(normalizeName(name));
      const pep621 = isObject(manifest.project) && Array.isArray(manifest.project.dependencies) ? manifest.project.dependencies : [];
      for (const spec of pep621) if (typeof spec === 'string') asked.add(normalizeName(/^[A-Za-z0-9._-]+/.exec(spec)?.[0] ?? ''));
    } catch {
      // A pyproject.toml that does not parse asks for nothing we can read.
    }
  }
  // Every dependency on a package, with its marker (none: it holds everywhere).
  const wanted = new Map<string, boolean>();
  for (const entry of entries) {
    if (!isObject(entry.dependencies)) continue;
    for (const [name, spec] of Object.entries(entry.dependencies)) {
      const specs = Array.isArray(spec) ? spec : [spec];
      const holds = specs.some((s) => !isObject(s) || typeof s.markers !== 'string' || mayHoldOnHeroku(s.markers));
      wanted.set(normalizeName(name), (wanted.get(normalizeName(name)) ?? false) || holds);
    }
  }
  const installed = (entry: Record<string, unknown>) => {
    const name = normalizeName(String(entry.name));
    if (typeof entry.markers === 'string' && !mayHoldOnHeroku(entry.markers)) return false;
    return asked.has(name) || wanted.get(name) !== false;
  };
  return {
    packages: entries.filter(installed).map((p) => {
      const groups = Array.isArray(p.groups) ? p.groups.map(String) : null;
      const dev = p.category === 'dev' || (groups !== null && groups.length > 0 && !groups.includes('main'));
      return record('PyPI', String(p.name), typeof p.version === 'string' ? p.version : null, dev, lockSource(p.source));
    }),
  };
}

/** PEP 503's name, as the PyPI ecosystem normalises it. */
function normalizeName(name: string): string {
  return ecosystem('PyPI')!.normalizeName(name);
}

/** A Pipfile.lock pin, `==1.2.3`, as its version; anything else is no version. */
function pinned(spec: unknown): string | null {
  const match = typeof spec === 'string' ? /^===?\s*([^,;\s]+)$/.exec(spec.trim()) : null;
  return match ? match[1]! : null;
}

/** Where a Pipfile.lock entry came from: a folder, a git repository or a file; absent, an index. */
function pipfileSource(entry: Record<string, unknown>): PackageSource | undefined {
  if (typeof entry.git === 'string') return 'git';
  if (typeof entry.path === 'string') return 'path';
  if (typeof entry.file === 'string') return 'tarball';
  return undefined;
}

/**
 * Pipfile.lock: `default` is what runs, `develop` what only development
 * needs; a package whose markers hold on no Heroku machine is not there.
 */
function readPipfileLock(text: string): { packages: PackageRecord[] } {
  const lock = parseJson(text);
  if (!isObject(lock) || (!isObject(lock.default) && !isObject(lock.develop))) throw new Error('not a Pipfile.lock (no default or develop section)');
  const production = isObject(lock.default) ? lock.default : {};
  const packages: PackageRecord[] = [];
  const add = (name: string, entry: unknown, dev: boolean) => {
    const fields = isObject(entry) ? entry : {};
    if (typeof fields.markers === 'string' && !mayHoldOnHeroku(fields.markers)) return;
    packages.push(record('PyPI', name, pinned(fields.version), dev, pipfileSource(fields)));
  };
  for (const [name, entry] of Object.entries(production)) add(name, entry, false);
  for (const [name, entry] of Object.entries(isObject(lock.develop) ? lock.develop : {})) if (!Object.hasOwn(production, name)) add(name, entry, true);
  return { packages };
}

/**
 * uv.lock: every package with its version and source; the project itself
 * (an editable or virtual source at `.`) is left out, and dev-only packages
 * are those only its dependency groups reach (Heroku installs none of them).
 */
function readUvLock(text: string): { packages: PackageRecord[] } {
  const lock = parseToml(text, 'uv.lock');
  const entries = Array.isArray(lock.package) ? lock.package.filter(isObject) : [];
  const names = (list: unknown): string[] => (Array.isArray(list) ? list.filter(isObject).map((d) => String(d.name)) : []);
  // The project itself: its source is the lockfile's own folder (editable or virtual `.`).
  const isLocal = (p: Record<string, unknown>) => {
    const source = isObject(p.source) ? p.source : {};
    const at = source.editable ?? source.virtual;
    return typeof at === 'string' && ['.', './', ''].includes(at);
  };
  const graph = new Map(
    entries.map((p) => [
      String(p.name),
      [...names(p.dependencies), ...Object.values(isObject(p['optional-dependencies']) ? p['optional-dependencies'] : {}).flatMap(names)],
    ]),
  );
  const projects = entries.filter(isLocal);
  const production = projects.flatMap((p) => graph.get(String(p.name)) ?? []);
  const development = projects.flatMap((p) => Object.values(isObject(p['dev-dependencies']) ? p['dev-dependencies'] : {}).flatMap(names));
  const dev = devOnly(production, development, (name) => graph.get(name) ?? []);
  return {
    packages: entries
      .filter((p) => !isLocal(p) && typeof p.name === 'string')
      .map((p) => record('PyPI', String(p.name), typeof p.version === 'string' ? p.version : null, dev.has(String(p.name)), lockSource(p.source))),
  };
}

/**
 * requirements*.txt: only `==` and `===` pins give a version
 * (`requests>=2.0` is the package with its version unknown, never 2.0).
 * Lines continue after a backslash; hashes and extras do not change the
 * package; a line whose environment marker holds on no Heroku machine
 * installs nothing there; `-r` and `--requirement` include another file
 * (beside this one, when it was deployed), `-c` only constrains. A URL,
 * `name @ URL` or `-e` names a package not from the index: `name @` keeps
 * its name, with its source. A file named for development or tests
 * (requirements-dev.txt) holds dev packages: Heroku installs
 * requirements.txt only.
 */
function readRequirements(
  text: string,
  path: string,
  siblings: Siblings,
  dev = /(dev|test|lint|doc)/i.test(baseName(path)),
  seen = new Set<string>(),
): { packages: PackageRecord[] } {
  seen.add(path);
  const packages: PackageRecord[] = [];
  for (const raw of textLines(text.replace(/\\\r?\n/g, ' '))) {
    const line = requirementWithoutComment(raw);
    if (!line) continue;
    const include = /^(?:-r|--requirement)(?:\s+|=)(\S+)$/.exec(line);
    if (include) {
      const target = joinPath(folderOf(path), include[1]!);
      const includedText = target === null ? undefined : siblings(target);
      // An include not deployed (or outside what was), or one already read (a loop), adds nothing.
      if (target !== null && includedText !== undefined && !seen.has(target) && seen.size < 20)
        for (const included of readRequirements(includedText, target, siblings, dev, seen).packages) packages.push(included);
      continue;
    }
    if (line.startsWith('-') || /^[a-z+]+:\/\//i.test(line)) continue;
    const [requirement, marker] = splitMarker(line.replace(/\s--hash[= ]\S+/g, ''));
    if (marker !== null && !mayHoldOnHeroku(marker)) continue;
    // `name @ URL` (PEP 508): the part before the `@` is the name (and extras), cut at known characters, never a pattern that can backtrack.
    const at = requirement.indexOf('@');
    if (at > 0) {
      const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement.slice(0, at).trim())?.[0];
      const url =
        requirement
          .slice(at + 1)
          .trim()
          .split(/\s/)[0] ?? '';
      const source = /^git\+/.test(url) ? 'git' : /^file:/.test(url) && !/\.(whl|tar\.gz|zip)$/.test(url) ? 'path' : 'tarball';
      if (name && url) packages.push(record('PyPI', name, null, dev, source));
      continue;
    }
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/s.exec(requirement);
    if (!match) continue;
    const pin = /^===?\s*([^\s,*]+)$/.exec(match[3]!.trim());
    packages.push(record('PyPI', match[1]!, pin ? pin[1]! : null, dev));
  }
  return { packages };
}

/** A requirement and its environment marker (after a `;`), or null when it has none. */
function splitMarker(line: string): [string, string | null] {
  const at = line.indexOf(';');
  return at === -1 ? [line.trim(), null] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
}

/** A requirements line without its comment: `#` at the start, or after a space (a `#` inside a URL is not one). */
function requirementWithoutComment(line: string): string {
  for (let at = line.indexOf('#'); at !== -1; at = line.indexOf('#', at + 1)) {
    if (at === 0 || /\s/.test(line[at - 1]!)) return line.slice(0, at).trim();
  }
  return line.trim();
}

/** pyproject.toml, read beside poetry.lock and uv.lock. */
export function isPythonCompanion(path: string): boolean {
  return baseName(path) === 'pyproject.toml' && !/(^|\/)(\.heroku|site-packages|node_modules|vendor)\//.test(path);
}

/**
 * A text file a requirements file may include (`-r base.txt`): which ones
 * it names is known only once it is read, so small text files of the
 * project are kept in case (the scan bounds their size and their total).
 */
export function isRequirementsIncludeCandidate(path: string): boolean {
  if (/(^|\/)(\.heroku|site-packages|node_modules|vendor|public|static|assets)\//.test(path)) return false;
  return /\.(txt|in)$/.test(baseName(path)) && !/^requirements[^/]*\.txt$/.test(baseName(path));
}

export const pythonReaders: PackageReader[] = [
  {
    format: 'installed distribution (.dist-info)',
    evidence: 'installed',
    matches: (path) => /(^|\/)\.heroku\/python\/lib\/python[^/]+\/site-packages\/[^/]+\.(dist-info\/METADATA|egg-info\/PKG-INFO)$/.test(path),
    read: (file) => readMetadata(file.text),
  },
  {
    format: 'poetry.lock',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'poetry.lock' && !path.includes('.heroku/'),
    read: (file, siblings) => readPoetryLock(file.text, file.path, siblings),
  },
  {
    format: 'Pipfile.lock',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'Pipfile.lock' && !path.includes('.heroku/'),
    read: (file) => readPipfileLock(file.text),
  },
  {
    format: 'uv.lock',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'uv.lock' && !path.includes('.heroku/'),
    read: (file) => readUvLock(file.text),
  },
  {
    format: 'requirements.txt',
    evidence: 'manifest',
    matches: (path) => /^requirements[^/]*\.txt$/.test(baseName(path)) && !path.includes('.heroku/') && !path.includes('site-packages/'),
    read: (file, siblings) => readRequirements(file.text, file.path, siblings),
  },
];
