import { ecosystem, type EcosystemName } from './ecosystems.js';
import { affects, fixFinder, type Advisory, type AdvisoryPackage, type CompiledAdvisory } from './osv.js';
import { byCodePoint, type Package } from './packages.js';
import { severityRank, type AdvisorySeverity } from '../severity.js';

/**
 * Advisories indexed by (ecosystem, normalised package name), compiled
 * once: matching a package is one lookup and a walk of that package's few
 * ranges, never a pass over the database.
 */
export class AdvisoryIndex {
  private readonly byPackage = new Map<string, AdvisoryPackage[]>();
  private readonly byId = new Map<string, CompiledAdvisory>();
  /** What the advisories say of each version asked about: thousands of apps hold the same few versions of a package. */
  private readonly verdicts = new Map<string, VersionVerdict[]>();
  private readonly fixes = new Map<string, (installed: string) => string | null>();

  static key(eco: EcosystemName, normalizedName: string): string {
    return `${eco}\u0000${normalizedName}`;
  }

  /** Adds an advisory; a later revision of one already there replaces it. */
  add(compiled: CompiledAdvisory): void {
    this.verdicts.clear();
    this.fixes.clear();
    const existing = this.byId.get(compiled.advisory.id);
    if (existing) {
      if ((existing.advisory.modified ?? '') > (compiled.advisory.modified ?? '')) return;
      for (const entry of existing.packages) {
        const key = AdvisoryIndex.key(entry.ecosystem, entry.name);
        const list = this.byPackage.get(key)!.filter((e) => e.advisory !== compiled.advisory.id);
        if (list.length > 0) this.byPackage.set(key, list);
        else this.byPackage.delete(key);
      }
    }
    this.byId.set(compiled.advisory.id, compiled);
    for (const entry of compiled.packages) {
      const key = AdvisoryIndex.key(entry.ecosystem, entry.name);
      const list = this.byPackage.get(key);
      if (list) list.push(entry);
      else this.byPackage.set(key, [entry]);
    }
  }

  entries(eco: EcosystemName, name: string): AdvisoryPackage[] {
    return this.byPackage.get(AdvisoryIndex.key(eco, ecosystem(eco)!.normalizeName(name))) ?? [];
  }

  /**
   * The vulnerabilities of one version (in its ecosystem's form) of one
   * package: the advisories that affect it, grouped by their aliases, each
   * group rated, with the smallest version no advisory of the package
   * affects. Worked out once per version, however many apps hold it.
   */
  vulnerabilitiesOf(eco: EcosystemName, name: string, version: string): VersionVerdict[] {
    const ecosystemRules = ecosystem(eco)!;
    // By the name as the ecosystem normalises it: `Django` and `django` are one package.
    const key = `${eco}\u0000${ecosystemRules.normalizeName(name)}\u0000${version}`;
    const known = this.verdicts.get(key);
    if (known) return known;
    const entries = this.entries(eco, name);
    const matched = [...new Set(entries.filter((entry) => affects(entry, version, ecosystemRules)).map((entry) => entry.advisory))].map((id) =>
      this.advisory(id)!,
    );
    const verdicts: VersionVerdict[] = [];
    if (matched.length > 0) {
      const packageKey = AdvisoryIndex.key(eco, ecosystemRules.normalizeName(name));
      let finder = this.fixes.get(packageKey);
      if (!finder) {
        finder = fixFinder(entries);
        this.fixes.set(packageKey, finder);
      }
      const fixed = finder(version);
      for (const group of aliasGroups(matched)) {
        const members = group.map((id) => this.advisory(id)!).sort((a, b) => byCodePoint(a.id, b.id));
        const ids = [...new Set(members.flatMap((a) => [a.id, ...a.aliases]))].sort();
        const worst = members.reduce((a, b) => (severityRank(b.severity) < severityRank(a.severity) ? b : a));
        verdicts.push({
          id: ids.find((id) => id.startsWith('CVE-')) ?? members[0]!.id,
          advisories: members.map((a) => a.id),
          aliases: ids.filter((id) => !members.some((a) => a.id === id)),
          severity: worst.severity,
          cvss: worst.cvss,
          summary: members.find((a) => a.summary)?.summary ?? '',
          fixed,
        });
      }
    }
    // Bounded: past the limit it starts over.
    if (this.verdicts.size >= 200_000) this.verdicts.clear();
    if (this.fixes.size >= 100_000) this.fixes.clear();
    this.verdicts.set(key, verdicts);
    return verdicts;
  }

  advisory(id: string): Advisory | undefined {
    return this.byId.get(id)?.advisory;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Advisories per ecosystem. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { packages } of this.byId.values()) for (const eco of new Set(packages.map((p) => p.ecosystem))) counts[eco] = (counts[eco] ?? 0) + 1;
    return counts;
  }
}

/** What the advisories say of one version of a package: a vulnerability, without the package it is found in. */
type VersionVerdict = Omit<Vulnerability, 'ecosystem' | 'package' | 'version' | 'dev' | 'locations'>;

/** One vulnerability of one installed package: the advisories that describe it, grouped by their aliases. */
export interface Vulnerability {
  /** The group's id: its CVE when it has one, else its first advisory id. */
  id: string;
  /** The advisories that matched, and every other id they are known by. */
  advisories: string[];
  aliases: string[];
  ecosystem: EcosystemName;
  package: string;
  version: string;
  dev: boolean;
  locations: string[];
  severity: AdvisorySeverity;
  cvss: string | null;
  summary: string;
  /** The smallest version that no advisory of the package affects; null when there is none yet. */
  fixed: string | null;
}

/** Groups ids that name one another (union-find: grouping pairwise in one pass would depend on order). */
export function aliasGroups(advisories: { id: string; aliases: string[] }[]): string[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let node = id; parent.get(node) !== root;) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    for (const id of [a, b]) if (!parent.has(id)) parent.set(id, id);
    const x = find(a);
    const y = find(b);
    if (x !== y) parent.set(x < y ? y : x, x < y ? x : y);
  };
  for (const advisory of advisories) {
    union(advisory.id, advisory.id);
    for (const alias of advisory.aliases) union(advisory.id, alias);
  }
  const groups = new Map<string, string[]>();
  for (const advisory of advisories) {
    const root = find(advisory.id);
    groups.set(root, [...(groups.get(root) ?? []), advisory.id]);
  }
  return [...groups.values()];
}

/**
 * The vulnerabilities of `packages` by the advisories in `index`. A package
 * whose version is unknown or not a version of its ecosystem matches
 * nothing (it is reported as unknown by the caller, never guessed).
 */
export function matchPackages(packages: Package[], index: AdvisoryIndex): Vulnerability[] {
  const found: Vulnerability[] = [];
  for (const pkg of packages) {
    // A local, git or archive package is not the registry's, whatever its version says.
    if (pkg.version === null || pkg.source !== undefined) continue;
    const eco = ecosystem(pkg.ecosystem)!;
    const version = eco.version(pkg.version);
    if (version === null || !eco.ranged(version)) continue;
    for (const group of index.vulnerabilitiesOf(pkg.ecosystem, pkg.name, version))
      found.push({ ...group, ecosystem: pkg.ecosystem, package: pkg.name, version: pkg.version, dev: pkg.dev, locations: pkg.locations });
  }
  return found.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) || byCodePoint(a.package, b.package) || byCodePoint(a.version, b.version) || byCodePoint(a.id, b.id),
  );
}
