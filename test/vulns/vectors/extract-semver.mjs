#!/usr/bin/env node
/**
 * Writes semver/cases.json from node-semver's own test fixtures
 * (test/fixtures/comparisons.js, equality.js, valid-versions.js at the
 * commit semver/SOURCE.md names), which are CommonJS modules of plain
 * arrays: SOURCES=<dir> holds them as <dir>/semver/<file>.js, and
 * node-semver itself as <dir>/semver/semver (its package folder). A case
 * is kept when node-semver reads both versions strictly once a leading `v`
 * is dropped, as npm's lockfiles and Go's modules write them; the loose
 * forms (`=1.2.3`, `v 1.2.3`, `1.2.3beta`) are what a user types in a range.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sources = process.env.SOURCES;
if (!sources) throw new Error('Set SOURCES to the folder holding semver/comparisons.js, equality.js and valid-versions.js.');
const require = createRequire(join(sources, 'semver', 'x.js'));
const semver = require('./semver');
const strict = (...versions) => versions.every((v) => semver.valid(v.trim().replace(/^v(?=\d)/, '')) !== null);

const order = [];
for (const [a, b] of require('./comparisons.js')) if (strict(a, b)) order.push([a, b, 1]);
for (const [a, b] of require('./equality.js')) if (strict(a, b)) order.push([a, b, 0]);
const valid = require('./valid-versions.js')
  .filter(([version]) => strict(version))
  .map(([version]) => [version, true]);

const line = (rows) => rows.map((row) => `    ${JSON.stringify(row)}`).join(',\n');
const source = 'https://github.com/npm/node-semver/tree/6e05b7637396ac66522cff8731f07cfe0ef49a29/test/fixtures';
writeFileSync(join(here, 'semver', 'cases.json'), `{\n  "source": ${JSON.stringify(source)},\n  "order": [\n${line(order)}\n  ],\n  "valid": [\n${line(valid)}\n  ]\n}\n`);
console.log(`semver: ${order.length} orders, ${valid.length} valid versions`);
