import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../errors.js';
import { advisoryGap, type AdvisoryDatabase } from '../vulns/advisory-coverage.js';
import type { AdvisoryIndex } from '../vulns/match.js';
import { matchPackages, type Vulnerability } from '../vulns/match.js';
import { SEVERITIES, severityRank, type AdvisorySeverity, type Severity } from '../severity.js';
import type { ScanResult } from '../vulns/scan.js';
import { DEFAULT_SCAN_LIMITS, ScanLimitError } from '../vulns/scan.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import { isGzip } from '../vulns/sources.js';
import { scanBudget, scanPathInThread, type ScanBudget } from '../vulns/scan-thread.js';

/** What is at `path`, or an error that says `what` is not there or cannot be read. */
export async function existing(path: string, what: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      'HW_FILE_UNREADABLE',
      code === 'ENOENT' ? `${what} ${path} does not exist.` : `${what} ${path} cannot be read (${code ?? (error as Error).message}).`,
    );
  }
}

/**
 * Scans what is at `path` for packages: a folder (a checkout, an unpacked
 * slug), a gzipped tarball (a slug), or one package file (a lockfile).
 */
export async function scanPath(path: string, budget: ScanBudget = scanBudget(DEFAULT_SETTINGS)): Promise<ScanResult> {
  const info = await existing(path, 'The path');
  try {
    if (info.isDirectory()) return await scanPathInThread({ kind: 'folder', path, limits: DEFAULT_SCAN_LIMITS }, budget);
    if (await isGzip(path)) return await scanPathInThread({ kind: 'tarball-file', path, limits: DEFAULT_SCAN_LIMITS }, budget);
    const result = await scanPathInThread({ kind: 'file', path, name: basename(path), limits: DEFAULT_SCAN_LIMITS }, budget);
    if (result.files.length === 0 && result.gaps.length === 0) {
      throw new InputError(
        'HW_FILE_UNREADABLE',
        `${path} is not a folder, a gzipped tarball or a package file herowatch reads (package-lock.json, yarn.lock, pnpm-lock.yaml, Gemfile.lock, poetry.lock, Pipfile.lock, uv.lock, requirements*.txt, go.mod, composer.lock, gradle.lockfile, Cargo.lock).`,
      );
    }
    return result;
  } catch (error) {
    if (error instanceof ScanLimitError) throw new InputError('HW_SCAN_LIMIT', `${path} was not scanned: ${error.message}.`);
    throw error;
  }
}

export interface ScanReport {
  scan: ScanResult;
  /** Vulnerabilities of packages that run (dev-only ones too when asked). */
  vulnerabilities: Vulnerability[];
  /** Vulnerabilities left out because only development needs the package. */
  devOnly: number;
  /** Packages whose version is unknown (a manifest without a pin): not matched, not guessed. */
  unknownVersions: number;
  /** Why "no vulnerability" would not be an answer (no advisories, or stale ones, for the packages' ecosystems; nothing read); null when it would. */
  unjudged: string | null;
}

/** Matches a scan's packages against `index`; dev-only packages' vulnerabilities are counted apart unless `includeDev`. */
export function reportScan(scan: ScanResult, index: AdvisoryIndex, database: AdvisoryDatabase, options: { includeDev?: boolean; now?: Date } = {}): ScanReport {
  const all = matchPackages(scan.packages, index);
  const vulnerabilities = options.includeDev ? all : all.filter((v) => !v.dev);
  const unjudged = advisoryGap(
    database,
    scan.packages.map((p) => p.ecosystem),
    options.now ?? new Date(),
  );
  return {
    scan,
    vulnerabilities,
    devOnly: all.length - vulnerabilities.length,
    unknownVersions: scan.packages.filter((p) => p.version === null).length,
    unjudged,
  };
}

/** Whether any vulnerability reaches `threshold` (an unknown severity reaches only `low`). */
export function reaches(vulnerabilities: { severity: AdvisorySeverity }[], threshold: Severity): boolean {
  const limit = severityRank(threshold);
  return vulnerabilities.some((v) => (v.severity === 'unknown' ? threshold === 'low' : severityRank(v.severity) <= limit));
}

export const FAIL_ON = SEVERITIES;
