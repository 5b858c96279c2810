import type { PackageRecord } from '../packages.js';
import { baseName, record, textLines, type PackageReader } from './reader.js';

/** A jar's META-INF/maven/<group>/<artifact>/pom.properties: what the jar is. */
function readPomProperties(text: string): { packages: PackageRecord[] } {
  const values = new Map<string, string>();
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at === -1) continue;
    const key = line.slice(0, at).trim();
    if (!values.has(key)) values.set(key, line.slice(at + 1).trim());
  }
  const group = values.get('groupId');
  const artifact = values.get('artifactId');
  const version = values.get('version');
  if (!group || !artifact || !version) throw new Error('pom.properties without groupId, artifactId and version');
  return { packages: [record('Maven', `${group}:${artifact}`, version)] };
}

/** gradle.lockfile: `group:artifact:version=configurations`; packages only in test configurations are dev. */
function readGradleLockfile(text: string): { packages: PackageRecord[] } {
  const packages: PackageRecord[] = [];
  for (const line of textLines(text)) {
    const match = /^([^#\s:=]+):([^:=\s]+):([^:=\s]+)=(.*)$/s.exec(line.trim());
    if (!match) continue;
    const configurations = match[4]!
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const dev = configurations.length > 0 && configurations.every((c) => /^test|Test/.test(c));
    packages.push(record('Maven', `${match[1]}:${match[2]}`, match[3]!, dev));
  }
  return { packages };
}

export const javaReaders: PackageReader[] = [
  {
    format: 'pom.properties in a jar',
    evidence: 'installed',
    matches: (path) => /(^|\/)META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(path),
    read: (file) => readPomProperties(file.text),
  },
  { format: 'gradle.lockfile', evidence: 'lockfile', matches: (path) => baseName(path) === 'gradle.lockfile', read: (file) => readGradleLockfile(file.text) },
];

/** Archives whose pom.properties are read: jars, wars and ears (nested ones too). */
export function isJavaArchive(path: string): boolean {
  return /\.(jar|war|ear)$/i.test(path);
}
