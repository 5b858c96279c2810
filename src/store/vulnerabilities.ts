import type { Kysely, Selectable } from 'kysely';
import { parseJson, type Store } from './database.js';
import type { Database, SbomsTable, SlugScansTable, VulnTestsTable, VulnerabilitiesTable } from './schema.js';

const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type SlugScanRow = Omit<Selectable<SlugScansTable>, 'packages' | 'files' | 'gaps' | 'ecosystems'> & {
  packages: unknown[];
  files: unknown[];
  gaps: unknown[];
};

/** A slug's stored scan, or undefined when it was never read (or read with other rules than `scanner`). */
export async function slugScan(store: Store, checksum: string, scanner: string): Promise<SlugScanRow | undefined> {
  const found = await store.db.selectFrom('hw_slug_scans').selectAll().where('checksum', '=', checksum).where('scanner', '=', scanner).executeTakeFirst();
  if (!found) return undefined;
  const { ecosystems: _ecosystems, ...row } = found;
  return {
    ...row,
    size: row.size === null ? null : Number(row.size),
    bytes: Number(row.bytes),
    packages: parseJson<unknown[]>(row.packages),
    files: parseJson<unknown[]>(row.files),
    gaps: parseJson<unknown[]>(row.gaps),
  };
}

/** What a slug holds under one (ecosystem, normalised name): the index row, with the packages themselves. */
export interface SlugHolding {
  ecosystem: string;
  name: string;
  entries: unknown[];
}

/** Stores a slug's scan and which packages (ecosystem, normalised name) it holds, replacing an earlier one. */
export async function saveSlugScan(store: Store, scan: SlugScanRow, holds: SlugHolding[]): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('hw_slug_scans').where('checksum', '=', scan.checksum).execute();
    await insertScanIn(tx, scan, holds);
  });
}

async function insertScanIn(tx: Kysely<Database>, scan: SlugScanRow, holds: SlugHolding[]): Promise<void> {
  {
    await tx
      .insertInto('hw_slug_scans')
      .values({
        ...scan,
        packages: JSON.stringify(scan.packages),
        files: JSON.stringify(scan.files),
        gaps: JSON.stringify(scan.gaps),
        ecosystems: JSON.stringify([...new Set(holds.map((h) => h.ecosystem))].sort()),
      })
      .execute();
    const unique = new Map<string, SlugHolding>();
    for (const h of holds) {
      const key = `${h.ecosystem}\u0000${h.name}`;
      const known = unique.get(key);
      if (known) known.entries = [...known.entries, ...h.entries];
      else unique.set(key, { ...h });
    }
    for (const part of chunks([...unique.values()], 300))
      await tx
        .insertInto('hw_slug_packages')
        .values(part.map((h) => ({ checksum: scan.checksum, ecosystem: h.ecosystem, name: h.name, entries: JSON.stringify(h.entries) })))
        .execute();
  }
}

export type SbomRow = Omit<Selectable<SbomsTable>, 'skipped'> & { skipped: { reason: string; count: number }[] };

/**
 * Stores an SBOM imported for an app, with its packages as a scan under its
 * checksum (`sbom:<sha256>`): the same document imported again, or for
 * another app, shares that scan; the app's record of it is replaced.
 */
export async function saveSbom(store: Store, sbom: SbomRow, scan: SlugScanRow, holds: SlugHolding[]): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    const known = await tx.selectFrom('hw_slug_scans').select('checksum').where('checksum', '=', scan.checksum).executeTakeFirst();
    if (!known) await insertScanIn(tx, scan, holds);
    const row = { ...sbom, skipped: JSON.stringify(sbom.skipped) };
    await tx
      .insertInto('hw_sboms')
      .values(row)
      .onConflict((oc) => oc.columns(['connection_id', 'app_id', 'checksum']).doUpdateSet({ ...row }))
      .execute();
  });
}

/** The SBOMs imported for apps of a connection (all its apps, or those named), newest first. */
export async function appSboms(store: Store, connectionId: number, appIds?: string[]): Promise<SbomRow[]> {
  let select = store.db.selectFrom('hw_sboms').selectAll().where('connection_id', '=', connectionId);
  if (appIds) {
    if (appIds.length === 0) return [];
    select = select.where('app_id', 'in', appIds);
  }
  const rows = await select.orderBy('imported_at', 'desc').orderBy('checksum').execute();
  return rows.map((row) => ({ ...row, skipped: parseJson<{ reason: string; count: number }[]>(row.skipped) }));
}

/** Splits `ecosystem\0name` keys by ecosystem. */
function namesByEcosystem(keys: Iterable<string>): Map<string, string[]> {
  const byEcosystem = new Map<string, string[]>();
  for (const key of keys) {
    const [ecosystem, name] = key.split('\u0000') as [string, string];
    const names = byEcosystem.get(ecosystem);
    if (names) names.push(name);
    else byEcosystem.set(ecosystem, [name]);
  }
  return byEcosystem;
}

/**
 * The packages of every slug holding any of `keys` (`ecosystem\0name`), by
 * checksum; `null` for a slug whose index rows predate the packages kept
 * beside them (read its scan instead).
 */
export async function slugPackagesNamed(store: Store, keys: Iterable<string>): Promise<Map<string, unknown[] | null>> {
  const found = new Map<string, unknown[] | null>();
  for (const [ecosystem, names] of namesByEcosystem(keys)) {
    for (const part of chunks(names)) {
      for (const row of await store.db
        .selectFrom('hw_slug_packages')
        .select(['checksum', 'entries'])
        .where('ecosystem', '=', ecosystem)
        .where('name', 'in', part)
        .execute()) {
        const known = found.get(row.checksum);
        if (row.entries === null || known === null) found.set(row.checksum, null);
        else if (known) for (const entry of parseJson<unknown[]>(row.entries)) known.push(entry);
        else found.set(row.checksum, parseJson<unknown[]>(row.entries));
      }
    }
  }
  return found;
}

/** The ecosystems of the packages each slug holds, by checksum. */
export async function slugEcosystems(store: Store, checksums: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>(checksums.map((c) => [c, []]));
  const older: string[] = [];
  for (const part of chunks([...new Set(checksums)], 300))
    for (const row of await store.db.selectFrom('hw_slug_scans').select(['checksum', 'ecosystems']).where('checksum', 'in', part).execute()) {
      if (row.ecosystems === null) older.push(row.checksum);
      else found.set(row.checksum, parseJson<string[]>(row.ecosystems));
    }
  // Scans stored before their ecosystems were kept: from the index.
  for (const part of chunks(older, 300)) {
    for (const row of await store.db.selectFrom('hw_slug_packages').select(['checksum', 'ecosystem']).distinct().where('checksum', 'in', part).execute())
      found.get(row.checksum)?.push(row.ecosystem);
  }
  return found;
}

export type VulnTestRow = Omit<Selectable<VulnTestsTable>, 'files'> & { files: unknown[] };

export async function vulnTests(store: Store, connectionIds: number[]): Promise<VulnTestRow[]> {
  if (connectionIds.length === 0) return [];
  const rows = await store.db.selectFrom('hw_vuln_tests').selectAll().where('connection_id', 'in', connectionIds).orderBy('app_name').execute();
  return rows.map((row) => ({ ...row, files: parseJson<unknown[]>(row.files) }));
}

export type VulnerabilityRow = Omit<Selectable<VulnerabilitiesTable>, 'advisories' | 'aliases' | 'locations'> & {
  advisories: string[];
  aliases: string[];
  locations: string[];
};

function vulnerabilityRow(row: Selectable<VulnerabilitiesTable>): VulnerabilityRow {
  return { ...row, advisories: parseJson<string[]>(row.advisories), aliases: parseJson<string[]>(row.aliases), locations: parseJson<string[]>(row.locations) };
}

export interface VulnerabilityQuery {
  connectionIds: number[];
  appId?: string;
  status?: string[];
}

/** Which package each finding of the connections' apps is on, in the given ecosystems: a light read, to pick the findings to load. */
export async function vulnerabilityPackages(
  store: Store,
  connectionIds: number[],
  ecosystems: string[],
): Promise<{ id: number; ecosystem: string; package: string }[]> {
  if (connectionIds.length === 0 || ecosystems.length === 0) return [];
  return store.db
    .selectFrom('hw_vulnerabilities')
    .select(['id', 'ecosystem', 'package'])
    .where('connection_id', 'in', connectionIds)
    .where('ecosystem', 'in', ecosystems)
    .execute();
}

/** Findings by id, in no particular order. */
export async function vulnerabilityRowsById(store: Store, ids: number[]): Promise<VulnerabilityRow[]> {
  const rows: VulnerabilityRow[] = [];
  for (const part of chunks([...new Set(ids)]))
    for (const row of await store.db.selectFrom('hw_vulnerabilities').selectAll().where('id', 'in', part).execute()) rows.push(vulnerabilityRow(row));
  return rows;
}

/** Open findings per app of the connections, keyed `connection_id app_id`. */
export async function openVulnerabilityCounts(store: Store, connectionIds: number[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (connectionIds.length === 0) return counts;
  const rows = await store.db
    .selectFrom('hw_vulnerabilities')
    .select(['connection_id', 'app_id', (eb) => eb.fn.countAll<number | string>().as('open')])
    .where('connection_id', 'in', connectionIds)
    .where('status', '=', 'open')
    .groupBy(['connection_id', 'app_id'])
    .execute();
  for (const row of rows) counts.set(`${row.connection_id} ${row.app_id}`, Number(row.open));
  return counts;
}

export async function vulnerabilityRows(store: Store, query: VulnerabilityQuery): Promise<VulnerabilityRow[]> {
  if (query.connectionIds.length === 0) return [];
  let select = store.db.selectFrom('hw_vulnerabilities').selectAll().where('connection_id', 'in', query.connectionIds);
  if (query.appId !== undefined) select = select.where('app_id', '=', query.appId);
  if (query.status !== undefined) select = select.where('status', 'in', query.status.length > 0 ? query.status : ['']);
  return (await select.orderBy('app_name').orderBy('id').execute()).map(vulnerabilityRow);
}

/** A finding as the test writes it. */
export interface VulnerabilityWrite {
  vuln_id: string;
  advisories: string[];
  aliases: string[];
  ecosystem: string;
  package: string;
  version: string;
  severity: string;
  cvss: string | null;
  summary: string;
  fixed: string | null;
  locations: string[];
}

export interface VulnerabilityTestWrite {
  test: VulnTestRow;
  /** The test itself is stored as it is (a re-match after an advisory update moves findings only). */
  testStored?: boolean;
  insert: { key: string; finding: VulnerabilityWrite }[];
  update: { id: number; finding: VulnerabilityWrite; reopen: boolean }[];
  resolve: number[];
  now: string;
}

/**
 * Records one test of one app and what it changed in the app's findings,
 * in one transaction: a test that stops half-way leaves the last one whole.
 */
export async function writeVulnerabilityTest(store: Store, write: VulnerabilityTestWrite): Promise<void> {
  await writeVulnerabilityTests(store, [write]);
}

/** Several apps' tests, a few hundred to a transaction (a re-match of thousands of apps commits a handful of times, not once per app). */
export async function writeVulnerabilityTests(store: Store, writes: VulnerabilityTestWrite[]): Promise<void> {
  for (const part of chunks(writes, 200))
    await store.db.transaction().execute(async (tx) => {
      for (const write of part) await writeTestIn(tx, write);
    });
}

async function writeTestIn(tx: Kysely<Database>, write: VulnerabilityTestWrite): Promise<void> {
  const { test, now } = write;
  const json = (finding: VulnerabilityWrite) => ({
    ...finding,
    advisories: JSON.stringify(finding.advisories),
    aliases: JSON.stringify(finding.aliases),
    locations: JSON.stringify(finding.locations),
  });
  const row = { ...test, files: JSON.stringify(test.files) };
  if (!write.testStored)
    await tx
      .insertInto('hw_vuln_tests')
      .values(row)
      .onConflict((oc) => oc.columns(['connection_id', 'app_id']).doUpdateSet({ ...row }))
      .execute();
  for (const { key, finding } of write.insert) {
    await tx
      .insertInto('hw_vulnerabilities')
      .values({
        ...json(finding),
        connection_id: test.connection_id,
        app_id: test.app_id,
        app_name: test.app_name,
        key,
        status: 'open',
        first_seen_at: now,
        last_seen_at: now,
        resolved_at: null,
        introduced_release: test.release_version,
        fixed_release: null,
        ignored_reason: null,
        ignored_by: null,
        ignored_at: null,
        ignored_until: null,
      })
      .execute();
  }
  for (const { id, finding, reopen } of write.update) {
    await tx
      .updateTable('hw_vulnerabilities')
      .set({
        ...json(finding),
        app_name: test.app_name,
        last_seen_at: now,
        ...(reopen ? { status: 'open', resolved_at: null, fixed_release: null, introduced_release: test.release_version } : {}),
      })
      .where('id', '=', id)
      .execute();
  }
  for (const part of chunks(write.resolve)) {
    await tx
      .updateTable('hw_vulnerabilities')
      .set({ status: 'resolved', resolved_at: now, fixed_release: test.release_version })
      .where('id', 'in', part)
      .execute();
  }
}

/** Records a test that read nothing (no slug): the findings stay as they were, since nothing was seen either way. */
export async function writeVulnerabilityGap(store: Store, test: VulnTestRow): Promise<void> {
  const row = { ...test, files: JSON.stringify(test.files) };
  await store.db
    .insertInto('hw_vuln_tests')
    .values(row)
    .onConflict((oc) => oc.columns(['connection_id', 'app_id']).doUpdateSet({ ...row }))
    .execute();
}

export async function vulnerabilityById(store: Store, id: number): Promise<VulnerabilityRow | undefined> {
  const row = await store.db.selectFrom('hw_vulnerabilities').selectAll().where('id', '=', id).executeTakeFirst();
  return row && vulnerabilityRow(row);
}

/** Ignores a finding for a reason, by someone, until a date (null: clears it). */
export async function setVulnerabilityIgnore(
  store: Store,
  id: number,
  ignore: { reason: string; by: string; at: string; until: string } | null,
): Promise<void> {
  await store.db
    .updateTable('hw_vulnerabilities')
    .set(
      ignore
        ? { ignored_reason: ignore.reason, ignored_by: ignore.by, ignored_at: ignore.at, ignored_until: ignore.until }
        : { ignored_reason: null, ignored_by: null, ignored_at: null, ignored_until: null },
    )
    .where('id', '=', id)
    .execute();
}
