import { goReaders } from './go.js';
import { javaReaders } from './java.js';
import { isRootManifest, npmReaders } from './npm.js';
import { phpReaders } from './php.js';
import { isPythonCompanion, isRequirementsIncludeCandidate, pythonReaders } from './python.js';
import type { PackageReader } from './reader.js';
import { isGemfile, rubyReaders } from './ruby.js';
import { isCargoManifest, rustReaders } from './rust.js';

/** Every file format read for packages, installed trees first within each ecosystem. */
export const READERS: PackageReader[] = [...npmReaders, ...rubyReaders, ...pythonReaders, ...goReaders, ...phpReaders, ...javaReaders, ...rustReaders];

export function readerFor(path: string): PackageReader | undefined {
  return READERS.find((reader) => reader.matches(path));
}

/** Files kept only for the readers to look at beside a lockfile (which of its packages are dev-only). */
export function isCompanionFile(path: string): boolean {
  return isRootManifest(path) || isGemfile(path) || isCargoManifest(path) || isPythonCompanion(path);
}

export { isJavaArchive } from './java.js';
export { isRequirementsIncludeCandidate };
export type { PackageReader } from './reader.js';
