import { ecosystem } from './ecosystems.js';
import { ReasonCounts, readPurl } from './purl.js';
import { byCodePoint, type Package } from './packages.js';
import { isObject, parseJson } from './readers/reader.js';
import { InputError } from '../errors.js';

/*
 * Reads an SBOM a build produced (CycloneDX 1.4 to 1.6 JSON, SPDX 2.2 or
 * 2.3 JSON) into the packages it lists, for an app whose deployed code
 * herowatch cannot read itself (a Fir app's OCI image, a container app).
 * The document is untrusted: it is walked without recursion, each text is
 * bounded, and a component herowatch cannot place (no purl, a purl of
 * another kind, a malformed one) is counted by reason, never guessed.
 */

/** What an imported SBOM said, besides its packages. */
export interface SbomFacts {
  /** `CycloneDX 1.6`, `SPDX 2.3`. */
  format: string;
  /** The tool that wrote it (`syft 1.18.1`), when it says. */
  tool: string | null;
  /** The commit it says it was built from, when it says (see commitOf). */
  commit: string | null;
  /** Components (packages) the document lists, the app itself not counted. */
  components: number;
  /** Components not matched, by reason (`deb packages: 412`). */
  skipped: { reason: string; count: number }[];
}

export interface ReadSbom extends SbomFacts {
  packages: Package[];
}

export interface SbomLimits {
  /** Components in the whole document. */
  components: number;
}

export const DEFAULT_SBOM_LIMITS: SbomLimits = { components: 200_000 };

/** The largest SBOM imported: far above what a build of one app lists (tens of MB for thousands of components). */
export const MAX_SBOM_BYTES = 64 * 1024 ** 2;

/** Purl types named in the counts of what is not matched; any other is counted as another type (the type is the document's text). */
const KNOWN_OTHER_TYPES = new Set([
  'deb',
  'apk',
  'rpm',
  'generic',
  'github',
  'docker',
  'oci',
  'nuget',
  'pub',
  'hex',
  'swift',
  'cocoapods',
  'conda',
  'hackage',
  'cran',
]);
/** Component types named in the counts (CycloneDX's own list). */
const COMPONENT_TYPES = new Set([
  'container',
  'operating-system',
  'device',
  'firmware',
  'file',
  'machine-learning-model',
  'data',
  'cryptographic-asset',
  'platform',
  'device-driver',
]);

/** An SBOM that is not one herowatch reads, in words that say what to give instead. */
export class SbomError extends InputError {
  constructor(message: string) {
    super('HW_SBOM_INVALID', message);
  }
}

const CYCLONEDX_VERSIONS = ['1.4', '1.5', '1.6'];
const SPDX_VERSIONS = ['SPDX-2.2', 'SPDX-2.3'];
/** Longest text kept of a name, a version, a purl: anything longer is no package of a registry. */
const MAX_TEXT = 2_048;
/** A commit named by an SBOM: a git object id, abbreviated or whole (SHA-1 or SHA-256). */
const COMMIT = /^[0-9a-f]{7,64}$/i;

/** Reads an SBOM document (its text). Throws SbomError when it is not a CycloneDX or SPDX JSON document herowatch reads. */
export function readSbom(text: string, limits: SbomLimits = DEFAULT_SBOM_LIMITS): ReadSbom {
  let document: unknown;
  try {
    document = parseJson(text);
  } catch (error) {
    throw new SbomError(`the SBOM is ${(error as Error).message}`);
  }
  if (!isObject(document)) throw new SbomError('the SBOM is not a JSON object: give a CycloneDX or SPDX JSON document');
  if (document.bomFormat === 'CycloneDX') return readCycloneDx(document, limits);
  if (typeof document.spdxVersion === 'string') return readSpdx(document, limits);
  throw new SbomError(
    'the document is neither CycloneDX (no "bomFormat": "CycloneDX") nor SPDX (no "spdxVersion"): give a CycloneDX 1.4-1.6 or SPDX 2.3 JSON SBOM (XML and tag-value are not read)',
  );
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT ? value : null;
}

/** A package from a purl, or the reason it is none. */
function fromPurl(purl: string | null, dev: boolean, location: string): Package | string {
  if (purl === null) return 'components without a purl';
  const read = readPurl(purl);
  if (read.kind === 'malformed') return 'components with a malformed purl';
  if (read.kind === 'other')
    return KNOWN_OTHER_TYPES.has(read.type)
      ? `${read.type} packages (no advisory database herowatch reads covers them)`
      : 'packages of other types (no advisory database herowatch reads covers them)';
  if (read.version === null) return 'components without a version';
  if (ecosystem(read.ecosystem)!.version(read.version) === null) return 'components whose version is not one of their ecosystem';
  return { ecosystem: read.ecosystem, name: read.name, version: read.version, dev, locations: [location], evidence: 'sbom' };
}

/** One list of packages: one entry per (ecosystem, name, version), dev-only when every mention says so. */
function merged(found: Package[]): Package[] {
  const byKey = new Map<string, Package>();
  for (const pkg of found) {
    const key = `${pkg.ecosystem}\u0000${ecosystem(pkg.ecosystem)!.normalizeName(pkg.name)}\u0000${pkg.version ?? ''}`;
    const known = byKey.get(key);
    if (!known) byKey.set(key, pkg);
    else {
      known.dev &&= pkg.dev;
      for (const location of pkg.locations) if (!known.locations.includes(location) && known.locations.length < 16) known.locations.push(location);
    }
  }
  return [...byKey.values()].sort(
    (a, b) => byCodePoint(a.ecosystem, b.ecosystem) || byCodePoint(a.name, b.name) || byCodePoint(a.version ?? '', b.version ?? ''),
  );
}

function tooMany(limits: SbomLimits): SbomError {
  return new SbomError(`the SBOM lists more than ${limits.components} components, beyond what herowatch reads`);
}

/** The commit named by a property of these (`git:commit`, `vcs.revision`, `commit`...), when one is a commit id. */
function commitProperty(properties: unknown): string | null {
  if (!Array.isArray(properties)) return null;
  for (const property of properties.slice(0, 1_000)) {
    if (!isObject(property)) continue;
    const name = text(property.name)?.toLowerCase() ?? '';
    const value = text(property.value);
    if (value && /(^|[:._-])(commit|revision|sha|git[:._-]?ref)$/.test(name) && COMMIT.test(value)) return value.toLowerCase();
  }
  return null;
}

function readCycloneDx(bom: Record<string, unknown>, limits: SbomLimits): ReadSbom {
  const spec = text(bom.specVersion);
  if (!spec || !CYCLONEDX_VERSIONS.includes(spec))
    throw new SbomError(
      `CycloneDX ${spec ?? '(no specVersion)'} is not read: give CycloneDX ${CYCLONEDX_VERSIONS.join(', ')} JSON (most tools write 1.5 or 1.6; cdxgen --spec-version 1.6, syft -o cyclonedx-json@1.6)`,
    );
  const metadata = isObject(bom.metadata) ? bom.metadata : {};
  const subject = isObject(metadata.component) ? metadata.component : {};
  const skips = new ReasonCounts();
  const found: Package[] = [];
  let components = 0;
  // Components nest (a component's own components): walked with a stack, never recursion.
  const stack: unknown[] = Array.isArray(bom.components) ? [...(bom.components as unknown[])].reverse() : [];
  while (stack.length > 0) {
    const component = stack.pop();
    if (!isObject(component)) continue;
    if (++components > limits.components) throw tooMany(limits);
    if (Array.isArray(component.components)) {
      if (stack.length + component.components.length > limits.components) throw tooMany(limits);
      for (let i = component.components.length - 1; i >= 0; i--) stack.push(component.components[i]);
    }
    const kind = text(component.type);
    if (kind !== null && kind !== 'library' && kind !== 'framework' && kind !== 'application') {
      skips.add(COMPONENT_TYPES.has(kind) ? `${kind} components (not packages of a registry)` : 'components of another type (not packages of a registry)');
      continue;
    }
    // Not part of what runs: `excluded` (a tool or test dependency), or a development package by the CycloneDX property taxonomy.
    const dev = component.scope === 'excluded' || hasProperty(component.properties, 'cdx:npm:package:development', 'true');
    const location = locationOf(component) ?? 'SBOM';
    const pkg = fromPurl(text(component.purl), dev, location);
    if (typeof pkg === 'string') skips.add(pkg);
    else found.push(pkg);
  }
  const commit = commitProperty(metadata.properties) ?? commitProperty(subject.properties) ?? pedigreeCommit(subject) ?? hexVersion(subject.version);
  return {
    format: `CycloneDX ${spec}`,
    tool: cycloneDxTool(metadata.tools),
    commit,
    components,
    skipped: skips.list(),
    packages: merged(found),
  };
}

function hasProperty(properties: unknown, name: string, value: string): boolean {
  return Array.isArray(properties) && properties.slice(0, 1_000).some((p) => isObject(p) && p.name === name && p.value === value);
}

/** Where a component was found, when the SBOM says (CycloneDX 1.5+ evidence occurrences). */
function locationOf(component: Record<string, unknown>): string | null {
  const evidence = isObject(component.evidence) ? component.evidence : null;
  const occurrences = evidence && Array.isArray(evidence.occurrences) ? evidence.occurrences : [];
  for (const occurrence of occurrences.slice(0, 8)) if (isObject(occurrence) && text(occurrence.location)) return `SBOM: ${occurrence.location as string}`;
  return null;
}

function pedigreeCommit(component: Record<string, unknown>): string | null {
  const pedigree = isObject(component.pedigree) ? component.pedigree : null;
  const commits = pedigree && Array.isArray(pedigree.commits) ? pedigree.commits : [];
  const first: unknown = commits[0];
  const uid = isObject(first) ? text(first.uid) : null;
  return uid && COMMIT.test(uid) ? uid.toLowerCase() : null;
}

/** A version that is a commit id (some tools version the app by its commit). */
function hexVersion(value: unknown): string | null {
  const version = text(value);
  return version && /^[0-9a-f]{7,64}$/.test(version) && /[a-f]/.test(version) ? version : null;
}

/** The tool that wrote a CycloneDX document: `tools` is a list (1.4) or holds components (1.5+). */
function cycloneDxTool(tools: unknown): string | null {
  const list = Array.isArray(tools) ? tools : isObject(tools) && Array.isArray(tools.components) ? tools.components : [];
  const names = (list as unknown[])
    .slice(0, 3)
    .filter((tool): tool is Record<string, unknown> => isObject(tool) && text(tool.name) !== null)
    .map((tool) => {
      const name = text(tool.group)
        ? `${tool.group as string}/${tool.name as string}`
        : text(tool.vendor)
          ? `${tool.vendor as string} ${tool.name as string}`
          : (tool.name as string);
      return text(tool.version) ? `${name} ${tool.version as string}` : name;
    });
  return names.length === 0 ? null : names.join(', ').slice(0, 200);
}

function readSpdx(document: Record<string, unknown>, limits: SbomLimits): ReadSbom {
  const spec = text(document.spdxVersion);
  if (!spec || !SPDX_VERSIONS.includes(spec)) throw new SbomError(`${spec ?? 'this SPDX version'} is not read: give SPDX 2.3 (or 2.2) JSON`);
  const packages = Array.isArray(document.packages) ? (document.packages as unknown[]) : [];
  if (packages.length > limits.components + 1) throw tooMany(limits);
  const relationships = Array.isArray(document.relationships) ? (document.relationships as unknown[]) : [];
  if (relationships.length > limits.components * 8)
    throw new SbomError(`the SBOM has more than ${limits.components * 8} relationships, beyond what herowatch reads`);
  const described = new Set<string>();
  if (Array.isArray(document.documentDescribes)) for (const id of document.documentDescribes.slice(0, 100)) if (typeof id === 'string') described.add(id);
  // Who depends on whom (dependent -> dependency), at run time and for development only.
  const runtime = new Map<string, string[]>();
  const development = new Map<string, string[]>();
  const edge = (graph: Map<string, string[]>, from: string, to: string) => {
    const list = graph.get(from);
    if (list) list.push(to);
    else graph.set(from, [to]);
  };
  for (const relationship of relationships) {
    if (!isObject(relationship)) continue;
    const type = relationship.relationshipType;
    const element = text(relationship.spdxElementId);
    const related = text(relationship.relatedSpdxElement);
    if (!element || !related) continue;
    if (type === 'DESCRIBES' && element === 'SPDXRef-DOCUMENT') described.add(related);
    else if (type === 'DEV_DEPENDENCY_OF' || type === 'TEST_DEPENDENCY_OF' || type === 'DEV_TOOL_OF' || type === 'TEST_TOOL_OF')
      edge(development, related, element);
    // Every other dependency counts as run time (optional, provided, build, prerequisite): only dev and test ones are left out.
    else if (typeof type === 'string' && (type.endsWith('_OF') || type === 'PREREQUISITE_FOR')) edge(runtime, related, element);
    else if (typeof type === 'string') edge(runtime, element, related);
  }
  // What runs: reached from the app through run-time dependencies. Dev-only: reached only through a development one.
  const runs = reach([...described], runtime);
  const viaDevelopment = reach([...development.values()].flat(), runtime);
  const devOnly = new Set([...viaDevelopment].filter((id) => !runs.has(id)));
  const skips = new ReasonCounts();
  const found: Package[] = [];
  let components = 0;
  let commit: string | null = null;
  for (const entry of packages) {
    if (!isObject(entry)) continue;
    const id = text(entry.SPDXID);
    if (id !== null && described.has(id)) {
      commit ??= spdxCommit(entry);
      continue;
    }
    components++;
    const refs = Array.isArray(entry.externalRefs) ? (entry.externalRefs as unknown[]).slice(0, 64) : [];
    const purl = refs.find((ref): ref is Record<string, unknown> => isObject(ref) && ref.referenceType === 'purl' && typeof ref.referenceLocator === 'string');
    const pkg = fromPurl(purl ? text(purl.referenceLocator) : null, id !== null && devOnly.has(id), 'SBOM');
    if (typeof pkg === 'string') skips.add(pkg);
    else found.push(pkg);
  }
  const creation = isObject(document.creationInfo) ? document.creationInfo : {};
  const creators = Array.isArray(creation.creators) ? creation.creators : [];
  const tool = creators.map((c) => text(c)).find((c): c is string => c !== null && c.startsWith('Tool:'));
  return {
    format: `SPDX ${spec.slice('SPDX-'.length)}`,
    tool: tool ? tool.slice('Tool:'.length).trim().slice(0, 200) : null,
    commit,
    components,
    skipped: skips.list(),
    packages: merged(found),
  };
}

/** Every element reached from `starts` along `graph`, the starts included (a stack, no recursion: each element once). */
function reach(starts: string[], graph: Map<string, string[]>): Set<string> {
  const seen = new Set<string>(starts);
  // From each start once: a start named many times (a package many depend on) would walk its dependencies as many times.
  const stack = [...seen];
  while (stack.length > 0) {
    for (const next of graph.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/** The commit the described package names: a hex `versionInfo`, or a commit id in `sourceInfo` (`built from git commit abc1234`). */
function spdxCommit(entry: Record<string, unknown>): string | null {
  const fromVersion = hexVersion(entry.versionInfo);
  if (fromVersion) return fromVersion;
  const source = text(entry.sourceInfo);
  const match = source ? /\b(?:commit|revision|sha)[:\s]+([0-9a-f]{7,64})\b/i.exec(source.slice(0, 500)) : null;
  return match ? match[1]!.toLowerCase() : null;
}
