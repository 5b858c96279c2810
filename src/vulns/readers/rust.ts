import type { PackageRecord } from '../packages.js';
import { baseName, devOnly, folderOf, isObject, parseToml, joinPath, record, type PackageReader, type Siblings } from './reader.js';

/** A Cargo.toml beside the lockfile (or in a member's folder), parsed; null when it was not deployed or does not parse. */
function manifest(path: string, siblings: Siblings): Record<string, unknown> | null {
  const text = siblings(path);
  if (text === undefined) return null;
  try {
    return parseToml(text, 'Cargo.toml');
  } catch {
    return null;
  }
}

/** The crate names a manifest's dependency tables name: production (`dependencies`, `build-dependencies`) or development (`dev-dependencies`). */
function dependencyNames(manifest: Record<string, unknown>, kind: 'production' | 'development'): string[] {
  const tables = kind === 'production' ? ['dependencies', 'build-dependencies'] : ['dev-dependencies'];
  const names: string[] = [];
  const collect = (holder: Record<string, unknown>) => {
    for (const table of tables) {
      const deps = holder[table];
      if (!isObject(deps)) continue;
      // A renamed dependency (`alias = { package = "real" }`) is the real crate.
      for (const [name, spec] of Object.entries(deps)) names.push(isObject(spec) && typeof spec.package === 'string' ? spec.package : name);
    }
  };
  collect(manifest);
  // Platform-specific tables: [target.'cfg(...)'.dependencies].
  if (isObject(manifest.target)) for (const platform of Object.values(manifest.target)) if (isObject(platform)) collect(platform);
  return names;
}

/**
 * Cargo.lock: every crate, under the name and version it records. A crate
 * without a source is the project's own: a member of its workspace, or a
 * path dependency; the root package is the project itself and is left
 * out (without the Cargo.toml, a crate of its own no crate depends on is
 * taken for it). Cargo.lock marks no crate as dev-only: a crate the Cargo.toml files
 * beside it (the root's and the workspace members') reach only through
 * `dev-dependencies` is one.
 */
function readCargoLock(text: string, path: string, siblings: Siblings): { packages: PackageRecord[] } {
  const lock = parseToml(text, 'Cargo.lock');
  const entries = (Array.isArray(lock.package) ? lock.package.filter(isObject) : []).filter((p) => typeof p.name === 'string');
  const folder = folderOf(path);
  const root = manifest(`${folder}Cargo.toml`, siblings);
  const workspace = root && isObject(root.workspace) ? root.workspace : null;
  const rootName = root && isObject(root.package) && typeof root.package.name === 'string' ? root.package.name : null;
  // The manifests whose dependencies are the roots of the graph: the root package's and each workspace member's (named folders; globs are not followed).
  const members = workspace && Array.isArray(workspace.members) ? workspace.members.filter((m): m is string => typeof m === 'string' && !m.includes('*')) : [];
  const memberManifest = (member: string) => {
    const at = joinPath(folder, member);
    return at === null ? null : manifest(at === '' ? 'Cargo.toml' : `${at}/Cargo.toml`, siblings);
  };
  const manifests = [root, ...members.map(memberManifest)].filter((m): m is Record<string, unknown> => m !== null);
  const own = new Set(manifests.flatMap((m) => (isObject(m.package) && typeof m.package.name === 'string' ? [m.package.name] : [])));
  const graph = new Map<string, string[]>();
  for (const entry of entries) {
    const deps = Array.isArray(entry.dependencies) ? entry.dependencies.filter((d): d is string => typeof d === 'string') : [];
    // `name`, `name version` or `name version (source)`: the graph goes by name, enough to tell dev-only crates.
    const known = graph.get(String(entry.name));
    if (known) for (const dep of deps) known.push(dep.split(' ')[0]!);
    else
      graph.set(
        String(entry.name),
        deps.map((d) => d.split(' ')[0]!),
      );
  }
  const production = [...own, ...manifests.flatMap((m) => dependencyNames(m, 'production'))];
  const development = manifests.flatMap((m) => dependencyNames(m, 'development'));
  const dev = root ? devOnly(production, development, (name) => (own.has(name) ? [] : (graph.get(name) ?? []))) : new Set<string>();
  const dependedOn = new Set([...graph.values()].flat());
  const packages: PackageRecord[] = [];
  for (const entry of entries) {
    const name = String(entry.name);
    const version = typeof entry.version === 'string' ? entry.version : null;
    if (typeof entry.source === 'string') {
      packages.push(record('crates.io', name, version, dev.has(name), entry.source.startsWith('git+') ? 'git' : undefined));
      continue;
    }
    // The project itself: the root package, or without its Cargo.toml, a crate of its own that no crate depends on.
    if (name === rootName || (!root && !dependedOn.has(name))) continue;
    packages.push(record('crates.io', name, version, !workspace && dev.has(name), workspace ? 'workspace' : 'path'));
  }
  return { packages };
}

export const rustReaders: PackageReader[] = [
  {
    format: 'Cargo.lock',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'Cargo.lock',
    read: (file, siblings) => readCargoLock(file.text, file.path, siblings),
  },
];

/** The Cargo.toml files readers look beside a Cargo.lock (the root's, and its workspace members'), never those of vendored crates. */
export function isCargoManifest(path: string): boolean {
  return baseName(path) === 'Cargo.toml' && !/(^|\/)(target|vendor|\.cargo)\//.test(path);
}
