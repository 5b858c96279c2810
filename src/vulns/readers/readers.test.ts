import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScanCollector, type ScanResult } from '../scan.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/lockfiles/${name}`, import.meta.url), 'utf8');

/** Scans files given as path → text, as a folder or slug holding them would be. */
function scan(files: Record<string, string | Buffer>): ScanResult {
  const collector = new ScanCollector();
  for (const [path, content] of Object.entries(files)) {
    const sink = collector.open(path, null);
    if (!sink) continue;
    sink.write(Buffer.isBuffer(content) ? content : Buffer.from(content));
    sink.end();
  }
  return collector.finish();
}

const list = (result: ScanResult) => result.packages.map((p) => `${p.name}@${p.version ?? '?'}${p.dev ? ' dev' : ''}${p.source ? ` (${p.source})` : ''}`);

describe('npm', () => {
  it('package-lock v3: aliases as the real package, scoped names, nested copies, dev flags; links and workspaces under their own names and sources', () => {
    const result = scan({ 'app/package-lock.json': fixture('package-lock-v3.json') });
    expect(list(result)).toEqual([
      '@babel/runtime@7.20.1',
      'axios@1.5.1',
      'express@4.18.2',
      'forked@2.0.0 (git)',
      'jest@29.7.0 dev',
      'local-lib@0.1.0 (path)',
      'lodash@4.17.15',
      'minimist@1.2.5 dev',
      'qs@6.11.0',
      'qs@6.5.2',
      'web@0.0.1 (workspace)',
    ]);
    expect(result.files).toEqual([{ path: 'app/package-lock.json', format: 'package-lock v3', evidence: 'lockfile', packages: 11, used: true }]);
  });

  it('package-lock v1: the nested tree, aliases, dev; a file: folder under its name, with no version (v1 records none)', () => {
    expect(list(scan({ 'package-lock.json': fixture('package-lock-v1.json') }))).toEqual([
      '@types/node@18.0.0 dev',
      'express@4.17.1',
      'local@? (path)',
      'lodash@4.17.15',
      'mocha@10.2.0 dev',
      'qs@6.7.0',
    ]);
  });

  it('prefers what is installed (node_modules/.package-lock.json) over the lockfile beside it, and says so', () => {
    const installed = JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { 'node_modules/express': { version: '4.19.2' } } });
    const result = scan({ 'app/package-lock.json': fixture('package-lock-v3.json'), 'app/node_modules/.package-lock.json': installed });
    expect(list(result)).toEqual(['express@4.19.2']);
    expect(result.files.map((f) => `${f.path} ${f.evidence} ${f.used ? 'used' : 'set aside'}`)).toEqual([
      'app/node_modules/.package-lock.json installed used',
      'app/package-lock.json lockfile set aside',
    ]);
  });

  it('yarn.lock v1: one package per resolved version, aliases, dev-only from the package.json beside it', () => {
    const result = scan({ 'web/yarn.lock': fixture('yarn-v1.lock'), 'web/package.json': fixture('yarn-v1.package.json') });
    expect(list(result)).toEqual(['@babel/code-frame@7.22.13', 'chalk@2.4.2', 'lodash@4.17.11', 'lodash@4.17.20', 'minimist@1.2.0 dev']);
    expect(result.files[0]!.format).toBe('yarn.lock v1');
    // Without its manifest nothing is called dev-only.
    expect(list(scan({ 'yarn.lock': fixture('yarn-v1.lock') }))).toContain('minimist@1.2.0');
  });

  it('yarn.lock berry: resolutions, the workspace left out, dev-only from package.json', () => {
    const result = scan({ 'yarn.lock': fixture('yarn-berry.lock'), 'package.json': fixture('yarn-berry.package.json') });
    expect(list(result)).toEqual(['@types/semver@7.5.4 dev', 'axios@1.5.1', 'semver@7.5.1']);
    expect(result.files[0]!.format).toBe('yarn.lock (berry)');
  });

  it('pnpm-lock v5 and v6: a package from another registry (keyed by its host) is a registry package', () => {
    const v6 = [
      "lockfileVersion: '6.0'",
      'packages:',
      '  registry.example.com/left-pad@1.3.0:',
      '    resolution: {integrity: sha512-x, tarball: https://registry.example.com/left-pad/-/left-pad-1.3.0.tgz}',
      '    name: left-pad',
      '    version: 1.3.0',
      '    dev: false',
      '  codeload.github.com/acme/fork/abc123:',
      '    resolution: {tarball: https://codeload.github.com/acme/fork/tar.gz/abc123}',
      '    name: fork',
      '    version: 2.0.0',
      '    dev: false',
      '',
    ].join('\n');
    expect(list(scan({ 'pnpm-lock.yaml': v6 }))).toEqual(['fork@2.0.0 (tarball)', 'left-pad@1.3.0']);
  });

  it('pnpm-lock v5, v6 (dev flags, peer suffixes) and v9 (dev from the importers)', () => {
    expect(list(scan({ 'pnpm-lock.yaml': fixture('pnpm-v5.yaml') }))).toEqual(['@scope/tool@1.0.0 dev', 'lodash@4.17.15']);
    expect(list(scan({ 'pnpm-lock.yaml': fixture('pnpm-v6.yaml') }))).toEqual(['@babel/runtime@7.20.1', 'express@4.18.2', 'minimist@1.2.5 dev', 'qs@6.11.0']);
    expect(list(scan({ 'pnpm-lock.yaml': fixture('pnpm-v9.yaml') }))).toEqual(['axios@1.5.1', 'express@4.18.2', 'minimist@1.2.5 dev', 'qs@6.11.0']);
  });
});

describe('Ruby', () => {
  it('Gemfile.lock: GEM, GIT and PATH specs with their sources, platform suffixes dropped, dev groups from the Gemfile', () => {
    const result = scan({ 'app/Gemfile.lock': fixture('Gemfile.lock'), 'app/Gemfile': fixture('Gemfile') });
    expect(list(result)).toEqual([
      'actionpack@7.0.4',
      'billing@0.1.0 (path)',
      'nokogiri@1.13.3',
      'racc@1.6.2',
      'rack@2.2.3',
      'rspec-core@3.12.2 dev',
      'rspec-support@3.12.1 dev',
      'sidekiq@7.1.2',
      'sidekiq-pro@7.1.0 (git)',
    ]);
  });

  it('installed gem specifications outrank the lockfile', () => {
    const spec = '# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = "rack".freeze\n  s.version = "2.2.8.1"\nend\n';
    const result = scan({ 'app/Gemfile.lock': fixture('Gemfile.lock'), 'app/vendor/bundle/ruby/3.2.0/specifications/rack-2.2.8.1.gemspec': spec });
    expect(list(result)).toEqual(['rack@2.2.8.1']);
  });
});

describe('Python', () => {
  it('poetry.lock 1.x (category) and 2.x (groups)', () => {
    expect(list(scan({ 'poetry.lock': fixture('poetry.lock') }))).toEqual(['PyYAML@5.3.1', 'django@3.2.13', 'pytest@7.4.0 dev']);
    expect(list(scan({ 'poetry.lock': fixture('poetry2.lock') }))).toEqual(['requests@2.30.0', 'ruff@0.1.0 dev']);
  });

  it('Pipfile.lock: default and develop; a package in both is not dev-only', () => {
    expect(list(scan({ 'Pipfile.lock': fixture('Pipfile.lock') }))).toEqual(['black@23.1.0 dev', 'editable-thing@? (path)', 'jinja2@3.1.2', 'urllib3@1.26.16']);
  });

  it('uv.lock: the project itself left out, dev-only from its dev-dependencies', () => {
    expect(list(scan({ 'uv.lock': fixture('uv.lock') }))).toEqual(['django@4.0.5', 'pytest@8.0.0 dev', 'sqlparse@0.4.4']);
  });

  it('requirements.txt: only == pins give a version; includes, editables and URLs are skipped', () => {
    expect(list(scan({ 'requirements.txt': fixture('requirements.txt') }))).toEqual([
      'Django@3.2.13',
      'PyYAML@5.3.1',
      'gunicorn@?',
      'requests@?',
      'urllib3@1.26.16',
    ]);
    expect(list(scan({ 'requirements-dev.txt': 'pytest==8.0.0\n' }))).toEqual(['pytest@8.0.0 dev']);
  });

  it('installed distributions (.dist-info METADATA) outrank requirements', () => {
    const result = scan({
      'app/requirements.txt': 'Django==3.2.13\n',
      'app/.heroku/python/lib/python3.12/site-packages/Django-3.2.14.dist-info/METADATA':
        'Metadata-Version: 2.1\nName: Django\nVersion: 3.2.14\nSummary: x\n\nName: not-this\n',
    });
    expect(list(result)).toEqual(['Django@3.2.14']);
  });
});

describe('Go, PHP, Java, Rust', () => {
  it('go.mod: requires with replace; a local replacement under its own path and required version, as a path', () => {
    expect(list(scan({ 'go.mod': fixture('go.mod') }))).toEqual([
      'github.com/acme/internal@v0.0.0-00010101000000-000000000000 (path)',
      'github.com/gin-gonic/gin@v1.9.0',
      'github.com/new/lib@v1.2.0',
      'github.com/pkg/errors@v0.9.1',
      'golang.org/x/net@v0.6.0',
    ]);
  });

  it('composer.lock and vendor/composer/installed.json (which outranks it)', () => {
    expect(list(scan({ 'composer.lock': fixture('composer.lock') }))).toEqual([
      'guzzlehttp/guzzle@7.4.3',
      'monolog/monolog@v2.9.1',
      'phpunit/phpunit@9.6.0 dev',
    ]);
    expect(list(scan({ 'app/composer.lock': fixture('composer.lock'), 'app/vendor/composer/installed.json': fixture('installed.json') }))).toEqual([
      'guzzlehttp/guzzle@7.4.3',
      'phpunit/phpunit@9.6.0 dev',
    ]);
  });

  it('gradle.lockfile: test-only configurations are dev', () => {
    expect(list(scan({ 'gradle.lockfile': fixture('gradle.lockfile') }))).toEqual([
      'com.fasterxml.jackson.core:jackson-databind@2.13.2',
      'junit:junit@4.13.2 dev',
      'org.apache.logging.log4j:log4j-core@2.14.1',
    ]);
  });

  it('Cargo.lock: registry and git crates; without the Cargo.toml, the crate no other depends on is the project itself', () => {
    expect(list(scan({ 'Cargo.lock': fixture('Cargo.lock') }))).toEqual(['forked@0.2.0 (git)', 'tokio@1.28.0']);
  });
});

describe('hostile and broken files', () => {
  it('a file that does not parse is a gap with its path and reason; the rest is still read', () => {
    const result = scan({ 'a/package-lock.json': '{ not json', 'b/Cargo.lock': '[[package]\nname=', 'c/go.mod': fixture('go.mod'), 'd/yarn.lock': '' });
    expect(result.gaps.map((g) => g.path)).toEqual(['a/package-lock.json', 'b/Cargo.lock']);
    expect(result.gaps[0]!.reason).toMatch(/^package-lock\.json that could not be read: not valid JSON/);
    expect(list(result)).toContain('github.com/gin-gonic/gin@v1.9.0');
  });

  it('paths that climb out or hold control characters are skipped, names from files are printed safely', () => {
    const hostile = JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/evil\u001b[2J': { version: '1.0.0\u0007' } } });
    const result = scan({ '../../etc/package-lock.json': '{}', 'ok\u001b/package-lock.json': '{}', 'package-lock.json': hostile });
    expect(result.gaps.map((g) => g.path)).toEqual(['../../etc/package-lock.json', 'ok\\u001b/package-lock.json']);
    expect(list(result)).toEqual(['evil\\u001b[2J@1.0.0\\u0007']);
  });

  it('empty files are read as empty, not as errors', () => {
    const result = scan({ 'requirements.txt': '', 'go.mod': '', 'gradle.lockfile': '' });
    expect(result.gaps).toEqual([]);
    expect(result.packages).toEqual([]);
  });
});
