import type { PackageRecord } from '../packages.js';
import { baseName, isObject, parseJson, record, type PackageReader } from './reader.js';

function composerPackages(list: unknown, dev: (name: string) => boolean): PackageRecord[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(isObject)
    .filter((p) => typeof p.name === 'string')
    .map((p) => record('Packagist', String(p.name), typeof p.version === 'string' ? p.version : null, dev(String(p.name))));
}

/** vendor/composer/installed.json: Composer 1 (a list) and 2 (`packages`, with `dev-package-names`). */
function readInstalled(text: string): { packages: PackageRecord[] } {
  const installed = parseJson(text);
  if (Array.isArray(installed)) return { packages: composerPackages(installed, () => false) };
  if (!isObject(installed) || !Array.isArray(installed.packages)) throw new Error('not a Composer installed.json (no packages)');
  const devNames = new Set(Array.isArray(installed['dev-package-names']) ? installed['dev-package-names'].map(String) : []);
  return { packages: composerPackages(installed.packages, (name) => devNames.has(name)) };
}

/** composer.lock: `packages` run, `packages-dev` only develop. */
function readComposerLock(text: string): { packages: PackageRecord[] } {
  const lock = parseJson(text);
  if (!isObject(lock) || !Array.isArray(lock.packages)) throw new Error('not a composer.lock (no packages)');
  return { packages: [...composerPackages(lock.packages, () => false), ...composerPackages(lock['packages-dev'], () => true)] };
}

export const phpReaders: PackageReader[] = [
  {
    format: 'vendor/composer/installed.json',
    evidence: 'installed',
    matches: (path) => /(^|\/)vendor\/composer\/installed\.json$/.test(path),
    read: (file) => readInstalled(file.text),
  },
  {
    format: 'composer.lock',
    evidence: 'lockfile',
    matches: (path) => baseName(path) === 'composer.lock' && !path.includes('vendor/'),
    read: (file) => readComposerLock(file.text),
  },
];
