import { ecosystem, type EcosystemName } from './ecosystems.js';

/**
 * How a package was found: what the build installed (`installed`), what a
 * lockfile pins (`lockfile`), what a manifest pins (`manifest`: only exact
 * pins give a version), what a compiled binary records (`binary`), or what
 * an SBOM of the build lists (`sbom`: imported, not read from the slug).
 */
export type Evidence = 'installed' | 'lockfile' | 'manifest' | 'binary' | 'sbom';

/**
 * Where a package came from, when not from its ecosystem's registry: a
 * folder of the project or beside it (`path`), a link to one (`link`), a
 * member of the project's workspace (`workspace`), a git repository
 * (`git`), or an archive file or URL (`tarball`). Such a package is part
 * of what was deployed (and of the SBOM), but its version is not the
 * registry's: no advisory range applies to it.
 */
export type PackageSource = 'path' | 'link' | 'workspace' | 'git' | 'tarball';

/** One package as one file states it. */
export interface PackageRecord {
  ecosystem: EcosystemName;
  name: string;
  /** null: the file does not pin one (`requests>=2`), so the version is unknown, never guessed. */
  version: string | null;
  /** Needed only to develop or test the app (devDependencies, a dev group). */
  dev: boolean;
  /** Absent: the ecosystem's registry. */
  source?: PackageSource;
}

/** What one file said: its packages, or why it could not be read. */
export interface FileResult {
  /** The file's path inside what was scanned. */
  path: string;
  /** The format read (`package-lock.json v3`, `Gemfile.lock`, ...). */
  format: string;
  evidence: Evidence;
  packages: PackageRecord[];
  /** Set when the file could not be read: it costs a gap, not the scan. */
  problem?: string;
}

/** A package as the scan reports it: one entry however many files name it, with every place it was found. */
export interface Package {
  ecosystem: EcosystemName;
  name: string;
  version: string | null;
  dev: boolean;
  locations: string[];
  evidence: Evidence;
  /** Absent: the ecosystem's registry. */
  source?: PackageSource;
}

/**
 * The project folder a file speaks for: what is installed there outranks
 * its lockfiles, which outrank its manifests (a lockfile beside installed
 * packages is a wish; the installed tree is what runs).
 */
export function projectRoot(path: string): string {
  const markers = ['/node_modules/', '/vendor/bundle/', '/vendor/composer/', '/.heroku/python/'];
  const padded = `/${path}`;
  for (const marker of markers) {
    const at = padded.indexOf(marker);
    if (at !== -1) return padded.slice(1, at + 1) || '';
  }
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash + 1);
}

const RANK: Record<Evidence, number> = { installed: 0, binary: 1, lockfile: 2, sbom: 2, manifest: 3 };

/**
 * Merges what the files said into one list of packages. Per project folder
 * and ecosystem only the best evidence counts (installed, then lockfile,
 * then manifest); the files set aside are returned so the report can say
 * which were used. One package named in several files is one package with
 * several locations; it is dev-only when every file that names it says so.
 */
export function mergePackages(files: FileResult[]): { packages: Package[]; used: FileResult[]; setAside: FileResult[] } {
  const best = new Map<string, number>();
  const readable = files.filter((f) => !f.problem);
  for (const file of readable) {
    for (const eco of new Set(file.packages.map((p) => p.ecosystem))) {
      const key = `${projectRoot(file.path)}\u0000${eco}`;
      best.set(key, Math.min(best.get(key) ?? Infinity, RANK[file.evidence]));
    }
  }
  const used: FileResult[] = [];
  const setAside: FileResult[] = [];
  const merged = new Map<string, Package>();
  for (const file of readable) {
    const kept = file.packages.filter((p) => best.get(`${projectRoot(file.path)}\u0000${p.ecosystem}`) === RANK[file.evidence]);
    if (kept.length === 0 && file.packages.length > 0) {
      setAside.push(file);
      continue;
    }
    used.push(file);
    for (const record of kept) {
      const eco = ecosystem(record.ecosystem)!;
      const key = `${record.ecosystem}\u0000${eco.normalizeName(record.name)}\u0000${record.version ?? ''}\u0000${record.source ?? ''}`;
      const existing = merged.get(key);
      if (existing) {
        // A file's records come together: its path, if there, is the last one.
        if (existing.locations.at(-1) !== file.path) existing.locations.push(file.path);
        existing.dev &&= record.dev;
        if (RANK[file.evidence] < RANK[existing.evidence]) existing.evidence = file.evidence;
      } else {
        merged.set(key, {
          ecosystem: record.ecosystem,
          name: record.name,
          version: record.version,
          dev: record.dev,
          locations: [file.path],
          evidence: file.evidence,
          ...(record.source ? { source: record.source } : {}),
        });
      }
    }
  }
  const packages = [...merged.values()].sort(
    (a, b) => byCodePoint(a.ecosystem, b.ecosystem) || byCodePoint(a.name, b.name) || byCodePoint(a.version ?? '', b.version ?? ''),
  );
  return { packages, used, setAside };
}

/** An order that is the same on every machine (localeCompare depends on the locale's collation). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
