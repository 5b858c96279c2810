import type { Selectable } from 'kysely';
import { parseJson, type Store } from './database.js';
import type { VexStatementsTable } from './schema.js';

/** A VEX statement as stored, its ids read. */
export type VexStatementRow = Omit<Selectable<VexStatementsTable>, 'ids'> & { ids: string[] };

export type VexStatementWrite = Omit<VexStatementRow, 'id'>;

/**
 * Replaces the statements of a document imported for the same place (every
 * connection, a connection, or an app of it) with these, in one
 * transaction: the same document imported for another app is another
 * import, which this one leaves alone.
 */
export async function replaceVexDocument(
  store: Store,
  place: { document: string; connectionId: number | null; app: string | null },
  rows: VexStatementWrite[],
): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    let gone = tx.deleteFrom('hw_vex_statements').where('document', '=', place.document);
    gone = place.connectionId === null ? gone.where('connection_id', 'is', null) : gone.where('connection_id', '=', place.connectionId);
    gone = place.app === null ? gone.where('imported_for', 'is', null) : gone.where('imported_for', '=', place.app);
    await gone.execute();
    for (let i = 0; i < rows.length; i += 200)
      await tx
        .insertInto('hw_vex_statements')
        .values(rows.slice(i, i + 200).map((row) => ({ ...row, ids: JSON.stringify(row.ids) })))
        .execute();
  });
}

/** Every statement that may speak of the connections' findings (theirs and those for every connection), oldest first. */
export async function vexStatements(store: Store, connectionIds?: number[]): Promise<VexStatementRow[]> {
  let select = store.db.selectFrom('hw_vex_statements').selectAll();
  if (connectionIds)
    select = select.where((eb) => eb.or([eb('connection_id', 'is', null), ...(connectionIds.length > 0 ? [eb('connection_id', 'in', connectionIds)] : [])]));
  const rows = await select.orderBy('id').execute();
  return rows.map((row) => ({ ...row, ids: parseJson<string[]>(row.ids) }));
}

/** How many statements are stored. */
export async function countVexStatements(store: Store): Promise<number> {
  return Number(
    (
      await store.db
        .selectFrom('hw_vex_statements')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/** Whether any statement is stored (most installations have none: nothing to apply). */
export async function hasVexStatements(store: Store): Promise<boolean> {
  return (await store.db.selectFrom('hw_vex_statements').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Whether any finding of the connections carries a statement (one removed since leaves it there until applied again). */
export async function anyVexVerdict(store: Store, connectionIds: number[]): Promise<boolean> {
  if (connectionIds.length === 0) return false;
  const row = await store.db
    .selectFrom('hw_vulnerabilities')
    .select('id')
    .where('connection_id', 'in', connectionIds)
    .where('vex_id', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Removes a statement; false when there is none of that id. */
export async function removeVexStatement(store: Store, id: number): Promise<boolean> {
  const result = await store.db.deleteFrom('hw_vex_statements').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** What a VEX statement is matched against, of each finding of the connections. */
export interface VexSubjectRow {
  id: number;
  connection_id: number;
  app_id: string;
  app_name: string;
  vuln_id: string;
  advisories: string[];
  aliases: string[];
  ecosystem: string;
  package: string;
  version: string;
  vex_id: number | null;
  vex_status: string | null;
}

export async function vexSubjects(store: Store, connectionIds: number[]): Promise<VexSubjectRow[]> {
  if (connectionIds.length === 0) return [];
  const rows = await store.db
    .selectFrom('hw_vulnerabilities')
    .select(['id', 'connection_id', 'app_id', 'app_name', 'vuln_id', 'advisories', 'aliases', 'ecosystem', 'package', 'version', 'vex_id', 'vex_status'])
    .where('connection_id', 'in', connectionIds)
    .execute();
  return rows.map((row) => ({ ...row, advisories: parseJson<string[]>(row.advisories), aliases: parseJson<string[]>(row.aliases) }));
}

/** Writes the statement standing for each finding (null: none), a few hundred to a transaction. */
export async function setVexVerdicts(
  store: Store,
  verdicts: { id: number; vex: { id: number; status: string; justification: string | null; statement: string | null } | null }[],
): Promise<void> {
  for (let i = 0; i < verdicts.length; i += 200)
    await store.db.transaction().execute(async (tx) => {
      for (const { id, vex } of verdicts.slice(i, i + 200))
        await tx
          .updateTable('hw_vulnerabilities')
          .set({
            vex_id: vex?.id ?? null,
            vex_status: vex?.status ?? null,
            vex_justification: vex?.justification ?? null,
            vex_statement: vex?.statement ?? null,
          })
          .where('id', '=', id)
          .execute();
    });
}
