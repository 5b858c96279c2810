import { parseSyml } from '@yarnpkg/parsers';
import { parse as parseYaml } from 'yaml';
import type { PackageRecord } from '../packages.js';
import { baseName, devOnly, folderOf, isObject, parseJson, record, type PackageReader, type Siblings } from './reader.js';

/** The package name in a `node_modules/...` path: the part after the last `node_modules/` (scoped names keep their scope). */
function nameFromPath(key: string): string {
  const at = key.lastIndexOf('node_modules/');
  return at === -1 ? key : key.slice(at + 'node_modules/'.length);
}

/** Local code (a workspace link, a `file:` folder) is not the registry package that has its name. */
function isLocal(resolved: unknown, version: unknown): boolean {
  return (typeof resolved === 'string' && resolved.startsWith('file:')) || (typeof version === 'string' && /^(file|link|workspace):/.test(version));
}

/** An alias (`npm:real-name@1.2.3`) as the real package and version. */
function unalias(name: string, version: string): { name: string; version: string } {
  const match = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(version);
  return match ? { name: match[1]!, version: match[2]! } : { name, version };
}

/** A version as npm wrote it, or null when it is a git or tarball source without one. */
function npmVersion(version: unknown): string | null {
  if (typeof version !== 'string' || version === '') return null;
  return /^[a-z+]+:/i.test(version) ? null : version;
}

/** package-lock.json and npm-shrinkwrap.json, all versions; node_modules/.package-lock.json (what is installed). */
function readPackageLock(text: string, installed: boolean): { packages: PackageRecord[]; format: string } {
  const lock = parseJson(text);
  if (!isObject(lock)) throw new Error('not a package-lock (no object at the top)');
  const version = typeof lock.lockfileVersion === 'number' ? lock.lockfileVersion : 1;
  const packages: PackageRecord[] = [];
  if (isObject(lock.packages)) {
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key === '' || !isObject(entry) || entry.link === true || !key.includes('node_modules/')) continue;
      if (isLocal(entry.resolved, entry.version)) continue;
      const name = typeof entry.name === 'string' ? entry.name : nameFromPath(key);
      packages.push(record('npm', name, npmVersion(entry.version), entry.dev === true));
    }
  } else if (isObject(lock.dependencies)) {
    const walk = (dependencies: Record<string, unknown>): void => {
      for (const [alias, entry] of Object.entries(dependencies)) {
        if (!isObject(entry) || typeof entry.version !== 'string' || isLocal(entry.resolved, entry.version)) continue;
        const real = unalias(alias, entry.version);
        packages.push(record('npm', real.name, npmVersion(real.version), entry.dev === true));
        if (isObject(entry.dependencies)) walk(entry.dependencies);
      }
    };
    walk(lock.dependencies);
  }
  return { packages, format: installed ? 'node_modules/.package-lock.json' : `package-lock v${version}` };
}

/** The package a yarn descriptor names: `lodash@^4`, `@scope/x@npm:^1`, an alias `a@npm:real@^1`. */
function descriptorName(descriptor: string): { name: string; range: string } {
  const trimmed = descriptor.trim().replace(/^"|"$/g, '');
  const at = trimmed.indexOf('@', 1);
  if (at === -1) return { name: trimmed, range: '' };
  const name = trimmed.slice(0, at);
  const range = trimmed.slice(at + 1);
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@/.exec(range);
  return { name: alias ? alias[1]! : name, range };
}

/** The production and dev dependency names of the package.json beside a lockfile, when there is one. */
function manifestRoots(path: string, siblings: Siblings): { production: string[]; development: string[] } | null {
  const text = siblings(`${folderOf(path)}package.json`);
  if (text === undefined) return null;
  const manifest = parseJson(text);
  if (!isObject(manifest)) return null;
  const names = (field: string) => (isObject(manifest[field]) ? Object.keys(manifest[field]) : []);
  return { production: [...names('dependencies'), ...names('optionalDependencies'), ...names('peerDependencies')], development: names('devDependencies') };
}

/**
 * yarn.lock, classic (v1) and berry (v2+, YAML with `__metadata`). yarn
 * does not mark dev packages: they are those the package.json beside it
 * reaches only through devDependencies (without one, none is marked).
 */
function readYarnLock(text: string, path: string, siblings: Siblings): { packages: PackageRecord[]; format: string } {
  let parsed: unknown;
  try {
    parsed = parseSyml(text);
  } catch (error) {
    throw new Error(`not a yarn.lock (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(parsed)) throw new Error('not a yarn.lock');
  const berry = isObject(parsed.__metadata);
  const entries: { key: string; name: string; version: string | null; dependencies: string[] }[] = [];
  const byDescriptor = new Map<string, string>();
  // Every dependency a lockfile lists takes a line of it; YAML aliases (which yarn never writes) can make one line count
  // thousands of times. More dependencies than the file has characters for is such a file.
  let edges = 0;
  const edgeBudget = Math.max(1_000, text.length / 4);
  for (const [keys, entry] of Object.entries(parsed)) {
    if (keys === '__metadata' || !isObject(entry)) continue;
    const descriptors = keys
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    const resolution = typeof entry.resolution === 'string' ? entry.resolution : null;
    if (resolution && /@(workspace|link|portal|file):/.test(resolution)) continue;
    const { name } = descriptorName(resolution ?? descriptors[0]!);
    const version = typeof entry.version === 'string' ? entry.version : null;
    const key = `${name}@${version ?? keys}`;
    const dependencies = isObject(entry.dependencies) ? Object.entries(entry.dependencies).map(([dep, range]) => `${dep}@${String(range)}`) : [];
    edges += dependencies.length;
    if (edges > edgeBudget) throw new Error('more dependencies than a lockfile of its size can list (YAML aliases?)');
    entries.push({ key, name, version, dependencies });
    for (const descriptor of descriptors) byDescriptor.set(normalizeDescriptor(descriptor, berry), key);
  }
  const roots = manifestRoots(path, siblings);
  let dev = new Set<string>();
  if (roots) {
    const resolve = (descriptor: string): string | undefined => byDescriptor.get(normalizeDescriptor(descriptor, berry));
    const byName = new Map<string, string[]>();
    for (const e of entries) {
      const keys = byName.get(e.name);
      if (keys) keys.push(e.key);
      else byName.set(e.name, [e.key]);
    }
    const rootKeys = (names: string[]) => names.flatMap((n) => byName.get(n) ?? []);
    const graph = new Map(entries.map((e) => [e.key, e.dependencies.map(resolve).filter((k): k is string => k !== undefined)]));
    dev = devOnly(rootKeys(roots.production), rootKeys(roots.development), (key) => graph.get(key) ?? []);
  }
  return { packages: entries.map((e) => record('npm', e.name, e.version, dev.has(e.key))), format: berry ? 'yarn.lock (berry)' : 'yarn.lock v1' };
}

/** A yarn descriptor as the lockfile keys it: berry writes `npm:` before plain ranges, classic does not. */
function normalizeDescriptor(descriptor: string, berry: boolean): string {
  const text = descriptor.trim().replace(/^"|"$/g, '');
  const name = text.slice(0, text.indexOf('@', 1));
  const range = text.slice(text.indexOf('@', 1) + 1);
  const plain = berry && range && !/^[a-z]+:/.test(range) ? `npm:${range}` : range;
  return `${name}@${plain}`;
}

/** `text` up to the first `marker` (all of it without one). */
function cutAt(text: string, marker: string): string {
  const at = text.indexOf(marker);
  return at === -1 ? text : text.slice(0, at);
}

/** A pnpm package key as name and version: `/lodash/4.17.21` (v5), `/lodash@4.17.21` (v6), `lodash@4.17.21(peer@1)` (v9). */
function pnpmKey(key: string): { name: string; version: string } | null {
  const bare = cutAt(cutAt(key.replace(/^\//, ''), '('), '_');
  const at = bare.lastIndexOf('@');
  if (at > 0 && !bare.slice(at).includes('/')) return { name: bare.slice(0, at), version: bare.slice(at + 1) };
  const slash = bare.lastIndexOf('/');
  if (slash > 0) return { name: bare.slice(0, slash), version: bare.slice(slash + 1) };
  return null;
}

/** pnpm-lock.yaml, v5 and v6 (packages marked `dev`) and v9 (dev worked out from the importers). */
function readPnpmLock(text: string): { packages: PackageRecord[]; format: string } {
  // uniqueKeys off: the yaml library checks each key against every earlier one (quadratic); a later duplicate wins, as in JSON.
  const lock = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false }) as unknown;
  if (!isObject(lock) || !isObject(lock.packages)) {
    if (isObject(lock) && lock.lockfileVersion !== undefined) return { packages: [], format: `pnpm-lock v${String(lock.lockfileVersion)}` };
    throw new Error('not a pnpm-lock.yaml (no packages)');
  }
  const version = String(lock.lockfileVersion ?? '');
  const keyOf = (key: string) => {
    const parsed = pnpmKey(key);
    return parsed ? `${parsed.name}@${parsed.version}` : null;
  };
  const packages = new Map<string, { name: string; version: string; dev: boolean | null }>();
  for (const [key, entry] of Object.entries(lock.packages)) {
    const parsed = pnpmKey(key);
    if (!parsed || !isObject(entry)) continue;
    if (/^(link|file|workspace):/.test(parsed.version)) continue;
    packages.set(`${parsed.name}@${parsed.version}`, { ...parsed, dev: typeof entry.dev === 'boolean' ? entry.dev : null });
  }
  if (version.startsWith('9') && isObject(lock.importers)) {
    const snapshots = isObject(lock.snapshots) ? lock.snapshots : {};
    const graph = new Map<string, string[]>();
    for (const [key, snapshot] of Object.entries(snapshots)) {
      const own = keyOf(key);
      if (!own || !isObject(snapshot)) continue;
      const deps = [snapshot.dependencies, snapshot.optionalDependencies]
        .filter(isObject)
        .flatMap((d) => Object.entries(d).map(([n, v]) => `${n}@${cutAt(String(v), '(')}`));
      const known = graph.get(own);
      if (known) known.push(...deps);
      else graph.set(own, deps);
    }
    const roots = { production: [] as string[], development: [] as string[] };
    for (const importer of Object.values(lock.importers)) {
      if (!isObject(importer)) continue;
      for (const [field, kind] of [
        ['dependencies', 'production'],
        ['optionalDependencies', 'production'],
        ['devDependencies', 'development'],
      ] as const) {
        if (!isObject(importer[field])) continue;
        for (const [name, spec] of Object.entries(importer[field])) {
          const v = isObject(spec) ? String(spec.version ?? '') : String(spec);
          roots[kind].push(`${name}@${cutAt(v, '(')}`);
        }
      }
    }
    const dev = devOnly(roots.production, roots.development, (key) => graph.get(key) ?? []);
    for (const [key, entry] of packages) entry.dev = dev.has(key);
  }
  return { packages: [...packages.values()].map((p) => record('npm', p.name, p.version, p.dev === true)), format: `pnpm-lock v${version}` };
}

export const npmReaders: PackageReader[] = [
  {
    format: 'node_modules/.package-lock.json',
    evidence: 'installed',
    matches: (path) => path.endsWith('node_modules/.package-lock.json') && !path.slice(0, -'node_modules/.package-lock.json'.length).includes('node_modules/'),
    read: (file) => readPackageLock(file.text, true),
  },
  {
    format: 'package-lock.json',
    evidence: 'lockfile',
    matches: (path) => ['package-lock.json', 'npm-shrinkwrap.json'].includes(baseName(path)) && !path.includes('node_modules/'),
    read: (file) => readPackageLock(file.text, false),
  },
  {
    format: 'yarn.lock',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'yarn.lock' && !path.includes('node_modules/'),
    read: (file, siblings) => readYarnLock(file.text, file.path, siblings),
  },
  {
    format: 'pnpm-lock.yaml',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'pnpm-lock.yaml' && !path.includes('node_modules/'),
    read: (file) => readPnpmLock(file.text),
  },
];

/** The package.json files readers look beside (the root manifest of a lockfile, never those of installed packages). */
export function isRootManifest(path: string): boolean {
  return baseName(path) === 'package.json' && !path.includes('node_modules/');
}
