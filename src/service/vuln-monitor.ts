import { InputError, InterruptedError } from '../errors.js';
import { HerokuApiError } from '../heroku/errors.js';
import { evaluateConnection, type EvaluationSummary } from './compliance.js';
import { HerokuClient, type HerokuClientOptions } from '../heroku/client.js';
import { listConnections, listMonitoredApps } from '../store/connections.js';
import { readDataset } from '../store/datasets.js';

import {
  appSboms,
  openVulnerabilityCounts,
  saveSlugScan,
  slugEcosystems,
  slugPackagesNamed,
  slugScan,
  vulnerabilityRows,
  vulnerabilityPackages,
  vulnerabilityRowsById,
  vulnTests,
  writeVulnerabilityGap,
  writeVulnerabilityTest,
  writeVulnerabilityTests,
  type VulnerabilityRow,
  type VulnTestRow,
  type VulnerabilityTestWrite,
  type VulnerabilityWrite,
} from '../store/vulnerabilities.js';
import { ECOSYSTEMS, ecosystem, packageKey } from '../vulns/ecosystems.js';
import { planVulnerabilities, type KnownVulnerability, type VulnerabilityChange } from '../vulns/lifecycle.js';
import { matchPackages, type AdvisoryIndex, type Vulnerability } from '../vulns/match.js';
import { type Package } from '../vulns/packages.js';
import { DEFAULT_SCAN_LIMITS, SCANNER_RULES, ScanLimitError, type ScanResult } from '../vulns/scan.js';
import { scanBudget, scanTarballStream } from '../vulns/scan-thread.js';
import { connectionToken, resolveConnection } from './connections.js';
import { refuseTokenElsewhere } from './connect.js';
import type { Herowatch } from './herowatch.js';
import { applyVex } from './vex.js';
import { applyPriorities } from './priorities.js';
import { advisoryGap, ADVISORY_UPDATE_COMMAND, type AdvisoryDatabase } from '../vulns/advisory-coverage.js';
import { noSbomFor, sbomFor, short, type RunningRelease } from '../vulns/sbom-attribution.js';
import { advisoryDatabase, storedAdvisoryIndex, updateAdvisories, updateAdvisoriesOnline, type AdvisoryUpdate, type EcosystemUpdate } from './advisories.js';

/** The rules an imported SBOM's packages are stored under (its scan row): SBOMs are read once, when imported. */
export const SBOM_SCANNER = 'sbom';

/** The command that imports the SBOM of an app's build. */
export function importSbomCommand(connection: string, app: string): string {
  return `herowatch sbom import --connection ${connection} --app ${app} FILE`;
}

/** Heroku's largest slug is 500 MB compressed; a bigger download is not a slug. */
const SLUG_MAX_BYTES = 600 * 1024 * 1024;

/** What one test of one monitored app did. */
export interface AppTest {
  connection: string;
  app: string;
  /** `scanned` (the slug was read now), `reused` (its checksum was read before), `sbom` (an imported SBOM of the running build), `gap` (nothing to read: see reason). */
  outcome: 'scanned' | 'reused' | 'sbom' | 'gap';
  reason: string | null;
  /** The slug could not be downloaded or read (a failure to retry), as opposed to there being none to read. */
  failed?: boolean;
  release: number | null;
  packages: number;
  /** Open vulnerabilities after the test (dev-only packages excluded). */
  open: number;
  changes: VulnerabilityChange[];
  /** Why "no vulnerability" would not be an answer for this app (nothing read, no or stale advisories), with the fix; null when the result stands. */
  unjudged: Unjudged | null;
  /** With outcome `sbom`: the commit of the build the SBOM lists, when known. */
  commit?: string | null;
}

/** The release an app runs and the commit it was built from (its slug's, or its OCI image's). */
export function runningRelease(
  release: Record<string, unknown> | undefined,
  slug: Record<string, unknown> | undefined,
  images: Record<string, unknown>[],
): RunningRelease {
  const version = typeof release?.version === 'number' ? release.version : null;
  const image = images.find((i) => version !== null && i.app_id === release!.app_id && i.release_version === version);
  const commit = typeof slug?.commit === 'string' ? slug.commit : typeof image?.commit === 'string' ? image.commit : null;
  return { version, commit };
}

/** Writes beside the connections' findings what is said of them elsewhere: the VEX statement standing for each, its KEV flag and EPSS score. */
async function annotateFindings(hw: Herowatch, connectionIds: number[]): Promise<void> {
  await applyVex(hw, connectionIds);
  await applyPriorities(hw, connectionIds);
}

/** What an SBOM's packages are said to come from, wherever a slug's files would be named. */
export function sbomLabel(commit: string | null, release: number | null): string {
  return commit ? `an SBOM of commit ${short(commit)}` : `an SBOM of release v${release ?? '?'}`;
}

export interface AppFacts {
  id: string;
  name: string;
  generation: string | null;
  stack: string | null;
}

/** Why an app has no slug to read, when it has none; null when it has one. */
export function noSlug(app: AppFacts, release: Record<string, unknown> | undefined, slug: Record<string, unknown> | undefined): string | null {
  if (app.generation === 'fir') return 'a Fir-generation app: it deploys an OCI image, not a slug, and Heroku offers no download of images';
  if (app.stack === 'container') return 'a container app: it deploys a Docker image, not a slug';
  if (!release) return 'no release is running yet';
  if (release.status === 'expired') return `release v${String(release.version)} expired under Heroku's retention rules: its slug is gone`;
  if (!release.slug_id) return `release v${String(release.version)} has no slug (a config or add-on change before any build, or an image release)`;
  if (!slug) return `the slug of release v${String(release.version)} is not in the inventory (the last sync could not read it)`;
  if (typeof slug.checksum !== 'string') return `Heroku gives no checksum for the slug of release v${String(release.version)}`;
  return null;
}

function findingOf(v: Vulnerability): VulnerabilityWrite {
  return {
    vuln_id: v.id,
    advisories: v.advisories,
    aliases: v.aliases,
    ecosystem: v.ecosystem,
    package: v.package,
    version: v.version,
    severity: v.severity,
    cvss: v.cvss,
    summary: v.summary,
    fixed: v.fixed,
    locations: v.locations,
  };
}

/**
 * Matches an app's packages and records the test with what it changed in
 * the app's findings. Dev-only packages are not findings: they do not run.
 */
async function recordTest(hw: Herowatch, test: VulnTestRow, packages: Package[], now: Date): Promise<{ open: number; changes: VulnerabilityChange[] }> {
  const index = await storedAdvisoryIndex(hw, packages);
  const stored = await vulnerabilityRows(hw.store, { connectionIds: [test.connection_id], appId: test.app_id });
  const planned = planTest(test, packages, now, { index, stored, untouchedOpen: 0, always: true });
  if (planned.write) await writeVulnerabilityTest(hw.store, planned.write);
  return planned;
}

/**
 * What a test of `packages` changes in the app's `stored` findings (those
 * on the same packages), and the write that records it: null when nothing
 * moved and `always` is off (a re-match of thousands of apps writes only
 * what moved). `untouchedOpen`: the app's open findings on other packages.
 */
function planTest(
  test: VulnTestRow,
  packages: Package[],
  now: Date,
  given: { index: AdvisoryIndex; stored: VulnerabilityRow[]; untouchedOpen: number; always: boolean },
): { open: number; changes: VulnerabilityChange[]; write: VulnerabilityTestWrite | null } {
  const current = matchPackages(packages, given.index).filter((v) => !v.dev);
  const byId = new Map(given.stored.map((r) => [r.id, r]));
  const known: KnownVulnerability[] = given.stored.map((r) => ({
    id: r.id,
    key: r.key,
    vulnId: r.vuln_id,
    advisories: r.advisories,
    aliases: r.aliases,
    ecosystem: r.ecosystem,
    package: r.package,
    version: r.version,
    status: r.status === 'open' ? 'open' : 'resolved',
  }));
  const plan = planVulnerabilities(known, current);
  const update = plan.update
    .map((u) => ({ id: u.id, finding: findingOf(u.vulnerability), reopen: u.reopen }))
    .filter((u) => u.reopen || changed(byId.get(u.id)!, u.finding));
  const open = current.length + given.untouchedOpen;
  if (!given.always && plan.insert.length === 0 && update.length === 0 && plan.resolve.length === 0) return { open, changes: plan.changes, write: null };
  return {
    open,
    changes: plan.changes,
    write: {
      test,
      now: now.toISOString(),
      insert: plan.insert.map((i) => ({ key: i.key, finding: findingOf(i.vulnerability) })),
      update,
      resolve: plan.resolve,
    },
  };
}

/** Whether what a test found of a vulnerability differs from what is stored. */
function changed(row: VulnerabilityRow, finding: VulnerabilityWrite): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return !(
    row.vuln_id === finding.vuln_id &&
    row.version === finding.version &&
    row.severity === finding.severity &&
    row.cvss === finding.cvss &&
    row.fixed === finding.fixed &&
    row.summary === finding.summary &&
    row.package === finding.package &&
    same(row.advisories, finding.advisories) &&
    same(row.aliases, finding.aliases) &&
    same(row.locations, finding.locations)
  );
}

export interface TestRequest {
  /** The connection (default: the only one). */
  connection?: string;
  /** Monitored apps to test, by name (default: all of the connection's). */
  apps?: string[];
  /** The token to download with when the connection stores none (HEROKU_API_KEY), and the API it was given for. */
  token?: string;
  tokenApiUrl?: string;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl'>;
  now?: Date;
  /** Told as each app is tested. */
  onApp?: (test: AppTest, done: number, total: number) => void;
  /** Evaluate the connection's checks afterwards, which read what the tests found (default true; a sync evaluates once, after). */
  evaluate?: boolean;
}

/**
 * Tests monitored apps for known vulnerabilities: each app's current
 * release and slug as the last sync saw them; a slug read before (same
 * checksum) is not downloaded again, a new one is streamed and read once.
 * An app without a slug to read is a gap with its reason, never "no
 * vulnerabilities".
 */
export async function testMonitoredApps(hw: Herowatch, request: TestRequest = {}): Promise<AppTest[]> {
  const connection = await resolveConnection(hw.store, request.connection);
  const now = request.now ?? new Date();
  const monitored = (await listMonitoredApps(hw.store, connection.id)).filter((a) => Number(a.active) === 1);
  let chosen = monitored;
  if (request.apps && request.apps.length > 0) {
    chosen = request.apps.map((name) => {
      const app = monitored.find((a) => a.app_name === name || a.app_id === name);
      if (!app)
        throw new InputError(
          'HW_APP_NOT_MONITORED',
          `App "${name}" is not monitored on connection "${connection.name}" (monitored: ${monitored.map((a) => a.app_name).join(', ') || 'none'}).`,
          { remedy: { do: 'monitor', connection: connection.name, app: name } },
        );
      return app;
    });
  }
  if (chosen.length === 0) return [];
  const ids = chosen.map((a) => a.app_id);
  const read = async (dataset: string, filters: Record<string, string[] | boolean>) =>
    (await readDataset(hw.store, dataset, { connection: connection.name, filters, orderBy: [] })).rows;
  const apps = await read('apps', { id: ids });
  const releases = await read('releases', { app_id: ids, current: true });
  const slugs = await read('slugs', { app_id: ids });
  const images = await read('oci_images', { app_id: ids });
  const sboms = await appSboms(hw.store, connection.id, ids);
  let client: HerokuClient | null = null;
  const downloader = async (): Promise<HerokuClient> => {
    if (client) return client;
    const stored = await connectionToken(hw, connection);
    if (!stored && request.token) refuseTokenElsewhere(request.tokenApiUrl ?? connection.api_url, connection.api_url, connection.name);
    const token = stored ?? request.token;
    if (!token)
      throw new InputError('HW_CONNECTION_NO_TOKEN', `No Heroku token for connection "${connection.name}" to download slugs with.`, {
        remedy: { do: 'reconnect', connection: connection.name },
      });
    return (client = new HerokuClient({ ...request.client, token, apiUrl: connection.api_url, concurrency: 2 }));
  };

  const database = await advisoryDatabase(hw);
  const results: AppTest[] = [];
  for (const monitoredApp of chosen) {
    const record = apps.find((a) => a.id === monitoredApp.app_id);
    const app: AppFacts = {
      id: monitoredApp.app_id,
      name: String(record?.name ?? monitoredApp.app_name),
      generation: (record?.generation as string | null) ?? null,
      stack: (record?.stack as string | null) ?? null,
    };
    const release = releases.find((r) => r.app_id === app.id);
    const slug = slugs.find((s) => s.app_id === app.id && (release === undefined || s.id === release.slug_id));
    const base: VulnTestRow = {
      connection_id: connection.id,
      app_id: app.id,
      app_name: app.name,
      tested_at: now.toISOString(),
      release_version: typeof release?.version === 'number' ? release.version : null,
      slug_id: typeof slug?.id === 'string' ? slug.id : null,
      checksum: typeof slug?.checksum === 'string' ? slug.checksum : null,
      status: 'gap',
      reason: null,
      packages: 0,
      files: [],
      source: 'slug',
      commit: typeof slug?.commit === 'string' ? slug.commit : null,
    };
    const running = runningRelease(release, slug, images);
    const tell = (test: AppTest): void => {
      results.push(test);
      request.onApp?.(test, results.length, chosen.length);
    };
    const gap = async (reason: string, failed = false, fix: string | null = null): Promise<void> => {
      await writeVulnerabilityGap(hw.store, { ...base, reason });
      tell({
        connection: connection.name,
        app: app.name,
        outcome: 'gap',
        reason,
        release: base.release_version,
        packages: 0,
        open: 0,
        changes: [],
        failed,
        unjudged: { reason, fix },
      });
    };
    if (!record) {
      await gap('not in the last inventory (deleted, or not visible to the token)');
      continue;
    }
    const missing = noSlug(app, release, slug);
    const mine = sboms.filter((s) => s.app_id === app.id);
    const sbom = missing ? sbomFor(mine, running) : null;
    if (missing && !sbom) {
      const other = noSbomFor(mine, running);
      // The SBOM of the build is the fix when the release runs no slug herowatch could read (an image, an expired slug);
      // a slug the last sync missed is read again at the next one.
      const sbomHelps = app.generation === 'fir' || app.stack === 'container' || release?.status === 'expired' || (release !== undefined && !release.slug_id);
      await gap(`${missing}${other ? `; ${other}` : ''}`, false, sbomHelps ? importSbomCommand(connection.name, app.name) : null);
      continue;
    }
    const checksum = sbom ? sbom.checksum : base.checksum!;
    let scan = await slugScan(hw.store, checksum, sbom ? SBOM_SCANNER : SCANNER_RULES);
    const outcome: AppTest['outcome'] = sbom ? 'sbom' : scan ? 'reused' : 'scanned';
    if (sbom) {
      base.checksum = checksum;
      base.slug_id = null;
      base.source = 'sbom';
      base.commit = sbom.commit;
    }
    if (!scan && sbom) {
      await gap('the packages of the imported SBOM are gone from the store: import it again', false, importSbomCommand(connection.name, app.name));
      continue;
    }
    if (!scan) {
      let result: ScanResult;
      try {
        const archive = await (await downloader()).slugArchive(app.id, base.slug_id!, { maxBytes: SLUG_MAX_BYTES });
        result = await scanTarballStream(archive.stream, DEFAULT_SCAN_LIMITS, scanBudget(hw.config.settings));
      } catch (error) {
        if (error instanceof InterruptedError) throw error;
        const gone = error instanceof HerokuApiError && error.status === 404;
        await gap(
          error instanceof ScanLimitError
            ? `the slug was not read: ${error.message}`
            : gone
              ? `the slug of release v${base.release_version ?? '?'} is gone from Heroku (expired under its retention rules, or deleted)`
              : `the slug could not be downloaded or read: ${(error as Error).message}`,
          !(error instanceof ScanLimitError) && !gone,
        );
        continue;
      }
      scan = {
        checksum,
        scanner: SCANNER_RULES,
        scanned_at: now.toISOString(),
        size: typeof slug?.size === 'number' ? slug.size : null,
        packages: result.packages,
        files: result.files,
        gaps: result.gaps,
        entries: result.entries,
        bytes: result.bytes,
      };
      await saveSlugScan(
        hw.store,
        scan,
        result.packages.map((p) => ({ ecosystem: p.ecosystem, name: ecosystem(p.ecosystem)!.normalizeName(p.name), entries: [p] })),
      );
    }
    const packages = scan.packages as Package[];
    const problems = (scan.gaps as { path: string; reason: string }[]).map((g) => `${g.path}: ${g.reason}`);
    if (scan.files.length === 0) problems.unshift('no package file herowatch reads was found in the slug, so nothing could be matched');
    // An SBOM's one "file" is named for what it speaks of: the commit of the build it lists.
    const files = sbom ? (scan.files as { path: string }[]).map((f) => ({ ...f, path: sbomLabel(base.commit, base.release_version) })) : scan.files;
    const test: VulnTestRow = { ...base, status: 'scanned', packages: packages.length, files, reason: problems.join('; ') || null };
    const { open, changes } = await recordTest(hw, test, packages, now);
    const unjudged = judge(database, [...new Set(packages.map((p) => p.ecosystem))], now);
    tell({
      connection: connection.name,
      app: app.name,
      outcome,
      reason: test.reason,
      release: test.release_version,
      packages: packages.length,
      open,
      changes,
      unjudged,
      ...(sbom ? { commit: base.commit } : {}),
    });
  }
  // What stands beside the findings the tests opened or moved (VEX, KEV, EPSS), before the checks read them.
  await annotateFindings(hw, [connection.id]);
  if (request.evaluate !== false && connection.last_complete_run !== null && connection.state !== 'disabled') {
    await evaluateConnection(hw, connection.name, { now, notify: hw.config.settings.notifications.webhook !== undefined });
  }
  return results;
}

/**
 * After the advisory database changed: matches again every tested app
 * whose slug holds a package an added, revised or withdrawn advisory names,
 * from the stored package lists (no slug is downloaded).
 */
export async function rematchAfterUpdate(hw: Herowatch, touched: Set<string>, now: Date = new Date()): Promise<AppTest[]> {
  if (touched.size === 0) return [];
  // Of each slug, only the packages the update names: read from the index rows, never the slug's whole list.
  const named = await slugPackagesNamed(hw.store, touched);
  if (named.size === 0) return [];
  const connections = await listConnections(hw.store);
  const connectionIds = connections.map((c) => c.id);
  const tests = (await vulnTests(hw.store, connectionIds)).filter((t) => t.status === 'scanned' && t.checksum !== null && named.has(t.checksum));
  if (tests.length === 0) return [];
  const scans = new Map<string, Package[]>();
  for (const checksum of new Set(tests.map((t) => t.checksum!))) {
    const packages = named.get(checksum) as Package[] | null | undefined;
    // Index rows without their packages were written under older reading rules: the app's next test reads its slug again.
    if (!packages) continue;
    scans.set(
      checksum,
      packages.filter((p) => touched.has(packageKey(p.ecosystem, p.name))),
    );
  }
  const ecosystemsOf = await slugEcosystems(hw.store, [...scans.keys()]);
  const concernedPackages = [...scans.values()].flat();
  const index = await storedAdvisoryIndex(hw, concernedPackages);
  const testedConnections = [...new Set(tests.map((t) => t.connection_id))];
  // The findings an update can move are on the packages it names: those, and how many others each app has open.
  // A finding is on a package as some release spelt it (`Django`, later `django`): findings are picked by the package's identity, not its spelling.
  const ecosystemsTouched = [...new Set([...touched].map((key) => key.slice(0, key.indexOf('\u0000'))))];
  const concernedIds = (await vulnerabilityPackages(hw.store, testedConnections, ecosystemsTouched))
    .filter((row) => touched.has(packageKey(row.ecosystem, row.package)))
    .map((row) => row.id);
  const byApp = new Map<string, VulnerabilityRow[]>();
  for (const row of await vulnerabilityRowsById(hw.store, concernedIds)) {
    const key = `${row.connection_id} ${row.app_id}`;
    const rows = byApp.get(key);
    if (rows) rows.push(row);
    else byApp.set(key, [row]);
  }
  const openCounts = await openVulnerabilityCounts(hw.store, testedConnections);
  const database = await advisoryDatabase(hw);
  const results: AppTest[] = [];
  const writes: VulnerabilityTestWrite[] = [];
  for (const test of tests) {
    const packages = scans.get(test.checksum!);
    if (!packages) continue;
    const key = `${test.connection_id} ${test.app_id}`;
    const stored = byApp.get(key) ?? [];
    const untouchedOpen = (openCounts.get(key) ?? 0) - stored.filter((r) => r.status === 'open').length;
    const { open, changes, write } = planTest(test, packages, now, { index, stored, untouchedOpen, always: false });
    if (write) writes.push({ ...write, testStored: true });
    const connection = connections.find((c) => c.id === test.connection_id)!;
    results.push({
      connection: connection.name,
      app: test.app_name,
      outcome: 'reused',
      reason: test.reason,
      release: test.release_version,
      packages: test.packages,
      open,
      changes,
      unjudged: judge(database, ecosystemsOf.get(test.checksum!) ?? [], now),
    });
  }
  await writeVulnerabilityTests(hw.store, writes);
  // A revised advisory rewrites its findings, never the VEX statements made of them: they stand again for what they name.
  await annotateFindings(hw, testedConnections);
  return results;
}

/**
 * Imports advisories (see updateAdvisories), then matches again the apps
 * they concern: a new advisory opens findings on apps already tested, a
 * withdrawn or narrowed one resolves them, without downloading any slug.
 */
export async function importAdvisories(
  hw: Herowatch,
  from: string,
  options: { now?: Date } = {},
): Promise<{ update: AdvisoryUpdate; rematched: AppTest[]; evaluations: EvaluationSummary[] }> {
  const update = await updateAdvisories(hw, from, options);
  const rematched = await rematchAfterUpdate(hw, update.touched, options.now);
  return { update, rematched, evaluations: await evaluateAfterImport(hw, options.now) };
}

/**
 * After advisories were imported: the checks that read vulnerabilities are
 * evaluated again for every connection with a tested app, as a sync would
 * (their findings open, resolve, or stop being unknown now, not at the next
 * sync), and the changes are kept for the webhook when one is set.
 */
async function evaluateAfterImport(hw: Herowatch, now = new Date()): Promise<EvaluationSummary[]> {
  const connections = (await listConnections(hw.store)).filter((c) => c.state !== 'disabled' && c.last_complete_run !== null);
  const tested = new Set(
    (
      await vulnTests(
        hw.store,
        connections.map((c) => c.id),
      )
    ).map((t) => t.connection_id),
  );
  const evaluations: EvaluationSummary[] = [];
  for (const connection of connections.filter((c) => tested.has(c.id))) {
    evaluations.push(await evaluateConnection(hw, connection.name, { now, notify: hw.config.settings.notifications.webhook !== undefined }));
  }
  return evaluations;
}

/**
 * Imports advisories from the OSV export (see updateAdvisoriesOnline), then
 * matches again the apps they concern, as importAdvisories does.
 */
export async function importAdvisoriesOnline(
  hw: Herowatch,
  options: { ecosystems?: string[]; full?: boolean; now?: Date; baseUrl?: string } = {},
): Promise<{ ecosystems: EcosystemUpdate[]; rematched: AppTest[]; evaluations: EvaluationSummary[] }> {
  const ecosystems = options.ecosystems ?? [...ECOSYSTEMS];
  const { ecosystems: results, touched } = await updateAdvisoriesOnline(hw, {
    baseUrl: options.baseUrl ?? hw.config.osvUrl,
    ecosystems,
    full: options.full,
    now: options.now,
  });
  const rematched = await rematchAfterUpdate(hw, touched, options.now);
  return { ecosystems: results, rematched, evaluations: await evaluateAfterImport(hw, options.now) };
}

/** Why a test's result cannot be taken as "no vulnerability", and the command that fixes it (null when none does). */
export interface Unjudged {
  reason: string;
  fix: string | null;
}

/** Whether a test of a slug holding `ecosystems` can be trusted against the database. */
export function judge(database: AdvisoryDatabase, ecosystems: string[], now: Date): Unjudged | null {
  const gap = advisoryGap(database, ecosystems, now);
  return gap === null ? null : { reason: gap, fix: ecosystems.length === 0 ? null : ADVISORY_UPDATE_COMMAND };
}

export { ignoredAt } from '../vulns/standing.js';
