import { parse as parseToml } from 'smol-toml';
import type { PackageRecord } from '../packages.js';
import { baseName, isObject, record, type PackageReader } from './reader.js';

/** Cargo.lock: every crate from a registry or git; the workspace's own crates (no source) are left out. */
function readCargoLock(text: string): { packages: PackageRecord[] } {
  let lock: Record<string, unknown>;
  try {
    lock = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`not a valid Cargo.lock (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
  const entries = Array.isArray(lock.package) ? lock.package.filter(isObject) : [];
  return {
    packages: entries
      .filter((p) => typeof p.name === 'string' && typeof p.source === 'string')
      .map((p) => record('crates.io', String(p.name), typeof p.version === 'string' ? p.version : null)),
  };
}

export const rustReaders: PackageReader[] = [
  { format: 'Cargo.lock', evidence: 'lockfile', matches: (path) => baseName(path) === 'Cargo.lock', read: (file) => readCargoLock(file.text) },
];
