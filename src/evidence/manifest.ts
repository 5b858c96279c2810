import { createHash } from 'node:crypto';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { checkSignature, signManifest, type SigningKey } from './signing.js';
import { inspectZip, readEntries } from '../zip/layout.js';

/**
 * An evidence bundle is a zip of files plus those that make it checkable:
 * `SHA256SUMS` (each file's hash, in the format `sha256sum -c` reads),
 * `manifest.json` (what each file is, its size and hash, the period and who
 * made it) and `manifest.sha256` (the hash of manifest.json), and when
 * signed, `manifest.sig` (an Ed25519 signature over manifest.json). Changing
 * any byte of any file, or adding or removing one, fails verification.
 */
export const FORMAT = 'herowatch-evidence';
export const FORMAT_VERSION = 1;

export interface BundleFile {
  path: string;
  description: string;
  content: Uint8Array | string;
}

export interface ManifestEntry {
  path: string;
  description: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  format_version: number;
  generated_at: string;
  generated_by: string;
  period: { from: string; to: string };
  connections: string[];
  /** The fingerprint of the key that signed the bundle (manifest.sig), or null when unsigned. */
  signer: string | null;
  files: ManifestEntry[];
  notes: string[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (content: Uint8Array | string): Uint8Array => (typeof content === 'string' ? strToU8(content) : content);

export function writeBundle(
  files: BundleFile[],
  meta: Omit<Manifest, 'format' | 'format_version' | 'files' | 'signer'>,
  signingKey?: SigningKey,
): { zip: Uint8Array; manifest: Manifest; manifestHash: string } {
  const entries: ManifestEntry[] = [];
  const contents: Record<string, Uint8Array> = {};
  for (const file of files) {
    if (contents[file.path]) throw new Error(`Two evidence files are named ${file.path}.`);
    const bytes = bytesOf(file.content);
    contents[file.path] = bytes;
    entries.push({ path: file.path, description: file.description, bytes: bytes.length, sha256: sha256(bytes) });
  }
  const sums = strToU8(entries.map((e) => `${e.sha256}  ${e.path}\n`).join(''));
  contents.SHA256SUMS = sums;
  entries.push({ path: 'SHA256SUMS', description: 'The SHA-256 of every file above, for sha256sum -c', bytes: sums.length, sha256: sha256(sums) });
  const manifest: Manifest = { format: FORMAT, format_version: FORMAT_VERSION, ...meta, signer: signingKey?.fingerprint ?? null, files: entries };
  const manifestBytes = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestHash = sha256(manifestBytes);
  contents['manifest.json'] = manifestBytes;
  contents['manifest.sha256'] = strToU8(`${manifestHash}  manifest.json\n`);
  if (signingKey) contents['manifest.sig'] = strToU8(`${JSON.stringify(signManifest(signingKey, manifestBytes), null, 2)}\n`);
  const mtime = new Date(meta.generated_at);
  const zip = zipSync(Object.fromEntries(Object.entries(contents).map(([path, bytes]) => [path, [bytes, { mtime }]])), { level: 6 });
  return { zip, manifest, manifestHash };
}

export interface Verification {
  /** Intact and signed by a key the verifier trusts: the only result that exits 0. */
  ok: boolean;
  /** Every file matches the manifest, nothing added or removed, the archive well formed. */
  intact: boolean;
  /** Signed by the key named with --signer (or, without it, by this installation's own key). */
  trusted: boolean;
  problems: string[];
  manifest: Manifest | null;
  manifestHash: string | null;
  /** The fingerprint of the key whose signature matches, or null (unsigned, or a signature that does not match). */
  signer: string | null;
  files: number;
}

const failed = (problems: string[], rest: Partial<Verification> = {}): Verification => ({
  ok: false,
  intact: false,
  trusted: false,
  problems,
  manifest: null,
  manifestHash: null,
  signer: null,
  files: 0,
  ...rest,
});

/**
 * Checks a bundle, an untrusted file: first the archive's layout (no entry
 * twice, nothing outside the central directory, no bomb), then the
 * manifest's own hash and signature, every file against the manifest, and
 * nothing extra or missing; directory entries (which re-zipping adds) are
 * not files. Intact is not enough: anyone can build a consistent bundle. It
 * is `ok` only when signed by the key named in `signer` or, without one, by
 * one of `trusted` (this installation's own key).
 */
export function verifyBundle(zip: Uint8Array, options: { signer?: string; trusted?: string[] } = {}): Verification {
  const layout = inspectZip(zip);
  if (layout.problems.length > 0) return failed(layout.problems);
  // By name from the central directory, in a Map: every name the archive lists is checked against the manifest.
  const contents = new Map<string, Uint8Array>();
  const problems: string[] = [];
  for (const [name, read] of readEntries(zip, layout.entries)) {
    if ('problem' in read) problems.push(`${name} ${read.problem}.`);
    else contents.set(name, read.bytes);
  }
  for (const entry of layout.entries) {
    if (!entry.directory && contents.has(entry.name) && contents.get(entry.name)!.length !== entry.size)
      problems.push(`${entry.name} does not expand to the size the archive declares.`);
  }
  const manifestBytes = contents.get('manifest.json');
  const hashFile = contents.get('manifest.sha256');
  if (!manifestBytes) return failed([...problems, 'manifest.json is missing']);
  const manifestHash = sha256(manifestBytes);
  const recorded = hashFile ? strFromU8(hashFile).trim().split(/\s+/)[0] : null;
  if (!recorded) problems.push('manifest.sha256 is missing');
  else if (recorded !== manifestHash) problems.push(`manifest.json has changed: its SHA-256 is ${manifestHash}, manifest.sha256 says ${recorded}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(strFromU8(manifestBytes)) as Manifest;
  } catch {
    return failed([...problems, 'manifest.json is not valid JSON'], { manifestHash });
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    return failed([...problems, 'manifest.json is not a manifest (not a JSON object)'], { manifestHash });
  const signatureBytes = contents.get('manifest.sig');
  let signer: string | null = null;
  if (signatureBytes) {
    const checked = checkSignature(strFromU8(signatureBytes), manifestBytes);
    if (checked.problem) problems.push(checked.problem);
    else signer = checked.signer;
    if (checked.signer && manifest.signer !== checked.signer)
      problems.push(`manifest.json names the signer ${manifest.signer ?? 'none'}, manifest.sig holds ${checked.signer}`);
  } else if (manifest.signer) problems.push(`manifest.sig is missing (manifest.json says ${manifest.signer} signed it)`);
  if (manifest.format !== FORMAT) problems.push(`manifest.json is not a ${FORMAT} manifest`);
  if (manifest.files !== undefined && (!Array.isArray(manifest.files) || manifest.files.some((f) => typeof f?.path !== 'string')))
    return failed([...problems, 'manifest.json does not list its files as herowatch writes them'], { manifestHash });
  const listed = new Set<string>(['manifest.json', 'manifest.sha256', ...(signatureBytes ? ['manifest.sig'] : [])]);
  for (const entry of manifest.files ?? []) {
    listed.add(entry.path);
    const bytes = contents.get(entry.path);
    if (!bytes) problems.push(`${entry.path} is missing`);
    else if (sha256(bytes) !== entry.sha256) problems.push(`${entry.path} has changed: its SHA-256 is ${sha256(bytes)}, the manifest says ${entry.sha256}`);
    else if (bytes.length !== entry.bytes) problems.push(`${entry.path} has ${bytes.length} bytes, the manifest says ${entry.bytes}`);
  }
  for (const entry of layout.entries) if (!entry.directory && !listed.has(entry.name)) problems.push(`${entry.name} is not in the manifest`);
  const intact = problems.length === 0;
  let trusted = false;
  if (options.signer) {
    trusted = signer === options.signer;
    if (!trusted) problems.push(signer ? `signed by ${signer}, not by the expected ${options.signer}` : `not signed by the expected ${options.signer}`);
  } else if (signer && options.trusted?.includes(signer)) trusted = true;
  else if (signer)
    problems.push(
      `signed by ${signer}, a key this installation does not know: the files agree with each other, but anyone can build such a bundle. Confirm the fingerprint with the bundle's maker, then pass --signer ${signer}`,
    );
  else if (!signatureBytes)
    problems.push(
      'not signed: the files agree with each other, but anyone can build such a bundle; ask its maker for a signed one (herowatch signs by default)',
    );
  return { ok: intact && trusted, intact, trusted, problems, manifest, manifestHash, signer, files: (manifest.files?.length ?? 0) + (signatureBytes ? 3 : 2) };
}
