import { parseSyml } from '@yarnpkg/parsers';
import { parse as parseYaml } from 'yaml';
import type { PackageRecord, PackageSource } from '../packages.js';
import { baseName, devOnly, folderOf, isObject, joinPath, parseJson, record, type PackageReader, type Siblings } from './reader.js';

/** The package name in a `node_modules/...` path: the part after the last `node_modules/` (scoped names keep their scope). */
function nameFromPath(key: string): string {
  const at = key.lastIndexOf('node_modules/');
  return at === -1 ? key : key.slice(at + 'node_modules/'.length);
}

/** Where a package-lock entry came from, when not the registry: a `file:` folder or archive, or a git repository. */
function npmSource(resolved: unknown, version: unknown): PackageSource | undefined {
  for (const value of [resolved, version]) {
    if (typeof value !== 'string') continue;
    if (/^(git\+|git:|github:|gitlab:|bitbucket:)/.test(value)) return 'git';
    if (value.startsWith('file:')) return /\.(tgz|tar\.gz|tar)$/.test(value) ? 'tarball' : 'path';
    if (value.startsWith('link:')) return 'link';
  }
  return undefined;
}

/**
 * Whether a folder of the project is one of its workspaces (`packages/*`,
 * `apps/**`): glob segments matched one by one (no regular expression, so
 * a hostile pattern costs its length times the path's, never more), at most
 * a hundred patterns of 256 characters.
 */
function inWorkspaces(folder: string, patterns: string[]): boolean {
  const path = folder.split('/').filter(Boolean);
  return patterns.slice(0, 100).some((pattern) => pattern.length <= 256 && globMatches(pattern.replace(/^\.\//, '').split('/').filter(Boolean), path));
}

/** Segments against segments, `**` standing for any number of them: a table of pattern prefix by path prefix. */
function globMatches(pattern: string[], path: string[]): boolean {
  let reachable = new Array<boolean>(path.length + 1).fill(false);
  reachable[0] = true;
  for (const segment of pattern) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    if (segment === '**') {
      // Any number of segments: every place from the first one reached.
      const first = reachable.indexOf(true);
      if (first !== -1) next.fill(true, first);
    } else {
      for (let j = 0; j < path.length; j++) if (reachable[j] && segmentMatches(segment, path[j]!)) next[j + 1] = true;
    }
    reachable = next;
  }
  return reachable[path.length]!;
}

/** One segment against a glob with `*` (any run of characters): the classic two-pointer match, linear in practice. */
function segmentMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === text[t]) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = t;
    } else if (star !== -1) {
      g = star + 1;
      t = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
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

/**
 * package-lock.json and npm-shrinkwrap.json, all versions;
 * node_modules/.package-lock.json (what is installed). Local packages are
 * read too, under their own names: a link (`"link": true`) points at the
 * folder entry that holds the version, a workspace when the root's
 * `workspaces` name that folder, else a path; a v1 `file:` entry records
 * no version, so its folder's package.json gives it when it was deployed.
 */
function readPackageLock(text: string, path: string, siblings: Siblings, installed: boolean): { packages: PackageRecord[]; format: string } {
  const lock = parseJson(text);
  if (!isObject(lock)) throw new Error('not a package-lock (no object at the top)');
  const version = typeof lock.lockfileVersion === 'number' ? lock.lockfileVersion : 1;
  const packages: PackageRecord[] = [];
  const folder = installed ? folderOf(path).replace(/node_modules\/$/, '') : folderOf(path);
  const manifest = manifestOf(`${folder}package.json`, siblings);
  const workspaces = workspacePatterns(isObject(lock.packages) && isObject(lock.packages['']) ? lock.packages[''] : manifest);
  if (isObject(lock.packages)) {
    const links = new Map<string, { name: string; dev: boolean }>();
    for (const [key, entry] of Object.entries(lock.packages))
      if (isObject(entry) && entry.link === true && typeof entry.resolved === 'string')
        links.set(entry.resolved, { name: nameFromPath(key), dev: entry.dev === true });
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key === '' || !isObject(entry) || entry.link === true) continue;
      if (!key.includes('node_modules/')) {
        // A folder: a package only where a link points at it.
        const link = links.get(key);
        if (!link) continue;
        const name = typeof entry.name === 'string' ? entry.name : link.name;
        packages.push(record('npm', name, npmVersion(entry.version), link.dev, inWorkspaces(key, workspaces) ? 'workspace' : 'path'));
        continue;
      }
      const name = typeof entry.name === 'string' ? entry.name : nameFromPath(key);
      packages.push(record('npm', name, npmVersion(entry.version), entry.dev === true, npmSource(entry.resolved, entry.version)));
    }
  } else if (isObject(lock.dependencies)) {
    const walk = (dependencies: Record<string, unknown>): void => {
      for (const [alias, entry] of Object.entries(dependencies)) {
        if (!isObject(entry) || typeof entry.version !== 'string') continue;
        const real = unalias(alias, entry.version);
        const source = npmSource(entry.resolved, entry.version);
        let recorded = npmVersion(real.version);
        let kind = source;
        if (source === 'path' && entry.version.startsWith('file:')) {
          const target = entry.version.slice('file:'.length).replace(/^\.\//, '').replace(/\/$/, '');
          if (inWorkspaces(target, workspaces)) kind = 'workspace';
          // The lockfile records no version for a folder: its package.json does, when it was deployed with the app.
          recorded = folderVersion(path, target, siblings);
        }
        packages.push(record('npm', real.name, recorded, entry.dev === true, kind));
        if (isObject(entry.dependencies)) walk(entry.dependencies);
      }
    };
    walk(lock.dependencies);
  }
  return { packages, format: installed ? 'node_modules/.package-lock.json' : `package-lock v${version}` };
}

/** A package.json beside the lockfile, parsed, or null. */
function manifestOf(path: string, siblings: Siblings): Record<string, unknown> | null {
  const text = siblings(path);
  if (text === undefined) return null;
  try {
    const manifest = parseJson(text);
    return isObject(manifest) ? manifest : null;
  } catch {
    return null;
  }
}

/** The workspace folders a root package names (`workspaces: [...]` or `{ packages: [...] }`). */
function workspacePatterns(root: Record<string, unknown> | null): string[] {
  const field = root?.workspaces;
  const list = Array.isArray(field) ? field : isObject(field) && Array.isArray(field.packages) ? field.packages : [];
  return list.filter((p): p is string => typeof p === 'string');
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
  const entries: { key: string; name: string; version: string | null; dependencies: string[]; source: PackageSource | undefined }[] = [];
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
    const { name, range } = descriptorName(resolution ?? descriptors[0]!);
    // The project itself is no package of it.
    if (range === 'workspace:.') continue;
    const source = yarnSource(range);
    let version = typeof entry.version === 'string' ? entry.version : null;
    // Berry writes a placeholder for links, portals and workspaces: the folder's package.json, deployed with the app, has the version.
    if (version === '0.0.0-use.local') version = source ? folderVersion(path, yarnTarget(range), siblings) : null;
    const key = `${name}@${version ?? keys}`;
    const dependencies = isObject(entry.dependencies) ? Object.entries(entry.dependencies).map(([dep, range]) => `${dep}@${String(range)}`) : [];
    edges += dependencies.length;
    if (edges > edgeBudget) throw new Error('more dependencies than a lockfile of its size can list (YAML aliases?)');
    entries.push({ key, name, version, dependencies, source });
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
  return {
    packages: entries.map((e) => record('npm', e.name, e.version, dev.has(e.key), e.source)),
    format: berry ? 'yarn.lock (berry)' : 'yarn.lock v1',
  };
}

/** Where a yarn package came from, by its range or resolution (`npm:` and plain ranges are the registry). */
function yarnSource(range: string): PackageSource | undefined {
  if (range.startsWith('workspace:')) return 'workspace';
  if (range.startsWith('link:') || range.startsWith('portal:')) return 'link';
  if (range.startsWith('file:')) return /\.(tgz|tar\.gz|tar)$/.test(yarnTarget(range)) ? 'tarball' : 'path';
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|ssh:)/.test(range) || /\.git#|#commit=/.test(range)) return 'git';
  if (/^https?:/.test(range)) return 'tarball';
  return undefined;
}

/** The folder or file a local yarn range names: `link:./lib::locator=...` is `./lib`. */
function yarnTarget(range: string): string {
  return cutAt(cutAt(range.slice(range.indexOf(':') + 1), '::'), '#');
}

/** The version in a local folder's package.json, relative to the lockfile's folder, when it was deployed. */
function folderVersion(lockfile: string, relative: string, siblings: Siblings): string | null {
  const folder = joinPath(folderOf(lockfile), relative);
  const manifest = folder === null ? null : manifestOf(folder === '' ? 'package.json' : `${folder}/package.json`, siblings);
  return manifest && typeof manifest.version === 'string' ? manifest.version : null;
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

/** Where a pnpm package came from, by its resolution: a folder, a git repository or an archive (a registry package has only an integrity). */
function pnpmSource(resolution: unknown): PackageSource {
  if (isObject(resolution)) {
    if (resolution.type === 'directory') return 'path';
    if (resolution.type === 'git' || typeof resolution.repo === 'string') return 'git';
  }
  return 'tarball';
}

/**
 * pnpm-lock.yaml, v5 and v6 (packages marked `dev`) and v9 (dev worked
 * out from the importers). Local packages are read under their own names:
 * `file:` folders and archives and git packages from the packages the
 * lockfile lists (a folder's version, when the lockfile has none, from its
 * package.json if it was deployed), `link:` targets from the importers
 * (a workspace when the target is one of them).
 */
function readPnpmLock(text: string, path: string, siblings: Siblings): { packages: PackageRecord[]; format: string } {
  // uniqueKeys off: the yaml library checks each key against every earlier one (quadratic); a later duplicate wins, as in JSON.
  const lock = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false }) as unknown;
  if (!isObject(lock) || !(isObject(lock.packages) || isObject(lock.importers) || isObject(lock.dependencies))) {
    if (isObject(lock) && lock.lockfileVersion !== undefined) return { packages: [], format: `pnpm-lock v${String(lock.lockfileVersion)}` };
    throw new Error('not a pnpm-lock.yaml (no packages)');
  }
  const version = String(lock.lockfileVersion ?? '');
  const versionIn = (relative: string): string | null => folderVersion(path, relative, siblings);
  // v5 and v6 list the root project's dependencies at the top; v9 (and workspaces) under importers.
  const importers: Record<string, unknown> = isObject(lock.importers) ? lock.importers : { '.': lock };
  const keyOf = (key: string) => {
    const parsed = pnpmKey(key);
    return parsed ? `${parsed.name}@${parsed.version}` : null;
  };
  const packages = new Map<string, { name: string; version: string | null; dev: boolean | null; source?: PackageSource }>();
  for (const [key, entry] of Object.entries(isObject(lock.packages) ? lock.packages : {})) {
    if (!isObject(entry)) continue;
    const named = typeof entry.name === 'string' ? entry.name : null;
    const recorded = typeof entry.version === 'string' ? entry.version : null;
    const dev = typeof entry.dev === 'boolean' ? entry.dev : null;
    const at = key.indexOf('@', 1);
    const spec = at === -1 ? '' : key.slice(at + 1);
    // v5 and v6: a package from another registry is keyed by the registry's host, and ends as one from the default one does.
    const fromRegistry = named !== null && recorded !== null && (key.endsWith(`/${named}/${recorded}`) || cutAt(key, '(').endsWith(`/${named}@${recorded}`));
    if (!key.startsWith('/') && named !== null && !fromRegistry) {
      // v5 and v6: a package not from a registry is keyed by where it came from, and names itself.
      const source = pnpmSource(entry.resolution);
      const target = key.startsWith('file:') ? key.slice('file:'.length) : null;
      packages.set(key, { name: named, version: recorded ?? (source === 'path' && target ? versionIn(target) : null), dev, source });
      continue;
    }
    if (!key.startsWith('/') && at > 0 && !/^\d/.test(spec)) {
      // v9: `name@file:folder`, `name@https://...`, `name@git+...`; links are the importers'.
      if (spec.startsWith('link:') || spec.startsWith('workspace:')) continue;
      const source = pnpmSource(entry.resolution);
      const target = spec.startsWith('file:') ? spec.slice('file:'.length) : null;
      packages.set(key, { name: key.slice(0, at), version: recorded ?? (source === 'path' && target ? versionIn(target) : null), dev, source });
      continue;
    }
    if (fromRegistry) {
      packages.set(`${named}@${recorded}`, { name: named, version: recorded, dev });
      continue;
    }
    const parsed = pnpmKey(key);
    if (!parsed) continue;
    if (/^(link|file|workspace):/.test(parsed.version)) continue;
    packages.set(`${parsed.name}@${parsed.version}`, { ...parsed, dev });
  }
  // Links: to a workspace member (another importer) or to a folder; their versions are in their own package.json.
  const importerFolders = new Set(Object.keys(importers).map((k) => joinPath('', k)));
  for (const [importerPath, importer] of Object.entries(importers)) {
    if (!isObject(importer)) continue;
    for (const [field, dev] of [
      ['dependencies', false],
      ['optionalDependencies', false],
      ['devDependencies', true],
    ] as const) {
      if (!isObject(importer[field])) continue;
      for (const [name, spec] of Object.entries(importer[field])) {
        const resolved = isObject(spec) ? String(spec.version ?? '') : String(spec);
        if (!resolved.startsWith('link:')) continue;
        const target = joinPath(importerPath, resolved.slice('link:'.length)) ?? resolved;
        const key = `link:${target}`;
        const known = packages.get(key);
        if (known) known.dev = (known.dev ?? true) && dev;
        else packages.set(key, { name, version: versionIn(target), dev, source: importerFolders.has(target) ? 'workspace' : 'link' });
      }
    }
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
    for (const [key, entry] of packages) if (!key.startsWith('link:')) entry.dev = dev.has(keyOf(key) ?? key);
  }
  return {
    packages: [...packages.values()].map((p) => record('npm', p.name, p.version, p.dev === true, p.source)),
    format: `pnpm-lock v${version}`,
  };
}

export const npmReaders: PackageReader[] = [
  {
    format: 'node_modules/.package-lock.json',
    evidence: 'installed',
    matches: (path) => path.endsWith('node_modules/.package-lock.json') && !path.slice(0, -'node_modules/.package-lock.json'.length).includes('node_modules/'),
    read: (file, siblings) => readPackageLock(file.text, file.path, siblings, true),
  },
  {
    format: 'package-lock.json',
    evidence: 'lockfile',
    matches: (path) => ['package-lock.json', 'npm-shrinkwrap.json'].includes(baseName(path)) && !path.includes('node_modules/'),
    read: (file, siblings) => readPackageLock(file.text, file.path, siblings, false),
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
    read: (file, siblings) => readPnpmLock(file.text, file.path, siblings),
  },
];

/** The package.json files readers look beside (the root manifest of a lockfile, never those of installed packages). */
export function isRootManifest(path: string): boolean {
  return baseName(path) === 'package.json' && !path.includes('node_modules/');
}
