import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { fileContent } from '../world/slug-files.js';
import type { Slug } from '../world/types.js';

export interface Blob {
  bytes: Buffer;
  /** `SHA256:<hex>`, as Heroku writes slug checksums. */
  checksum: string;
}

/** Every file is stamped with this time, so the same files always make the same bytes. */
const FIXED_MTIME = Date.UTC(2020, 0, 1);

const bySlug = new WeakMap<Slug, Blob>();
const byFiles = new WeakMap<object, Blob>();
const byContent = new Map<string, Blob>();

/**
 * The slug's tarball: its files under `./app/`, gzipped, deterministic.
 * Identical file sets (common in generated worlds) share one blob.
 */
export function slugBlob(slug: Slug): Blob {
  let blob = bySlug.get(slug) ?? byFiles.get(slug.files);
  if (blob) return blob;
  const hash = createHash('sha256').update(JSON.stringify(slug.files));
  for (const [path, bytes] of Object.entries(slug.binaryFiles).sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\u0000${path}\u0000`).update(bytes);
  const contentKey = hash.digest('hex');
  blob = byContent.get(contentKey);
  if (!blob) {
    const contents = new Map<string, Uint8Array>(Object.entries(slug.files).map(([path, value]) => [path, new TextEncoder().encode(fileContent(value))]));
    for (const [path, bytes] of Object.entries(slug.binaryFiles)) contents.set(path, bytes);
    const paths = [...contents.keys()].sort();
    const directories = new Set<string>(['./app/']);
    for (const path of paths) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) directories.add(`./app/${parts.slice(0, i).join('/')}/`);
    }
    const attrs = { mtime: FIXED_MTIME, uid: 1000, gid: 1000, user: 'u1000', group: 'u1000' };
    const tar = createTar([
      ...[...directories].sort().map((name) => ({ name, attrs: { ...attrs, mode: '755' } })),
      ...paths.map((path) => ({
        name: `./app/${path}`,
        data: contents.get(path)!,
        // What a build leaves in bin/ runs.
        attrs: { ...attrs, mode: path.startsWith('bin/') ? '755' : '644' },
      })),
    ]);
    const bytes = gzipSync(tar);
    blob = { bytes, checksum: `SHA256:${createHash('sha256').update(bytes).digest('hex')}` };
    byContent.set(contentKey, blob);
  }
  bySlug.set(slug, blob);
  byFiles.set(slug.files, blob);
  return blob;
}
