import type { PackageRecord, PackageSource } from '../packages.js';
import { baseName, devOnly, folderOf, record, textLines, withoutComment, type PackageReader, type Siblings } from './reader.js';

/** A Gemfile.lock version without its platform (`1.13.3-x86_64-linux` is 1.13.3: RubyGems versions hold no `-`). */
function withoutPlatform(version: string): string {
  return version.split('-')[0]!;
}

/**
 * The gems a Gemfile puts only in development or test groups. A Gemfile is
 * Ruby; this reads the common forms (`group :development, :test do ... end`,
 * `gem 'x', group: :test`) and nothing it cannot be sure of.
 */
function gemfileDevGems(text: string): { development: Set<string>; production: Set<string> } {
  const development = new Set<string>();
  const production = new Set<string>();
  const stack: boolean[] = [];
  for (const raw of textLines(text)) {
    const line = withoutComment(raw, '#');
    const block = /^group\s/.test(line) ? line.search(/\sdo\b/) : -1;
    if (block !== -1) {
      const groups = [...line.slice(5, block).matchAll(/:(\w+)|["'](\w+)["']/g)].map((m) => m[1] ?? m[2]);
      stack.push(groups.every((g) => g === 'development' || g === 'test'));
      continue;
    }
    if (/^(platforms?|source|install_if|path|git|github)\b.*\bdo\b/.test(line)) {
      stack.push(stack.at(-1) ?? false);
      continue;
    }
    if (line === 'end') {
      stack.pop();
      continue;
    }
    const gem = /^gem\s+["']([^"']+)["'](.*)$/s.exec(line);
    if (!gem) continue;
    const inline = inlineGroups(gem[2]!);
    const dev = inline ? inline.every((g) => g === 'development' || g === 'test') : (stack.at(-1) ?? false);
    (dev ? development : production).add(gem[1]!);
  }
  return { development, production };
}

/** The groups a `gem` line names (`group: :test`, `groups: [:development, :test]`), or null when it names none. */
function inlineGroups(options: string): string[] | null {
  const key = /\bgroups?:/.exec(options);
  if (!key) return null;
  const rest = options.slice(key.index + key[0].length).trimStart();
  const list = rest.startsWith('[') ? rest.slice(1, rest.indexOf(']') === -1 ? 1 : rest.indexOf(']')) : (/^:\w+/.exec(rest)?.[0] ?? '');
  const groups = [...list.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return groups.length > 0 ? groups : null;
}

/**
 * Gemfile.lock: the specs of its GEM (the registry), GIT and PATH sections
 * (a PATH whose remote is `.` is the project's own gemspec, left out).
 * Dev-only gems are worked out from the Gemfile beside it when there is one.
 */
function readGemfileLock(text: string, path: string, siblings: Siblings): { packages: PackageRecord[] } {
  if (!/^(GEM|GIT|PATH|PLATFORMS|DEPENDENCIES)$/m.test(text)) throw new Error('not a Gemfile.lock (no GEM, GIT or DEPENDENCIES section)');
  const gems = new Map<string, { version: string; dependencies: string[]; source: PackageSource | undefined }>();
  let section = '';
  let remote = '';
  let current: string | null = null;
  for (const line of textLines(text)) {
    if (/^\S/.test(line)) {
      section = line.trim();
      remote = '';
      current = null;
      continue;
    }
    if (section !== 'GEM' && section !== 'GIT' && section !== 'PATH') continue;
    const at = /^ {2}remote: (.*)$/.exec(line);
    if (at) remote = at[1]!.trim();
    const spec = /^ {4}(\S+) \(([^)]+)\)$/.exec(line);
    if (spec) {
      current = section === 'PATH' && (remote === '.' || remote === './') ? null : spec[1]!;
      if (current)
        gems.set(current, {
          version: withoutPlatform(spec[2]!),
          dependencies: [],
          source: section === 'GIT' ? 'git' : section === 'PATH' ? 'path' : undefined,
        });
      continue;
    }
    const dependency = /^ {6}(\S+)/.exec(line);
    if (dependency && current) gems.get(current)!.dependencies.push(dependency[1]!);
  }
  const gemfile = siblings(`${folderOf(path)}Gemfile`);
  let dev = new Set<string>();
  if (gemfile !== undefined) {
    const groups = gemfileDevGems(gemfile);
    dev = devOnly(groups.production, groups.development, (name) => gems.get(name)?.dependencies ?? []);
  }
  return { packages: [...gems].map(([name, gem]) => record('RubyGems', name, gem.version, dev.has(name), gem.source)) };
}

/** An installed gem's specification: `s.name = "rack".freeze`, `s.version = "2.2.8"`. */
function readGemspec(text: string, path: string): { packages: PackageRecord[] } {
  const name = /\.name\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  const version = /\.version\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (name && version) return { packages: [record('RubyGems', name, version)] };
  // The file name says it too: name-version[-platform].gemspec, the version the first part that starts with a digit.
  const parts = baseName(path)
    .replace(/\.gemspec$/, '')
    .split('-');
  const at = parts.findIndex((part, i) => i > 0 && /^\d/.test(part));
  if (at === -1) throw new Error('a gem specification without a name and version');
  return { packages: [record('RubyGems', parts.slice(0, at).join('-'), parts[at]!)] };
}

export const rubyReaders: PackageReader[] = [
  {
    format: 'installed gem specification',
    evidence: 'installed',
    matches: (path) => /(^|\/)vendor\/bundle\/ruby\/[^/]+\/specifications\/[^/]+\.gemspec$/.test(path),
    read: (file) => readGemspec(file.text, file.path),
  },
  {
    format: 'Gemfile.lock',
    evidence: 'lockfile',
    matches: (path) => (baseName(path) === 'Gemfile.lock' || baseName(path) === 'gems.locked') && !path.includes('vendor/bundle/'),
    read: (file, siblings) => readGemfileLock(file.text, file.path, siblings),
  },
];

export function isGemfile(path: string): boolean {
  return (baseName(path) === 'Gemfile' || baseName(path) === 'gems.rb') && !path.includes('vendor/bundle/');
}
