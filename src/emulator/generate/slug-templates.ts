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
  files: Record<string, SlugFile>;
}

interface Dependency {
  name: string;
  safe: string;
  vulnerable?: string;
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
  { name: 'nokogiri', safe: '1.16.8', vulnerable: '1.13.3' },
  { name: 'puma', safe: '6.5.0' },
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

function versions(deps: Dependency[], vulnerable: boolean): { name: string; version: string; flagged: boolean }[] {
  return deps.map((d) => ({ name: d.name, version: vulnerable && d.vulnerable ? d.vulnerable : d.safe, flagged: vulnerable && !!d.vulnerable }));
}

function nodeFiles(app: string, deps: ReturnType<typeof versions>): Record<string, SlugFile> {
  const dependencies = Object.fromEntries(deps.map((d) => [d.name, d.version]));
  const packages: Record<string, unknown> = { '': { name: app, version: '1.0.0', dependencies } };
  for (const d of deps) packages[`node_modules/${d.name}`] = { version: d.version, resolved: `https://registry.npmjs.org/${d.name}/-/${d.name}-${d.version}.tgz`, license: 'MIT' };
  return {
    'package.json': { name: app, version: '1.0.0', private: true, engines: { node: '22.x' }, scripts: { start: 'node server.js' }, dependencies },
    'package-lock.json': { name: app, version: '1.0.0', lockfileVersion: 3, requires: true, packages },
    'server.js': "const express = require('express');\nconst app = express();\napp.get('/', (_req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n",
  };
}

function pythonFiles(deps: ReturnType<typeof versions>): Record<string, SlugFile> {
  return {
    'requirements.txt': deps.map((d) => `${d.name}==${d.version}`).join('\n') + '\n',
    '.python-version': '3.12\n',
    'app.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
  };
}

function rubyFiles(deps: ReturnType<typeof versions>): Record<string, SlugFile> {
  const gemfile = `source "https://rubygems.org"\n\nruby "3.3.6"\n\n${deps.map((d) => `gem "${d.name}", "${d.version}"`).join('\n')}\n`;
  const lock = `GEM\n  remote: https://rubygems.org/\n  specs:\n${deps.map((d) => `    ${d.name} (${d.version})`).join('\n')}\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n${deps.map((d) => `  ${d.name} (= ${d.version})`).join('\n')}\n\nRUBY VERSION\n   ruby 3.3.6p108\n\nBUNDLED WITH\n   2.5.22\n`;
  return { Gemfile: gemfile, 'Gemfile.lock': lock, 'config.ru': 'run ->(_env) { [200, {}, ["ok"]] }\n' };
}

function goFiles(app: string, deps: ReturnType<typeof versions>): Record<string, SlugFile> {
  return {
    'go.mod': `module github.com/example/${app}\n\ngo 1.23\n\nrequire (\n${deps.map((d) => `\t${d.name} ${d.version}`).join('\n')}\n)\n`,
    'main.go': 'package main\n\nfunc main() {}\n',
  };
}

function phpFiles(deps: ReturnType<typeof versions>): Record<string, SlugFile> {
  return {
    'composer.json': { require: Object.fromEntries(deps.map((d) => [d.name, `^${d.version}`])) },
    'composer.lock': { 'content-hash': '0'.repeat(32), packages: deps.map((d) => ({ name: d.name, version: d.version, type: 'library' })), 'packages-dev': [] },
    'index.php': '<?php echo "ok";\n',
  };
}

function javaFiles(deps: ReturnType<typeof versions>): Record<string, SlugFile> {
  const dependencies = deps
    .map((d) => {
      const [groupId, artifactId] = d.name.split(':');
      return `    <dependency>\n      <groupId>${groupId}</groupId>\n      <artifactId>${artifactId}</artifactId>\n      <version>${d.version}</version>\n    </dependency>`;
    })
    .join('\n');
  return {
    'pom.xml': `<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.example</groupId>\n  <artifactId>app</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n${dependencies}\n  </dependencies>\n</project>\n`,
    'system.properties': 'java.runtime.version=21\n',
    // Dependency locking, as a Gradle build that pins its versions commits it.
    'gradle.lockfile': `# This is a Gradle generated file for dependency locking.\n# Manual edits can break the build and are not advised.\n# This file is expected to be part of source control.\n${deps.map((d) => `${d.name}:${d.version}=compileClasspath,runtimeClasspath`).join('\n')}\nempty=\n`,
  };
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
  const files =
    spec.language === 'node' ? nodeFiles(app, deps)
    : spec.language === 'python' ? pythonFiles(deps)
    : spec.language === 'ruby' ? rubyFiles(deps)
    : spec.language === 'go' ? goFiles(app, deps)
    : spec.language === 'php' ? phpFiles(deps)
    : javaFiles(deps);
  return {
    language: spec.language,
    ecosystem: spec.ecosystem,
    vulnerable,
    vulnerablePackages: deps.filter((d) => d.flagged).map(({ name, version }) => ({ name, version })),
    files,
  };
}
