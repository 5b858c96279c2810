import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { ecosystem, type EcosystemName } from './ecosystems.js';
import { isObject, parseJson } from './readers/reader.js';
import { ReasonCounts, readPurl } from './purl.js';

/*
 * VEX: what a supplier or the team says of a vulnerability in what they
 * run (not affected, and why; affected; fixed; under investigation), read
 * from OpenVEX 0.2 or CycloneDX VEX JSON. A statement names the
 * vulnerability (with its aliases), and may narrow it to packages (purls)
 * and to an app (`heroku-app:<id or name>`, the reference herowatch's own
 * SBOMs give an app). The newest statement that speaks of a finding is the
 * one that stands; only `not_affected` takes a finding out of the counts.
 */

export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

/** One statement as herowatch keeps it: a vulnerability, in an optional package and app, with its status and why. */
export interface VexStatement {
  /** The vulnerability's name and its aliases (CVE, GHSA, OSV ids). */
  ids: string[];
  /** The package it speaks of, when it names one: ecosystem, normalised name, and version when the purl has one. */
  ecosystem: EcosystemName | null;
  package: string | null;
  version: string | null;
  /** An app it speaks of, by id or name, when it names one (`heroku-app:` references). */
  app: string | null;
  status: VexStatus;
  /** Why it is not affected (OpenVEX or CycloneDX justification). */
  justification: string | null;
  /** The statement in words (impact statement, detail, action statement). */
  statement: string | null;
  /** When the statement was made (its own timestamp, else its document's). */
  issuedAt: string | null;
}

export interface VexDocument {
  format: string;
  /** The document's id (`@id`, `serialNumber`), or a digest of its bytes when it has none. */
  id: string;
  author: string | null;
  statements: VexStatement[];
  /** Statements or products not kept, by reason. */
  skipped: { reason: string; count: number }[];
}

export class VexError extends InputError {
  constructor(message: string) {
    super('HW_VEX_INVALID', message);
  }
}

export const MAX_VEX_BYTES = 16 * 1024 ** 2;
const MAX_STATEMENTS = 100_000;
/** Statements kept of one document, once each is split by the packages and apps it names. */
export const MAX_KEPT_STATEMENTS = 10_000;
const MAX_PRODUCTS = 100;
const MAX_IDS = 8;
const MAX_TEXT = 1_024;

/** The reference an app is named by in a VEX statement (and in herowatch's SBOMs). */
export const APP_REF = 'heroku-app:';

function text(value: unknown, max = MAX_TEXT): string | null {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= max ? value.trim() : null;
}

/** A table's own value for a key from a document (`constructor`, `__proto__` are no key of it). */
function ownValue<T>(table: Record<string, T>, key: string | null): T | undefined {
  return key !== null && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A time as UTC ISO text (statements are ordered by it), or null when it is none. */
function instant(value: unknown): string | null {
  const at = text(value, 64);
  const ms = at === null ? NaN : Date.parse(at);
  // Years 0 to 9999 only: ISO text of others does not sort as time does.
  return Number.isNaN(ms) || ms < Date.UTC(0, 0, 1) || ms > Date.UTC(9999, 11, 31) ? null : new Date(ms).toISOString();
}

/** What a product reference names: an app, a package, or nothing herowatch knows. */
type Target = { app: string } | { ecosystem: EcosystemName; package: string; version: string | null } | null;

function targetOf(ref: string | null): Target {
  if (!ref) return null;
  if (ref.startsWith(APP_REF)) return ref.length > APP_REF.length ? { app: ref.slice(APP_REF.length) } : null;
  if (!ref.startsWith('pkg:')) return null;
  const read = readPurl(ref);
  return read.kind === 'package' ? { ecosystem: read.ecosystem, package: ecosystem(read.ecosystem)!.normalizeName(read.name), version: read.version } : null;
}

/** Reads a VEX document's text: OpenVEX 0.2 or CycloneDX (1.4-1.6) with vulnerabilities and their analysis. */
export function readVex(textIn: string): VexDocument {
  let document: unknown;
  try {
    document = parseJson(textIn);
  } catch (error) {
    throw new VexError(`the VEX document is ${(error as Error).message}`);
  }
  if (!isObject(document)) throw new VexError('the VEX document is not a JSON object: give OpenVEX 0.2 or CycloneDX VEX JSON');
  const digest = `sha256:${createHash('sha256').update(textIn).digest('hex')}`;
  const context = text(document['@context']);
  if (context?.startsWith('https://openvex.dev/ns')) return readOpenVex(document, context, digest);
  if (document.bomFormat === 'CycloneDX') return readCycloneDxVex(document, digest);
  throw new VexError(
    'the document is neither OpenVEX (no "@context": "https://openvex.dev/ns/v0.2.0") nor CycloneDX (no "bomFormat"): give OpenVEX 0.2 or CycloneDX VEX JSON',
  );
}

/** Each (app, package) a statement's products name; one without products speaks of every package everywhere. */
function scopes(products: { ref: string | null; parts: (string | null)[] }[], skips: ReasonCounts): { app: string | null; target: Target }[] {
  // A statement that names no product is refused, not taken to speak of every package everywhere.
  if (products.length === 0) {
    skips.add('statements that name no product');
    return [];
  }
  const out: { app: string | null; target: Target }[] = [];
  for (const product of products) {
    const target = targetOf(product.ref);
    const app = target && 'app' in target ? target.app : null;
    const parts = product.parts.map((part) => ({ ref: part, target: targetOf(part) }));
    if (parts.length > 0) {
      for (const part of parts) {
        if (part.target && 'package' in part.target) out.push({ app, target: part.target });
        else skips.add('subcomponents that are not a package purl herowatch matches');
      }
    } else if (app !== null) out.push({ app, target: null });
    else if (target) out.push({ app: null, target });
    else skips.add('products that are neither a package purl herowatch matches nor a heroku-app: reference');
  }
  return out;
}

function statementsOf(
  base: Omit<VexStatement, 'ecosystem' | 'package' | 'version' | 'app'>,
  products: { ref: string | null; parts: (string | null)[] }[],
  skips: ReasonCounts,
): VexStatement[] {
  return scopes(products, skips).map(({ app, target }) => ({
    ...base,
    app,
    ecosystem: target && 'package' in target ? target.ecosystem : null,
    package: target && 'package' in target ? target.package : null,
    version: target && 'package' in target ? target.version : null,
  }));
}

const OPENVEX_STATUS: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  affected: 'affected',
  fixed: 'fixed',
  under_investigation: 'under_investigation',
};

function readOpenVex(document: Record<string, unknown>, context: string, digest: string): VexDocument {
  if (!/^https:\/\/openvex\.dev\/ns(\/v0\.2\.\d+)?$/.test(context))
    throw new VexError(`OpenVEX ${context} is not read: give OpenVEX 0.2 (@context https://openvex.dev/ns/v0.2.0)`);
  const raw = Array.isArray(document.statements) ? (document.statements as unknown[]) : [];
  if (raw.length > MAX_STATEMENTS) throw new VexError(`the document has more than ${MAX_STATEMENTS} statements, beyond what herowatch reads`);
  const skips = new ReasonCounts();
  const issued = instant(document.timestamp);
  const statements: VexStatement[] = [];
  for (const entry of raw) {
    if (!isObject(entry)) continue;
    const status = ownValue(OPENVEX_STATUS, text(entry.status, 64));
    const vulnerability = isObject(entry.vulnerability) ? entry.vulnerability : null;
    const ids = [
      text(vulnerability?.name, 256),
      text(vulnerability?.['@id'], 256),
      ...(Array.isArray(vulnerability?.aliases) ? vulnerability.aliases.slice(0, MAX_IDS).map((a) => text(a, 256)) : []),
    ].filter((id): id is string => id !== null && !id.includes('/'));
    if (!status) {
      skips.add('statements without a status herowatch reads (not_affected, affected, fixed, under_investigation)');
      continue;
    }
    if (ids.length === 0) {
      skips.add('statements that name no vulnerability');
      continue;
    }
    const justification = text(entry.justification, 128);
    // What to do says most of an affected statement; why not, of the others.
    const statement =
      status === 'affected'
        ? (text(entry.action_statement) ?? text(entry.impact_statement) ?? text(entry.status_notes))
        : (text(entry.impact_statement) ?? text(entry.action_statement) ?? text(entry.status_notes));
    // OpenVEX: a not_affected statement says why, with a justification or an impact statement.
    if (status === 'not_affected' && !justification && !statement) {
      skips.add('not_affected statements without a justification or an impact statement');
      continue;
    }
    const listed = Array.isArray(entry.products) ? entry.products.slice(0, MAX_PRODUCTS) : [];
    if (listed.some((product) => !isObject(product))) {
      skips.add('statements with a product that is not an object');
      continue;
    }
    const products = (listed as Record<string, unknown>[]).map((product) => ({
      ref: text(product['@id'], 2_048) ?? (isObject(product.identifiers) ? text(product.identifiers.purl, 2_048) : null),
      parts: (Array.isArray(product.subcomponents) ? product.subcomponents.slice(0, MAX_PRODUCTS) : [])
        .map((part) => (isObject(part) ? part : {}))
        .map((part) => text(part['@id'], 2_048) ?? (isObject(part.identifiers) ? text(part.identifiers.purl, 2_048) : null)),
    }));
    statements.push(
      ...statementsOf({ ids: [...new Set(ids)], status, justification, statement, issuedAt: instant(entry.timestamp) ?? issued }, products, skips),
    );
  }
  bounded(statements);
  return { format: 'OpenVEX 0.2', id: text(document['@id'], 1_024) ?? digest, author: text(document.author, 256), statements, skipped: skips.list() };
}

const CYCLONEDX_STATE: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  exploitable: 'affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  in_triage: 'under_investigation',
};

function readCycloneDxVex(bom: Record<string, unknown>, digest: string): VexDocument {
  const spec = text(bom.specVersion, 16);
  if (!spec || !['1.4', '1.5', '1.6'].includes(spec))
    throw new VexError(`CycloneDX ${spec ?? '(no specVersion)'} is not read: give CycloneDX 1.4, 1.5 or 1.6 JSON`);
  const raw = Array.isArray(bom.vulnerabilities) ? (bom.vulnerabilities as unknown[]) : [];
  if (raw.length === 0) throw new VexError('the CycloneDX document lists no vulnerabilities: a VEX document says what is known of each');
  if (raw.length > MAX_STATEMENTS) throw new VexError(`the document has more than ${MAX_STATEMENTS} vulnerabilities, beyond what herowatch reads`);
  // An `affects` reference names a component of the same document by its bom-ref (its purl says which package), or is a purl itself.
  const purls = new Map<string, string>();
  const components = Array.isArray(bom.components) ? (bom.components as unknown[]) : [];
  for (const component of components.slice(0, 200_000))
    if (isObject(component) && text(component['bom-ref'], 2_048) && text(component.purl, 2_048))
      purls.set(component['bom-ref'] as string, component.purl as string);
  const metadata = isObject(bom.metadata) ? bom.metadata : {};
  const subject = isObject(metadata.component) ? metadata.component : {};
  const subjectRef = text(subject['bom-ref'], 2_048);
  const skips = new ReasonCounts();
  const statements: VexStatement[] = [];
  for (const entry of raw) {
    if (!isObject(entry)) continue;
    const analysis = isObject(entry.analysis) ? entry.analysis : null;
    const status = ownValue(CYCLONEDX_STATE, text(analysis?.state, 64));
    const references = Array.isArray(entry.references) ? entry.references.slice(0, MAX_IDS) : [];
    const ids = [text(entry.id, 256), ...references.map((r) => (isObject(r) ? text(r.id, 256) : null))].filter((id): id is string => id !== null);
    if (!status) {
      skips.add('vulnerabilities without an analysis state herowatch reads');
      continue;
    }
    if (ids.length === 0) {
      skips.add('vulnerabilities without an id');
      continue;
    }
    const refs = (Array.isArray(entry.affects) ? entry.affects.slice(0, MAX_PRODUCTS) : []).map((a) => (isObject(a) ? text(a.ref, 2_048) : null));
    // The document's own subject (an app, in herowatch's SBOMs) narrows to it; each other reference is a package.
    const app = refs.find((ref) => ref !== null && ref === subjectRef && ref.startsWith(APP_REF)) ?? null;
    const parts = refs.filter((ref) => ref !== app).map((ref) => (ref === null ? null : (purls.get(ref) ?? ref)));
    const products = app !== null ? [{ ref: app, parts }] : parts.map((ref) => ({ ref, parts: [] as (string | null)[] }));
    const response = Array.isArray(analysis?.response) ? analysis.response.map((r) => text(r, 64)).filter((r) => r !== null) : [];
    statements.push(
      ...statementsOf(
        {
          ids: [...new Set(ids)],
          status,
          justification: text(analysis?.justification, 128) ?? (analysis?.state === 'false_positive' ? 'false_positive' : null),
          statement: text(analysis?.detail) ?? (response.length > 0 ? `response: ${response.join(', ')}` : null),
          issuedAt: instant(analysis?.lastUpdated) ?? instant(analysis?.firstIssued) ?? instant(metadata.timestamp),
        },
        products,
        skips,
      ),
    );
  }
  bounded(statements);
  return {
    format: `CycloneDX ${spec} VEX`,
    id: text(bom.serialNumber, 1_024) ?? digest,
    author: null,
    statements,
    skipped: skips.list(),
  };
}

function bounded(statements: VexStatement[]): void {
  if (statements.length > MAX_KEPT_STATEMENTS)
    throw new VexError(
      `the document makes more than ${MAX_KEPT_STATEMENTS} statements once split by the packages and apps they name: split it, or name fewer products per statement`,
    );
}

/** A finding as VEX statements are matched against it. */
export interface VexSubject {
  ids: string[];
  ecosystem: string;
  package: string;
  version: string;
  appId: string;
  appName: string;
}

/** A stored statement: one kept by herowatch, with its order of import. */
export interface StoredVexStatement extends VexStatement {
  id: number;
}

/**
 * The statement that stands for a finding, or null: of those that name one
 * of its ids and, when they say, its package, version and app, the newest
 * (by when it was issued, then by import).
 */
export function vexFor<T extends StoredVexStatement>(subject: VexSubject, statements: T[]): T | null {
  const ids = new Set(subject.ids);
  const name = ecosystem(subject.ecosystem)?.normalizeName(subject.package) ?? subject.package;
  let best: T | null = null;
  for (const s of statements) {
    if (!s.ids.some((id) => ids.has(id))) continue;
    if (s.package !== null && (s.ecosystem !== subject.ecosystem || s.package !== name)) continue;
    if (s.version !== null && s.version !== subject.version) continue;
    if (s.app !== null && s.app !== subject.appId && s.app !== subject.appName) continue;
    if (best === null || (s.issuedAt ?? '') > (best.issuedAt ?? '') || ((s.issuedAt ?? '') === (best.issuedAt ?? '') && s.id > best.id)) best = s;
  }
  return best;
}
