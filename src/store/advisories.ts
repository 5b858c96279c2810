import { parseJson, type Store } from './database.js';

/**
 * An advisory as the store keeps it: its id and revision, its facts, and
 * what it says of each package, both as JSON the vulnerability room
 * compiled (the store does not read them).
 */
export interface StoredAdvisory {
  id: string;
  modified: string | null;
  facts: unknown;
  packages: { ecosystem: string; name: string; entry: unknown }[];
}

/** What an import changed: advisories new, revised, unchanged and withdrawn, and the packages they name. */
export interface AdvisoryImportResult {
  added: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  /** `ecosystem\0name` of every package an added, revised or withdrawn advisory names: what needs matching again. */
  touched: Set<string>;
}

const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Writes a batch of compiled advisories: a new one is added, one with a
 * different `modified` replaces the stored one, the same revision is left
 * alone. `withdrawn` ids are removed. One transaction per batch: an
 * interrupted import leaves every advisory either as it was or as new.
 */
export async function writeAdvisories(
  store: Store,
  batch: StoredAdvisory[],
  withdrawn: string[],
  importedAt: string,
  result: AdvisoryImportResult,
): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    const ids = [...batch.map((a) => a.id), ...withdrawn];
    const stored = new Map<string, string | null>();
    for (const part of chunks(ids)) {
      for (const row of await tx.selectFrom('hw_advisories').select(['id', 'modified']).where('id', 'in', part).execute()) stored.set(row.id, row.modified);
    }
    const gone = withdrawn.filter((id) => stored.has(id));
    const fresh = batch.filter((a) => !stored.has(a.id) || stored.get(a.id) !== a.modified);
    const replaced = [...gone, ...fresh.filter((a) => stored.has(a.id)).map((a) => a.id)];
    for (const part of chunks(replaced)) {
      for (const row of await tx.selectFrom('hw_advisory_packages').select(['ecosystem', 'name']).where('advisory_id', 'in', part).execute())
        result.touched.add(`${row.ecosystem}\u0000${row.name}`);
      await tx.deleteFrom('hw_advisory_packages').where('advisory_id', 'in', part).execute();
      await tx.deleteFrom('hw_advisories').where('id', 'in', part).execute();
    }
    for (const part of chunks(fresh, 200)) {
      await tx
        .insertInto('hw_advisories')
        .values(part.map((a) => ({ id: a.id, modified: a.modified, facts: JSON.stringify(a.facts), imported_at: importedAt })))
        .execute();
      const entries = part.flatMap((a) => a.packages.map((p) => ({ advisory_id: a.id, ecosystem: p.ecosystem, name: p.name, entry: JSON.stringify(p.entry) })));
      for (const entryPart of chunks(entries, 200)) await tx.insertInto('hw_advisory_packages').values(entryPart).execute();
      for (const e of entries) result.touched.add(`${e.ecosystem}\u0000${e.name}`);
    }
    result.added += fresh.filter((a) => !stored.has(a.id)).length;
    result.updated += fresh.filter((a) => stored.has(a.id)).length;
    result.unchanged += batch.length - fresh.length;
    result.withdrawn += gone.length;
  });
}

/** The revision (`modified`) of every stored advisory, by id. */
export async function storedAdvisoryRevisions(store: Store): Promise<Map<string, string | null>> {
  const rows = await store.db.selectFrom('hw_advisories').select(['id', 'modified']).execute();
  return new Map(rows.map((row) => [row.id, row.modified]));
}

/** Records that `ecosystem`'s advisories were imported from `source`. */
export async function recordAdvisoryImport(store: Store, ecosystem: string, source: string, importedAt: string, newestModified: string | null): Promise<void> {
  await store.db
    .insertInto('hw_advisory_imports')
    .values({ ecosystem, source, imported_at: importedAt, newest_modified: newestModified })
    .onConflict((oc) => oc.column('ecosystem').doUpdateSet({ source, imported_at: importedAt, newest_modified: newestModified }))
    .execute();
}

/** The stored advisories that name any of `packages` (by ecosystem and normalised name): their facts, and their entries for those packages. */
export async function advisoriesFor(store: Store, packages: { ecosystem: string; name: string }[]): Promise<{ facts: unknown; entries: unknown[] }[]> {
  const byEcosystem = new Map<string, Set<string>>();
  for (const p of packages) byEcosystem.set(p.ecosystem, (byEcosystem.get(p.ecosystem) ?? new Set()).add(p.name));
  const entries = new Map<string, unknown[]>();
  for (const [ecosystem, names] of byEcosystem) {
    for (const part of chunks([...names])) {
      const rows = await store.db
        .selectFrom('hw_advisory_packages')
        .select(['advisory_id', 'entry'])
        .where('ecosystem', '=', ecosystem)
        .where('name', 'in', part)
        .execute();
      for (const row of rows) entries.set(row.advisory_id, [...(entries.get(row.advisory_id) ?? []), parseJson(row.entry)]);
    }
  }
  const found: { facts: unknown; entries: unknown[] }[] = [];
  for (const part of chunks([...entries.keys()])) {
    for (const row of await store.db.selectFrom('hw_advisories').select(['id', 'facts']).where('id', 'in', part).execute())
      found.push({ facts: parseJson(row.facts), entries: entries.get(row.id)! });
  }
  return found;
}

export interface AdvisoryEcosystemStatus {
  ecosystem: string;
  advisories: number;
  source: string | null;
  importedAt: string | null;
  newestModified: string | null;
}

/** Per ecosystem: how many advisories, imported from where and when, and how recent the newest is. */
export async function advisoryStatus(store: Store): Promise<AdvisoryEcosystemStatus[]> {
  const counts = await store.db
    .selectFrom('hw_advisory_packages')
    .select(['ecosystem', (eb) => eb.fn.count<number | string>('advisory_id').distinct().as('advisories')])
    .groupBy('ecosystem')
    .execute();
  const imports = await store.db.selectFrom('hw_advisory_imports').selectAll().execute();
  const ecosystems = [...new Set([...counts.map((c) => c.ecosystem), ...imports.map((i) => i.ecosystem)])].sort();
  return ecosystems.map((ecosystem) => {
    const imported = imports.find((i) => i.ecosystem === ecosystem);
    return {
      ecosystem,
      advisories: Number(counts.find((c) => c.ecosystem === ecosystem)?.advisories ?? 0),
      source: imported?.source ?? null,
      importedAt: imported?.imported_at ?? null,
      newestModified: imported?.newest_modified ?? null,
    };
  });
}
