import { parseJson, type Store } from './database.js';
import type { EpssTable, KevTable } from './schema.js';

const BATCH = 500;

/** Replaces the KEV catalog with these entries, in one transaction. */
export async function replaceKev(store: Store, entries: KevTable[]): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('hw_kev').execute();
    const unique = [...new Map(entries.map((e) => [e.cve, e])).values()];
    for (let i = 0; i < unique.length; i += BATCH)
      await tx
        .insertInto('hw_kev')
        .values(unique.slice(i, i + BATCH))
        .execute();
  });
}

/** Replaces the EPSS scores with these, in one transaction. */
export async function replaceEpss(store: Store, entries: EpssTable[]): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('hw_epss').execute();
    const unique = [...new Map(entries.map((e) => [e.cve, e])).values()];
    for (let i = 0; i < unique.length; i += BATCH)
      await tx
        .insertInto('hw_epss')
        .values(unique.slice(i, i + BATCH).map((e) => ({ cve: e.cve, score: e.score, percentile: e.percentile })))
        .execute();
  });
}

/** What the catalog and the scores say of these CVEs. */
export async function prioritiesOf(
  store: Store,
  cves: string[],
): Promise<{ kev: Map<string, { date_added: string | null; ransomware: number }>; epss: Map<string, { score: number; percentile: number }> }> {
  const kev = new Map<string, { date_added: string | null; ransomware: number }>();
  const epss = new Map<string, { score: number; percentile: number }>();
  const unique = [...new Set(cves)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const part = unique.slice(i, i + BATCH);
    for (const row of await store.db.selectFrom('hw_kev').select(['cve', 'date_added', 'ransomware']).where('cve', 'in', part).execute()) kev.set(row.cve, row);
    for (const row of await store.db.selectFrom('hw_epss').select(['cve', 'score', 'percentile']).where('cve', 'in', part).execute())
      epss.set(row.cve, { score: Number(row.score), percentile: Number(row.percentile) });
  }
  return { kev, epss };
}

/** How many CVEs each source holds (0: never imported). */
export async function prioritiesCounts(store: Store): Promise<{ kev: number; epss: number }> {
  const count = async (table: 'hw_kev' | 'hw_epss') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { kev: await count('hw_kev'), epss: await count('hw_epss') };
}

/** What each finding's CVEs are, and what is written beside it now. */
export async function priorityTargets(
  store: Store,
  connectionIds: number[],
): Promise<{ id: number; ids: string[]; kev_added: string | null; kev_ransomware: number | null; epss: number | null; epss_percentile: number | null }[]> {
  if (connectionIds.length === 0) return [];
  const rows = await store.db
    .selectFrom('hw_vulnerabilities')
    .select(['id', 'vuln_id', 'advisories', 'aliases', 'kev_added', 'kev_ransomware', 'epss', 'epss_percentile'])
    .where('connection_id', 'in', connectionIds)
    .execute();
  return rows.map(({ vuln_id, advisories, aliases, ...row }) => ({
    ...row,
    ids: [vuln_id, ...parseJson<string[]>(advisories), ...parseJson<string[]>(aliases)],
    kev_ransomware: row.kev_ransomware === null ? null : Number(row.kev_ransomware),
    epss: row.epss === null ? null : Number(row.epss),
    epss_percentile: row.epss_percentile === null ? null : Number(row.epss_percentile),
  }));
}

/** Writes what the catalog and the scores say beside each finding, a few hundred to a transaction. */
export async function setPriorities(
  store: Store,
  updates: { id: number; kev_added: string | null; kev_ransomware: number | null; epss: number | null; epss_percentile: number | null }[],
): Promise<void> {
  for (let i = 0; i < updates.length; i += 200)
    await store.db.transaction().execute(async (tx) => {
      for (const { id, ...values } of updates.slice(i, i + 200)) await tx.updateTable('hw_vulnerabilities').set(values).where('id', '=', id).execute();
    });
}
