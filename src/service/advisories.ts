import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { advisoryJson, downloadArchive, modifiedSince } from '../osv/export.js';
import { HerowatchError } from '../errors.js';
import {
  advisoriesFor,
  advisoryStatus,
  storedAdvisoryRevisions,
  recordAdvisoryImport,
  writeAdvisories,
  type AdvisoryEcosystemStatus,
  type AdvisoryImportResult,
  type StoredAdvisory,
} from '../store/advisories.js';
import { ecosystem } from '../vulns/ecosystems.js';
import type { Package } from '../vulns/packages.js';
import type { Herowatch } from './herowatch.js';
import { advisoryFiles } from '../vulns/advisory-files.js';
import { type AdvisoryDatabase } from '../vulns/advisory-coverage.js';
import { AdvisoryIndex } from '../vulns/match.js';
import { compileAdvisory, type Advisory, type AdvisoryPackage } from '../vulns/osv.js';
import { existing } from './scan.js';

/*
 * The advisory database: advisories read from OSV files or downloaded from
 * OSV's export, stored per ecosystem, and read back as an index to match
 * packages against. Matching the monitored apps again after an import is
 * vuln-monitor's (importAdvisories).
 */

/** Advisories read from files, and what could not be read. */
export interface LoadedAdvisories {
  index: AdvisoryIndex;
  records: number;
  skipped: { source: string; problem: string }[];
}

/** Every OSV advisory under `path` (a JSON file, a zip, a folder of either), indexed in memory. */
export async function loadAdvisories(path: string): Promise<LoadedAdvisories> {
  await existing(path, 'The advisories');
  const index = new AdvisoryIndex();
  const skipped: LoadedAdvisories['skipped'] = [];
  let records = 0;
  for await (const file of advisoryFiles(path)) {
    if ('problem' in file) {
      skipped.push(file);
      continue;
    }
    if (!('record' in file)) continue;
    records++;
    const compiled = compileAdvisory(file.record);
    if (compiled) index.add(compiled);
  }
  return { index, records, skipped };
}

export interface AdvisoryUpdate {
  source: string;
  /** Records read, and those not read (path and reason). */
  records: number;
  skipped: { source: string; problem: string }[];
  added: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  /** Advisories for ecosystems herowatch does not match (Debian, ...), left out. */
  ignored: number;
  ecosystems: string[];
  durationMs: number;
  /** `ecosystem\0name` of every package a changed advisory names: what to match again. */
  touched: Set<string>;
}

/**
 * Imports the OSV advisories under `from` (a folder of OSV JSON files or
 * zips, or one of them) into the database, in batches of one transaction
 * each: an interruption leaves every advisory as it was or as new.
 */
export async function updateAdvisories(
  hw: Herowatch,
  from: string,
  options: { now?: Date; batchSize?: number; source?: string } = {},
): Promise<AdvisoryUpdate> {
  await existing(from, 'The advisories');
  const started = performance.now();
  const importedAt = (options.now ?? new Date()).toISOString();
  const result: AdvisoryImportResult = { added: 0, updated: 0, unchanged: 0, withdrawn: 0, touched: new Set() };
  const skipped: AdvisoryUpdate['skipped'] = [];
  const newest = new Map<string, string>();
  let records = 0;
  let ignored = 0;
  let batch: StoredAdvisory[] = [];
  let withdrawn: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0 && withdrawn.length === 0) return;
    await writeAdvisories(hw.store, batch, withdrawn, importedAt, result);
    batch = [];
    withdrawn = [];
  };
  // The revisions already stored are recognised by id and date before anything else is done with them.
  const known = await storedAdvisoryRevisions(hw.store);
  for await (const file of advisoryFiles(from, known)) {
    if ('problem' in file) {
      skipped.push(file);
      continue;
    }
    records++;
    if ('unchanged' in file) {
      result.unchanged++;
      continue;
    }
    const compiled = compileAdvisory(file.record);
    if (!compiled) {
      if (file.record.withdrawn) withdrawn.push(file.record.id);
      else ignored++;
      continue;
    }
    batch.push({
      id: compiled.advisory.id,
      modified: compiled.advisory.modified,
      facts: compiled.advisory,
      packages: compiled.packages.map((entry) => ({ ecosystem: entry.ecosystem, name: entry.name, entry })),
    });
    for (const eco of new Set(compiled.packages.map((p) => p.ecosystem))) {
      const modified = compiled.advisory.modified ?? '';
      if (!newest.has(eco) || modified > newest.get(eco)!) newest.set(eco, modified);
    }
    if (batch.length >= (options.batchSize ?? 2000)) await flush();
  }
  await flush();
  const source = options.source ?? from;
  for (const [eco, modified] of newest) await recordAdvisoryImport(hw.store, eco, source, importedAt, modified || null);
  return {
    source,
    records,
    skipped,
    added: result.added,
    updated: result.updated,
    unchanged: result.unchanged,
    withdrawn: result.withdrawn,
    ignored,
    ecosystems: [...newest.keys()].sort(),
    durationMs: Math.round(performance.now() - started),
    touched: result.touched,
  };
}

/** Which ecosystems the advisory database holds, how many advisories each, and how old. */
export async function advisoryDatabaseStatus(hw: Herowatch): Promise<AdvisoryEcosystemStatus[]> {
  return advisoryStatus(hw.store);
}

/** The advisory database as the settings judge it (see vulns/advisory-coverage.ts). */
export async function advisoryDatabase(hw: Herowatch): Promise<AdvisoryDatabase> {
  const status = await advisoryStatus(hw.store);
  return {
    ecosystems: new Map(status.map((s) => [s.ecosystem, { advisories: s.advisories, importedAt: s.importedAt }])),
    maxAgeMs: hw.config.settings.vulnerabilities.advisory_max_age,
  };
}

/** Advisories read from files for one scan (--db): what they cover is judged, not their age (they are what was given). */
export function givenAdvisories(index: AdvisoryIndex, now = new Date()): AdvisoryDatabase {
  return {
    ecosystems: new Map(Object.entries(index.counts()).map(([ecosystem, advisories]) => [ecosystem, { advisories, importedAt: now.toISOString() }])),
    maxAgeMs: Number.POSITIVE_INFINITY,
  };
}

/** The stored advisories that name the scan's packages, indexed for matching. */
export async function storedAdvisoryIndex(hw: Herowatch, packages: Package[]): Promise<AdvisoryIndex> {
  const index = new AdvisoryIndex();
  const keys = packages.map((p) => ({ ecosystem: p.ecosystem, name: ecosystem(p.ecosystem)!.normalizeName(p.name) }));
  // What the store holds was compiled by compileAdvisory at import.
  for (const stored of await advisoriesFor(hw.store, keys)) index.add({ advisory: stored.facts as Advisory, packages: stored.entries as AdvisoryPackage[] });
  return index;
}

/** Above this many changed advisories, an ecosystem's whole archive is downloaded rather than each one. */
export const INCREMENTAL_LIMIT = 2000;

/** What an online update did for one ecosystem. */
export interface EcosystemUpdate {
  ecosystem: string;
  /** `archive`: all.zip was read; `changes`: only the advisories modified since the last import; `current`: nothing had changed. */
  mode: 'archive' | 'changes' | 'current';
  /** Bytes downloaded and requests made for it. */
  bytes: number;
  requests: number;
  update: AdvisoryUpdate | null;
  /** Why this ecosystem was not updated (the others still were). */
  error: string | null;
}

/**
 * Imports advisories from the OSV export at `baseUrl`, per ecosystem: the
 * first time (or with `full`) its all.zip, streamed to a temporary file;
 * afterwards only what its index lists as modified since the newest stored
 * advisory, one file each (all.zip again when more than INCREMENTAL_LIMIT
 * changed). An ecosystem that fails is reported and the others go on.
 */
export async function updateAdvisoriesOnline(
  hw: Herowatch,
  options: { baseUrl: string; ecosystems: string[]; full?: boolean; now?: Date; concurrency?: number },
): Promise<{ ecosystems: EcosystemUpdate[]; touched: Set<string> }> {
  const stored = new Map((await advisoryStatus(hw.store)).map((s) => [s.ecosystem, s.newestModified]));
  const known = await storedAdvisoryRevisions(hw.store);
  const isKnown = (entry: { id: string; modified: string }): boolean => {
    const revision = known.get(entry.id);
    return revision !== undefined && revision !== null && Date.parse(revision) === Date.parse(entry.modified);
  };
  const touched = new Set<string>();
  const results: EcosystemUpdate[] = [];
  for (const eco of options.ecosystems) {
    const work = await mkdtemp(join(tmpdir(), 'herowatch-osv-'));
    const result: EcosystemUpdate = { ecosystem: eco, mode: 'archive', bytes: 0, requests: 0, update: null, error: null };
    try {
      const since = options.full ? null : (stored.get(eco) ?? null);
      let changed: { id: string }[] | null = null;
      if (since !== null) {
        const index = await modifiedSince(options.baseUrl, eco, since);
        result.requests++;
        const fresh = index.entries.filter((entry) => !isKnown(entry));
        if (fresh.length <= INCREMENTAL_LIMIT) changed = fresh;
      }
      if (changed !== null && changed.length === 0) {
        result.mode = 'current';
      } else if (changed !== null) {
        result.mode = 'changes';
        const ids = [...new Set(changed.map((c) => c.id))];
        const folder = join(work, 'changes');
        await mkdir(folder);
        let next = 0;
        await Promise.all(
          Array.from({ length: Math.min(options.concurrency ?? 8, ids.length) }, async () => {
            while (next < ids.length) {
              const id = ids[next++]!;
              const json = await advisoryJson(options.baseUrl, eco, id);
              result.requests++;
              result.bytes += Buffer.byteLength(json);
              await writeFile(join(folder, `${id}.json`), json);
            }
          }),
        );
        result.update = await updateAdvisories(hw, folder, { now: options.now, source: `${options.baseUrl.replace(/\/+$/, '')}/${eco}/` });
      } else {
        const path = join(work, 'all.zip');
        const download = await downloadArchive(options.baseUrl, eco, path);
        result.requests++;
        result.bytes += download.bytes;
        result.update = await updateAdvisories(hw, path, { now: options.now, source: download.url });
      }
      for (const key of result.update?.touched ?? []) touched.add(key);
    } catch (error) {
      if (!(error instanceof HerowatchError)) throw error;
      result.error = error.message;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    results.push(result);
  }
  return { ecosystems: results, touched };
}
