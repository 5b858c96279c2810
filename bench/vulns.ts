/**
 * Vulnerability benchmark, three figures the product promises:
 * - a large slug (500 MB at full size) is scanned as it streams, in a
 *   process of its own whose peak RSS is reported;
 * - an ecosystem of advisories (30,000 at full size) is imported from an
 *   OSV zip into a fresh SQLite database;
 * - after an advisory update that touches every app, 2,000 apps of 300
 *   packages each are matched again, against a baseline that re-reads the
 *   whole advisory database for each app and scans it linearly (what
 *   osv-scanner does per run); the baseline is timed on a few apps and
 *   scaled, and the ratio printed.
 * Prints figures; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { zipSync, strToU8 } from 'fflate';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { ensureConnection } from '../src/service/connections.js';
import { openHerowatch } from '../src/service/herowatch.js';
import { rematchAfterUpdate } from '../src/service/vuln-monitor.js';
import { updateAdvisories } from '../src/service/advisories.js';
import { saveSlugScan, writeVulnerabilityGap } from '../src/store/vulnerabilities.js';
import { ecosystem } from '../src/vulns/ecosystems.js';
import { affects, type OsvRecord } from '../src/vulns/osv.js';
import type { Package } from '../src/vulns/packages.js';
import { SCANNER_RULES } from '../src/vulns/scan.js';

export interface VulnsBenchOptions {
  slugMb: number;
  advisories: number;
  apps: number;
  packagesPerApp: number;
  baselineApps: number;
  /** Advisories in each daily update (a few hundred on a real day). */
  dailyAdvisories: number;
}

/** A ustar header for a regular file. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0001750\0', 108);
  header.write('0001750\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write(
    `${Math.floor(Date.UTC(2020, 0, 1) / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

function* tarEntry(name: string, data: Buffer): Generator<Buffer> {
  yield tarHeader(name, data.length);
  yield data;
  const pad = (512 - (data.length % 512)) % 512;
  if (pad) yield Buffer.alloc(pad);
}

/** A slug of about `mb` megabytes compressed: package files, and incompressible assets making up the size. */
async function writeSlug(path: string, mb: number, lock: string): Promise<void> {
  function* entries(): Generator<Buffer> {
    yield* tarEntry('./app/package-lock.json', Buffer.from(lock));
    yield* tarEntry('./app/node_modules/.package-lock.json', Buffer.from(lock));
    for (let i = 0; i < mb; i++) yield* tarEntry(`./app/public/assets/blob-${i}.bin`, randomBytes(1024 * 1024));
    yield Buffer.alloc(1024);
  }
  await pipeline(Readable.from(entries()), createGzip({ level: 1 }), createWriteStream(path));
}

function npmLock(packages: { name: string; version: string }[]): string {
  return JSON.stringify({
    name: 'app',
    lockfileVersion: 3,
    packages: Object.fromEntries([['', { name: 'app' }], ...packages.map((p) => [`node_modules/${p.name}`, { version: p.version }])]),
  });
}

/** A synthetic advisory shaped like GitHub's: aliases, a CVSS vector, one or two packages with one or two ranges. */
function advisory(i: number, names: number): OsvRecord {
  const pkg = (k: number) => ({
    package: { ecosystem: 'npm', name: `pkg-${k % names}` },
    ranges: [
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `1.${i % 7}.${i % 5}` }] },
      ...(i % 3 === 0 ? [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { fixed: `2.${i % 4}.1` }] }] : []),
    ],
  });
  return {
    id: `GHSA-bench-${i.toString(36).padStart(6, '0')}`,
    modified: '2026-01-01T00:00:00Z',
    published: '2025-01-01T00:00:00Z',
    aliases: [`CVE-2025-${100000 + i}`],
    summary: `Synthetic advisory ${i} for the benchmark, with a summary of ordinary length`,
    details: 'Details of the issue, as long as a typical advisory text would be. '.repeat(8),
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
    affected: i % 4 === 0 ? [pkg(i), pkg(i + 1)] : [pkg(i)],
    database_specific: { severity: 'HIGH', github_reviewed: true },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchVulns(options: VulnsBenchOptions): Promise<Record<string, number | string>> {
  const work = await mkdtemp(join(tmpdir(), 'herowatch-bench-vulns-'));
  try {
    // 1. A large slug, scanned in a process of its own.
    const slugPackages = Array.from({ length: 300 }, (_, i) => ({ name: `pkg-${i}`, version: `1.${i % 9}.0` }));
    const slug = join(work, 'slug.tgz');
    await writeSlug(slug, options.slugMb, npmLock(slugPackages));
    const slugBytes = (await stat(slug)).size;
    const child = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', new URL('./vulns-slug-child.ts', import.meta.url).pathname, slug],
        { maxBuffer: 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    const scanned = JSON.parse(child) as { ms: number; maxRssMb: number; packages: number; baselineRssMb: number };

    // 2. Importing an ecosystem of advisories from its zip.
    const names = Math.max(1000, Math.round(options.advisories / 4));
    const records = Array.from({ length: options.advisories }, (_, i) => advisory(i, names));
    const zip = join(work, 'all.zip');
    await writeFile(zip, zipSync(Object.fromEntries(records.map((r) => [`${r.id}.json`, strToU8(JSON.stringify(r))]))));
    const hw = await openHerowatch(loadConfig({ HEROWATCH_HOME: join(work, 'home') }));
    const importStarted = performance.now();
    const imported = await updateAdvisories(hw, zip);
    const importMs = performance.now() - importStarted;

    // 3. Apps tested before: each its own slug of `packagesPerApp` packages (a shared core every app holds, the rest its own).
    const connection = await ensureConnection(hw.store, 'bench', 'https://api.heroku.com');
    const core = 20;
    for (let app = 0; app < options.apps; app++) {
      const packages: Package[] = Array.from({ length: options.packagesPerApp }, (_, k) => {
        const index = k < core ? k : core + ((app * 7 + k * 13) % (names - core));
        // One package in twenty at a version the advisories reach (about 15 vulnerable packages an app), the rest past every fix.
        const version = (app + k) % 20 === 0 ? `1.${(app + k) % 9}.${k % 3}` : `3.${k % 9}.0`;
        return { ecosystem: 'npm', name: `pkg-${index}`, version, dev: false, locations: ['app/node_modules/.package-lock.json'], evidence: 'installed' };
      });
      const checksum = `SHA256:${app.toString(16).padStart(64, '0')}`;
      await saveSlugScan(
        hw.store,
        { checksum, scanner: SCANNER_RULES, scanned_at: new Date().toISOString(), size: null, packages, files: [], gaps: [], entries: 0, bytes: 0 },
        packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, entries: [p] })),
      );
      await writeVulnerabilityGap(hw.store, {
        connection_id: connection.id,
        app_id: `app-${app}`,
        app_name: `app-${app}`,
        tested_at: new Date().toISOString(),
        release_version: 1,
        slug_id: `slug-${app}`,
        checksum,
        status: 'scanned',
        reason: null,
        packages: packages.length,
        files: [],
        source: 'slug',
        commit: null,
      });
    }
    const everything = new Set(Array.from({ length: names }, (_, i) => `npm\u0000pkg-${i}`));
    const firstMatch = performance.now();
    await rematchAfterUpdate(hw, everything);
    const firstMatchMs = performance.now() - firstMatch;
    // An update revising the advisories of the core packages every app holds: every app is matched again.
    const revised = records
      .filter((r) => r.affected!.some((a) => Number(a.package!.name.slice(4)) < core))
      .map((r) => ({
        ...r,
        modified: '2026-06-01T00:00:00Z',
        affected: r.affected!.map((a) => ({ ...a, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.5.0' }] }] })),
      }));
    const updateZip = join(work, 'update.zip');
    await writeFile(updateZip, zipSync(Object.fromEntries(revised.map((r) => [`${r.id}.json`, strToU8(JSON.stringify(r))]))));
    const update = await updateAdvisories(hw, updateZip);
    const rematchTimes: number[] = [];
    let rematched = 0;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      rematched = (await rematchAfterUpdate(hw, update.touched)).length;
      rematchTimes.push(performance.now() - t0);
    }

    // Daily updates: a few hundred advisories, revised or new, on packages across the database (not the shared core).
    const dailyTimes: number[] = [];
    let dailyRematched = 0;
    let dailyTouched = 0;
    for (let day = 0; day < 3; day++) {
      const daily: OsvRecord[] = Array.from({ length: options.dailyAdvisories }, (_, k) => {
        const i = (day * 7919 + k * 104_729) % records.length;
        const base = advisory(k % 2 === 0 ? i : options.advisories + day * options.dailyAdvisories + k, names);
        const name = `pkg-${core + ((i * 31 + day) % (names - core))}`;
        return {
          ...base,
          modified: `2026-07-0${day + 1}T00:00:00Z`,
          affected: [
            { package: { ecosystem: 'npm', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `1.${(day + k) % 9}.1` }] }] },
          ],
        };
      });
      const dailyZip = join(work, `daily-${day}.zip`);
      await writeFile(dailyZip, zipSync(Object.fromEntries(daily.map((r) => [`${r.id}.json`, strToU8(JSON.stringify(r))]))));
      const dailyUpdate = await updateAdvisories(hw, dailyZip);
      const t0 = performance.now();
      dailyRematched = (await rematchAfterUpdate(hw, dailyUpdate.touched)).length;
      dailyTimes.push(performance.now() - t0);
      dailyTouched = dailyUpdate.touched.size;
    }

    // The baseline: per app, the whole database read and parsed again, then a linear pass per package.
    const baselineStarted = performance.now();
    for (let app = 0; app < options.baselineApps; app++) {
      const { rows } = await sql<{
        facts: string;
        entry: string;
      }>`SELECT a.facts, p.entry FROM hw_advisory_packages p JOIN hw_advisories a ON a.id = p.advisory_id`.execute(hw.store.db);
      const all = rows.map((r) => ({ facts: JSON.parse(r.facts) as unknown, entry: JSON.parse(r.entry) as Parameters<typeof affects>[0] }));
      const checksum = `SHA256:${app.toString(16).padStart(64, '0')}`;
      const scan = await sql<{ packages: string }>`SELECT packages FROM hw_slug_scans WHERE checksum = ${checksum}`.execute(hw.store.db);
      const packages = JSON.parse(scan.rows[0]!.packages) as Package[];
      for (const pkg of packages) {
        const version = ecosystem('npm')!.version(pkg.version!)!;
        for (const { entry } of all) if (entry.name === pkg.name) affects(entry, version);
      }
    }
    const baselinePerApp = (performance.now() - baselineStarted) / options.baselineApps;
    await hw.close();
    const rematchMs = median(rematchTimes);
    return {
      slug_compressed_mb: Math.round(slugBytes / 1024 / 1024),
      slug_scan_ms: Math.round(scanned.ms),
      slug_scan_peak_rss_mb: scanned.maxRssMb,
      slug_scan_idle_rss_mb: scanned.baselineRssMb,
      slug_packages_found: scanned.packages,
      advisories_imported: imported.added,
      advisories_import_ms: Math.round(importMs),
      apps: options.apps,
      packages_per_app: options.packagesPerApp,
      first_match_all_apps_ms: Math.round(firstMatchMs),
      update_revised_advisories: update.updated,
      rematch_apps: rematched,
      rematch_after_update_ms: Math.round(rematchMs),
      daily_update_advisories: options.dailyAdvisories,
      daily_update_packages_named: dailyTouched,
      daily_rematch_apps: dailyRematched,
      daily_rematch_ms: Math.round(median(dailyTimes)),
      baseline_reread_per_app_ms: Math.round(baselinePerApp),
      baseline_reread_all_apps_ms_estimated: Math.round(baselinePerApp * options.apps),
      rematch_speedup_vs_baseline: `${((baselinePerApp * options.apps) / rematchMs).toFixed(0)}x`,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
