import { zipSync } from 'fflate';
import type { SlugFile } from '../scenario/types.js';

/**
 * Dependency sets for generated slugs, one safe and one vulnerable per
 * language. The vulnerable versions fall inside ranges of published GitHub
 * advisories (the ones in herowatch's advisory test data); the safe versions
 * are past every fix.
 */
export interface SlugTemplate {
  language: string;
  ecosystem: 'npm' | 'PyPI' | 'RubyGems' | 'Go' | 'Packagist' | 'Maven';
  vulnerable: boolean;
  /** The packages at versions with known advisories (empty for safe templates). */
  vulnerablePackages: { name: string; version: string }[];
  /** Vulnerable packages only development needs: in a lockfile, never installed, never a finding. */
  devOnlyPackages: { name: string; version: string }[];
  files: Record<string, SlugFile>;
  /** Binary files (jars, a Go binary), base64. */
  binaryFiles: Record<string, string>;
}

interface Dependency {
  name: string;
  safe: string;
  vulnerable?: string;
  /** Needed for development and tests only: the build does not install it. */
  dev?: boolean;
}

const NODE: Dependency[] = [
  { name: 'express', safe: '4.21.2', vulnerable: '4.18.2' },
  { name: 'lodash', safe: '4.17.21', vulnerable: '4.17.15' },
  { name: 'jsonwebtoken', safe: '9.0.2', vulnerable: '8.5.1' },
  { name: 'axios', safe: '1.7.9', vulnerable: '0.21.1' },
  { name: 'qs', safe: '6.13.1', vulnerable: '6.10.1' },
  { name: 'semver', safe: '7.6.3', vulnerable: '7.3.8' },
  { name: 'minimist', safe: '1.2.8', vulnerable: '1.2.5' },
  { name: 'pino', safe: '9.5.0' },
  { name: 'lodash-es', safe: '4.17.21', vulnerable: '4.17.15', dev: true },
  { name: 'vitest', safe: '3.2.4', dev: true },
];

const PYTHON: Dependency[] = [
  { name: 'Django', safe: '4.2.17', vulnerable: '4.0.5' },
  { name: 'requests', safe: '2.32.3', vulnerable: '2.28.1' },
  { name: 'urllib3', safe: '2.2.3', vulnerable: '1.26.12' },
  { name: 'PyYAML', safe: '6.0.2', vulnerable: '5.3.1' },
  { name: 'Jinja2', safe: '3.1.4', vulnerable: '3.1.2' },
  { name: 'gunicorn', safe: '23.0.0' },
];

const RUBY: Dependency[] = [
  { name: 'rack', safe: '2.2.10', vulnerable: '2.2.3' },
  { name: 'actionpack', safe: '7.1.5', vulnerable: '6.1.7' },
  { name: 'puma', safe: '6.5.0' },
  { name: 'nokogiri', safe: '1.16.8', vulnerable: '1.13.3', dev: true },
];

const GO: Dependency[] = [
  { name: 'golang.org/x/net', safe: 'v0.33.0', vulnerable: 'v0.5.0' },
  { name: 'github.com/gin-gonic/gin', safe: 'v1.10.0', vulnerable: 'v1.9.0' },
];

const PHP: Dependency[] = [
  { name: 'guzzlehttp/guzzle', safe: '7.9.2', vulnerable: '7.4.3' },
  { name: 'monolog/monolog', safe: '3.8.0' },
];

const JAVA: Dependency[] = [
  { name: 'org.apache.logging.log4j:log4j-core', safe: '2.24.3', vulnerable: '2.14.1' },
  { name: 'com.fasterxml.jackson.core:jackson-databind', safe: '2.17.2', vulnerable: '2.13.1' },
];

type Pinned = { name: string; version: string; flagged: boolean; dev: boolean };

function versions(deps: Dependency[], vulnerable: boolean): Pinned[] {
  return deps.map((d) => ({ name: d.name, version: vulnerable && d.vulnerable ? d.vulnerable : d.safe, flagged: vulnerable && !!d.vulnerable, dev: !!d.dev }));
}

interface SlugContent {
  files: Record<string, SlugFile>;
  binaryFiles?: Record<string, Uint8Array>;
}

/**
 * As the Node.js buildpack leaves a slug: the lockfile lists every package,
 * dev ones marked; `node_modules/.package-lock.json` lists what stayed
 * installed after devDependencies were pruned; each package has its
 * package.json.
 */
function nodeFiles(app: string, deps: Pinned[]): SlugContent {
  const prod = deps.filter((d) => !d.dev);
  const dependencies = Object.fromEntries(prod.map((d) => [d.name, d.version]));
  const devDependencies = Object.fromEntries(deps.filter((d) => d.dev).map((d) => [d.name, d.version]));
  const entry = (d: Pinned) => ({
    version: d.version,
    resolved: `https://registry.npmjs.org/${d.name}/-/${d.name}-${d.version}.tgz`,
    license: 'MIT',
    ...(d.dev ? { dev: true } : {}),
  });
  const lock: Record<string, unknown> = { '': { name: app, version: '1.0.0', dependencies, devDependencies } };
  for (const d of deps) lock[`node_modules/${d.name}`] = entry(d);
  const installed: Record<string, unknown> = {};
  for (const d of prod) installed[`node_modules/${d.name}`] = entry(d);
  const files: Record<string, SlugFile> = {
    'package.json': {
      name: app,
      version: '1.0.0',
      private: true,
      engines: { node: '22.x' },
      scripts: { start: 'node server.js', test: 'vitest' },
      dependencies,
      devDependencies,
    },
    'package-lock.json': { name: app, version: '1.0.0', lockfileVersion: 3, requires: true, packages: lock },
    'node_modules/.package-lock.json': { name: app, version: '1.0.0', lockfileVersion: 3, requires: true, packages: installed },
    'server.js':
      "const express = require('express');\nconst app = express();\napp.get('/', (_req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n",
  };
  for (const d of prod) files[`node_modules/${d.name}/package.json`] = { name: d.name, version: d.version, license: 'MIT' };
  return { files };
}

/** As the Python buildpack installs: requirements.txt, and each distribution's metadata in site-packages. */
function pythonFiles(deps: Pinned[]): SlugContent {
  const files: Record<string, SlugFile> = {
    'requirements.txt': deps.map((d) => `${d.name}==${d.version}`).join('\n') + '\n',
    '.python-version': '3.12\n',
    'app.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
  };
  for (const d of deps) {
    const folder = `.heroku/python/lib/python3.12/site-packages/${d.name.replace(/-/g, '_')}-${d.version}.dist-info`;
    files[`${folder}/METADATA`] = `Metadata-Version: 2.1\nName: ${d.name}\nVersion: ${d.version}\nSummary: ${d.name}\n\n${d.name} ${d.version}\n`;
    files[`${folder}/INSTALLER`] = 'pip\n';
  }
  return { files };
}

/**
 * As the Ruby buildpack installs (BUNDLE_WITHOUT=development:test): the
 * lockfile lists every gem, test ones too; vendor/bundle holds the
 * specifications of those installed.
 */
function rubyFiles(deps: Pinned[]): SlugContent {
  const prod = deps.filter((d) => !d.dev);
  const test = deps.filter((d) => d.dev);
  const gemfile = `source "https://rubygems.org"\n\nruby "3.3.6"\n\n${prod.map((d) => `gem "${d.name}", "${d.version}"`).join('\n')}\n\ngroup :test do\n${test.map((d) => `  gem "${d.name}", "${d.version}"`).join('\n')}\nend\n`;
  const lock = `GEM\n  remote: https://rubygems.org/\n  specs:\n${deps.map((d) => `    ${d.name} (${d.version})`).join('\n')}\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n${deps.map((d) => `  ${d.name} (= ${d.version})`).join('\n')}\n\nRUBY VERSION\n   ruby 3.3.6p108\n\nBUNDLED WITH\n   2.5.22\n`;
  const files: Record<string, SlugFile> = { Gemfile: gemfile, 'Gemfile.lock': lock, 'config.ru': 'run ->(_env) { [200, {}, ["ok"]] }\n' };
  for (const d of prod) {
    files[`vendor/bundle/ruby/3.3.0/specifications/${d.name}-${d.version}.gemspec`] =
      `# -*- encoding: utf-8 -*-\n# stub: ${d.name} ${d.version} ruby lib\n\nGem::Specification.new do |s|\n  s.name = "${d.name}".freeze\n  s.version = "${d.version}".freeze\n  s.require_paths = ["lib".freeze]\nend\n`;
  }
  return { files };
}

/** A binary as the Go toolchain (1.18+) links it: somewhere inside, the build information block. */
function goBinary(module: string, deps: Pinned[]): Uint8Array {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  const goVersion = 'go1.23.4';
  const modinfo = `path\t${module}\nmod\t${module}\t(devel)\t\n${deps.map((d) => `dep\t${d.name}\t${d.version}\th1:${Buffer.from(d.name).toString('base64')}=\n`).join('')}build\tGOOS=linux\n`;
  const sentinel = '0'.repeat(16);
  const header = Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.from([8, 2]), Buffer.alloc(16)]);
  const body = Buffer.concat([
    Buffer.from(varint(goVersion.length)),
    Buffer.from(goVersion),
    Buffer.from(varint(modinfo.length + 32)),
    Buffer.from(sentinel + modinfo + sentinel, 'latin1'),
  ]);
  return Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(4096 - 7), header, body, Buffer.alloc(512)]);
}

/** As the Go buildpack leaves a slug: go.mod, and the binary it built in bin/. */
function goFiles(app: string, deps: Pinned[]): SlugContent {
  const module = `github.com/example/${app}`;
  return {
    files: {
      'go.mod': `module ${module}\n\ngo 1.23\n\nrequire (\n${deps.map((d) => `\t${d.name} ${d.version}`).join('\n')}\n)\n`,
      'main.go': 'package main\n\nfunc main() {}\n',
    },
    binaryFiles: { [`bin/${app}`]: goBinary(module, deps) },
  };
}

/** As Composer installs without dev packages: the lockfile, and vendor/composer/installed.json. */
function phpFiles(deps: Pinned[]): SlugContent {
  const packages = deps.map((d) => ({ name: d.name, version: d.version, version_normalized: `${d.version}.0`, type: 'library' }));
  return {
    files: {
      'composer.json': { require: Object.fromEntries(deps.map((d) => [d.name, `^${d.version}`])) },
      'composer.lock': {
        'content-hash': '0'.repeat(32),
        packages: deps.map((d) => ({ name: d.name, version: d.version, type: 'library' })),
        'packages-dev': [],
      },
      'vendor/composer/installed.json': { packages, dev: false, 'dev-package-names': [] },
      'index.php': '<?php echo "ok";\n',
    },
  };
}

/** A Spring Boot style fat jar: each dependency a jar inside it, each with its Maven coordinates. */
function fatJar(deps: Pinned[]): Uint8Array {
  const text = (s: string) => new TextEncoder().encode(s);
  const entries: Record<string, Uint8Array> = {
    'META-INF/MANIFEST.MF': text('Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\n'),
    'META-INF/maven/com.example/app/pom.properties': text('artifactId=app\ngroupId=com.example\nversion=1.0.0\n'),
  };
  for (const d of deps) {
    const [groupId, artifactId] = d.name.split(':') as [string, string];
    entries[`BOOT-INF/lib/${artifactId}-${d.version}.jar`] = zipSync(
      { [`META-INF/maven/${groupId}/${artifactId}/pom.properties`]: text(`groupId=${groupId}\nartifactId=${artifactId}\nversion=${d.version}\n`) },
      { mtime: new Date(Date.UTC(2020, 0, 1)) },
    );
  }
  return zipSync(entries, { mtime: new Date(Date.UTC(2020, 0, 1)) });
}

function javaFiles(deps: Pinned[]): SlugContent {
  const dependencies = deps
    .map((d) => {
      const [groupId, artifactId] = d.name.split(':');
      return `    <dependency>\n      <groupId>${groupId}</groupId>\n      <artifactId>${artifactId}</artifactId>\n      <version>${d.version}</version>\n    </dependency>`;
    })
    .join('\n');
  const files: Record<string, SlugFile> = {
    'pom.xml': `<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.example</groupId>\n  <artifactId>app</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n${dependencies}\n  </dependencies>\n</project>\n`,
    'system.properties': 'java.runtime.version=21\n',
    // Dependency locking, as a Gradle build that pins its versions commits it.
    'gradle.lockfile': `# This is a Gradle generated file for dependency locking.\n# Manual edits can break the build and are not advised.\n# This file is expected to be part of source control.\n${deps.map((d) => `${d.name}:${d.version}=compileClasspath,runtimeClasspath`).join('\n')}\nempty=\n`,
  };
  return { files, binaryFiles: { 'target/app.jar': fatJar(deps) } };
}

const LANGUAGES = [
  { language: 'node', ecosystem: 'npm', deps: NODE, weight: 45 },
  { language: 'python', ecosystem: 'PyPI', deps: PYTHON, weight: 20 },
  { language: 'ruby', ecosystem: 'RubyGems', deps: RUBY, weight: 20 },
  { language: 'go', ecosystem: 'Go', deps: GO, weight: 7 },
  { language: 'php', ecosystem: 'Packagist', deps: PHP, weight: 4 },
  { language: 'java', ecosystem: 'Maven', deps: JAVA, weight: 4 },
] as const;

export const LANGUAGE_WEIGHTS: [string, number][] = LANGUAGES.map((l) => [l.language, l.weight]);

const cache = new Map<string, SlugTemplate>();

/**
 * The slug files of an app in `language`. Apps of one language share them
 * (so a world of 10,000 apps has a dozen distinct slug blobs to build).
 */
export function slugTemplate(language: string, vulnerable: boolean): SlugTemplate {
  const key = `${language}|${vulnerable}`;
  let template = cache.get(key);
  if (!template) {
    template = buildTemplate(language, vulnerable);
    cache.set(key, template);
  }
  return template;
}

function buildTemplate(language: string, vulnerable: boolean): SlugTemplate {
  const app = 'app';
  const spec = LANGUAGES.find((l) => l.language === language) ?? LANGUAGES[0];
  const deps = versions([...spec.deps], vulnerable);
  const content =
    spec.language === 'node'
      ? nodeFiles(app, deps)
      : spec.language === 'python'
        ? pythonFiles(deps)
        : spec.language === 'ruby'
          ? rubyFiles(deps)
          : spec.language === 'go'
            ? goFiles(app, deps)
            : spec.language === 'php'
              ? phpFiles(deps)
              : javaFiles(deps);
  return {
    language: spec.language,
    ecosystem: spec.ecosystem,
    vulnerable,
    vulnerablePackages: deps.filter((d) => d.flagged && !d.dev).map(({ name, version }) => ({ name, version })),
    devOnlyPackages: deps.filter((d) => d.flagged && d.dev).map(({ name, version }) => ({ name, version })),
    files: content.files,
    binaryFiles: Object.fromEntries(Object.entries(content.binaryFiles ?? {}).map(([path, bytes]) => [path, Buffer.from(bytes).toString('base64')])),
  };
}
