import { parse as parseToml } from 'smol-toml';
import type { PackageRecord } from '../packages.js';
import { baseName, devOnly, isObject, parseJson, record, textLines, type PackageReader } from './reader.js';

function toml(text: string, what: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`not a valid ${what} (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
}

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

/** poetry.lock: `category = "dev"` (lock 1.x) or groups without "main" (2.x) mark dev packages. */
function readPoetryLock(text: string): { packages: PackageRecord[] } {
  const lock = toml(text, 'poetry.lock');
  const entries = Array.isArray(lock.package) ? lock.package.filter(isObject) : [];
  return {
    packages: entries
      .filter((p) => typeof p.name === 'string')
      .map((p) => {
        const groups = Array.isArray(p.groups) ? p.groups.map(String) : null;
        const dev = p.category === 'dev' || (groups !== null && groups.length > 0 && !groups.includes('main'));
        return record('PyPI', String(p.name), typeof p.version === 'string' ? p.version : null, dev);
      }),
  };
}

/** A Pipfile.lock pin, `==1.2.3`, as its version; anything else is no version. */
function pinned(spec: unknown): string | null {
  const match = typeof spec === 'string' ? /^===?\s*([^,;\s]+)$/.exec(spec.trim()) : null;
  return match ? match[1]! : null;
}

/** Pipfile.lock: `default` is what runs, `develop` what only development needs. */
function readPipfileLock(text: string): { packages: PackageRecord[] } {
  const lock = parseJson(text);
  if (!isObject(lock) || (!isObject(lock.default) && !isObject(lock.develop))) throw new Error('not a Pipfile.lock (no default or develop section)');
  const production = isObject(lock.default) ? lock.default : {};
  const packages: PackageRecord[] = [];
  for (const [name, entry] of Object.entries(production)) packages.push(record('PyPI', name, pinned(isObject(entry) ? entry.version : null)));
  for (const [name, entry] of Object.entries(isObject(lock.develop) ? lock.develop : {})) {
    if (name in production) continue;
    packages.push(record('PyPI', name, pinned(isObject(entry) ? entry.version : null), true));
  }
  return { packages };
}

/**
 * uv.lock: every package with its version; the project itself (an editable
 * or virtual source) is left out, and dev-only packages are those only its
 * dev-dependencies reach.
 */
function readUvLock(text: string): { packages: PackageRecord[] } {
  const lock = toml(text, 'uv.lock');
  const entries = Array.isArray(lock.package) ? lock.package.filter(isObject) : [];
  const names = (list: unknown): string[] => (Array.isArray(list) ? list.filter(isObject).map((d) => String(d.name)) : []);
  const isLocal = (p: Record<string, unknown>) =>
    isObject(p.source) && ('editable' in p.source || 'virtual' in p.source || 'path' in p.source || 'directory' in p.source);
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
      .map((p) => record('PyPI', String(p.name), typeof p.version === 'string' ? p.version : null, dev.has(String(p.name)))),
  };
}

/**
 * requirements*.txt: only `==` pins give a version (`requests>=2.0` is the
 * package with its version unknown, never 2.0). Options, includes, URLs
 * and editable installs name no registry version and are skipped. A file
 * named for development or tests (requirements-dev.txt) holds dev packages:
 * Heroku installs requirements.txt only.
 */
function readRequirements(text: string, path: string): { packages: PackageRecord[] } {
  const dev = /(dev|test|lint|doc)/i.test(baseName(path));
  const packages: PackageRecord[] = [];
  for (const raw of textLines(text.replace(/\\\r?\n/g, ' '))) {
    const line = requirementWithoutComment(raw);
    if (!line || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line) || line.includes(' @ ')) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/s.exec(
      line
        .split(';')[0]!
        .replace(/\s--hash=\S+/g, '')
        .trim(),
    );
    if (!match) continue;
    const pin = /^===?\s*([^\s,*]+)$/.exec(match[3]!.trim());
    packages.push(record('PyPI', match[1]!, pin ? pin[1]! : null, dev));
  }
  return { packages };
}

/** A requirements line without its comment: `#` at the start, or after a space (a `#` inside a URL is not one). */
function requirementWithoutComment(line: string): string {
  for (let at = line.indexOf('#'); at !== -1; at = line.indexOf('#', at + 1)) {
    if (at === 0 || /\s/.test(line[at - 1]!)) return line.slice(0, at).trim();
  }
  return line.trim();
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
    read: (file) => readPoetryLock(file.text),
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
    read: (file) => readRequirements(file.text, file.path),
  },
];
