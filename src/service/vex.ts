import { NotFoundError } from '../errors.js';
import { listConnections } from '../store/connections.js';
import { readDataset } from '../store/datasets.js';
import {
  countVexStatements,
  anyVexVerdict,
  hasVexStatements,
  removeVexStatement,
  replaceVexDocument,
  setVexVerdicts,
  vexStatements,
  vexSubjects,
  type VexStatementRow,
} from '../store/vex.js';
import { MAX_VEX_BYTES, readVex, vexFor, VexError, type StoredVexStatement, type VexStatus } from '../vulns/vex.js';
import { resolveConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

/** Statements kept in all: far more than any team writes, few enough for every test to match against. */
const MAX_STORED_STATEMENTS = 100_000;

/** What importing a VEX document did. */
export interface VexImport {
  format: string;
  document: string;
  author: string | null;
  /** Statements kept (one per package and app a statement names). */
  statements: number;
  skipped: { reason: string; count: number }[];
  /** Where they apply: a connection and app, or everywhere. */
  connection: string | null;
  app: string | null;
  /** Findings a statement now stands for, and of those, the ones not affected. */
  findings: number;
  notAffected: number;
}

export interface VexImportRequest {
  document: string;
  /** Only this connection's findings (default: every connection's). */
  connection?: string;
  /** Only this app's findings (by name or id; needs the connection when there are several). */
  app?: string;
  by?: string | null;
  now?: Date;
}

/**
 * Imports a VEX document (OpenVEX 0.2, CycloneDX VEX). Its statements are
 * kept apart from the findings, so a later advisory revision does not erase
 * them; importing the same document again replaces its statements.
 */
export async function importVex(hw: Herowatch, request: VexImportRequest): Promise<VexImport> {
  if (Buffer.byteLength(request.document) > MAX_VEX_BYTES)
    throw new VexError(`the VEX document is larger than ${MAX_VEX_BYTES / 1024 ** 2} MiB, beyond what herowatch reads`);
  const connection = request.connection !== undefined || request.app !== undefined ? await resolveConnection(hw.store, request.connection) : null;
  let app: string | null = null;
  let appId: string | null = null;
  if (request.app !== undefined) {
    const apps = (await readDataset(hw.store, 'apps', { connection: connection!.name, orderBy: [] })).rows;
    const found = apps.find((a) => a.name === request.app || a.id === request.app);
    if (!found)
      throw new NotFoundError('HW_APP_UNKNOWN', `There is no app "${request.app.slice(0, 100)}" in the inventory of connection "${connection!.name}".`, {
        remedy: { do: 'list', what: 'apps', connection: connection!.name },
      });
    // Kept by name, as scopes and the doors name apps (a statement names an app by its id or its name).
    app = String(found.name);
    appId = String(found.id);
  }
  const read = readVex(request.document);
  const skipped = [...read.skipped];
  const kept = read.statements.filter((s) => app === null || s.app === null || s.app === app || s.app === appId);
  if (kept.length < read.statements.length)
    skipped.push({ reason: `statements of another app than ${request.app}`, count: read.statements.length - kept.length });
  const now = (request.now ?? new Date()).toISOString();
  if ((await countVexStatements(hw.store)) + kept.length > MAX_STORED_STATEMENTS)
    throw new VexError(`herowatch keeps at most ${MAX_STORED_STATEMENTS} VEX statements: remove some (herowatch vex list, vex remove) or import fewer`);
  await replaceVexDocument(
    hw.store,
    { document: read.id, connectionId: connection?.id ?? null, app },
    kept.map((s) => ({
      document: read.id,
      format: read.format,
      author: read.author,
      connection_id: connection?.id ?? null,
      app: app ?? s.app,
      ids: s.ids,
      ecosystem: s.ecosystem,
      package: s.package,
      version: s.version,
      status: s.status,
      justification: s.justification,
      statement: s.statement,
      // A statement that says not when it was made was made when it was imported.
      issued_at: s.issuedAt ?? now,
      imported_at: now,
      imported_by: request.by ?? null,
      imported_for: app,
    })),
  );
  await applyVex(hw);
  const stood = await vexStandingFor(hw, read.id, connection?.id ?? null, app);
  return {
    format: read.format,
    document: read.id,
    author: read.author,
    statements: kept.length,
    skipped,
    connection: connection?.name ?? null,
    app: request.app ?? null,
    findings: stood.findings,
    notAffected: stood.notAffected,
  };
}

/** How many findings the statements of this import stand for now (in its connection, or in all), and how many of those are not affected. */
async function vexStandingFor(
  hw: Herowatch,
  document: string,
  connectionId: number | null,
  app: string | null,
): Promise<{ findings: number; notAffected: number }> {
  const connections = connectionId === null ? (await listConnections(hw.store)).map((c) => c.id) : [connectionId];
  const ids = new Set(
    (await vexStatements(hw.store, connections))
      .filter((s) => s.document === document && s.connection_id === connectionId && s.imported_for === app)
      .map((s) => s.id),
  );
  const subjects = (await vexSubjects(hw.store, connections)).filter((s) => s.vex_id !== null && ids.has(s.vex_id));
  return { findings: subjects.length, notAffected: subjects.filter((s) => s.vex_status === 'not_affected').length };
}

function stored(row: VexStatementRow): StoredVexStatement & { connectionId: number | null } {
  return {
    id: row.id,
    connectionId: row.connection_id,
    ids: row.ids,
    ecosystem: row.ecosystem as StoredVexStatement['ecosystem'],
    package: row.package,
    version: row.version,
    app: row.app,
    status: row.status as VexStatus,
    justification: row.justification,
    statement: row.statement,
    issuedAt: row.issued_at,
  };
}

/**
 * Writes beside each finding of the connections (default: all) the VEX
 * statement that stands for it, after statements or findings changed (an
 * import, a test, a re-match). Nothing to do, and nothing read, when no
 * statement is stored.
 */
export async function applyVex(hw: Herowatch, connectionIds?: number[]): Promise<void> {
  const ids = connectionIds ?? (await listConnections(hw.store)).map((c) => c.id);
  // Most installations hold no statement: nothing is read then, unless findings still carry one from a statement removed.
  if (!(await hasVexStatements(hw.store)) && !(await anyVexVerdict(hw.store, ids))) return;
  // Statements by the ids they name: each finding is matched against those naming one of its ids, never against all.
  const byId = new Map<string, ReturnType<typeof stored>[]>();
  for (const statement of (await vexStatements(hw.store, ids)).map(stored))
    for (const id of statement.ids) {
      const list = byId.get(id);
      if (list) list.push(statement);
      else byId.set(id, [statement]);
    }
  const verdicts: Parameters<typeof setVexVerdicts>[1] = [];
  for (const finding of await vexSubjects(hw.store, ids)) {
    const named = new Set([finding.vuln_id, ...finding.advisories, ...finding.aliases].flatMap((id) => byId.get(id) ?? []));
    const mine = [...named].filter((s) => s.connectionId === null || s.connectionId === finding.connection_id);
    const standing = vexFor(
      {
        ids: [finding.vuln_id, ...finding.advisories, ...finding.aliases],
        ecosystem: finding.ecosystem,
        package: finding.package,
        version: finding.version,
        appId: finding.app_id,
        appName: finding.app_name,
      },
      mine,
    );
    if ((standing?.id ?? null) !== finding.vex_id)
      verdicts.push({
        id: finding.id,
        vex: standing && { id: standing.id, status: standing.status, justification: standing.justification, statement: standing.statement },
      });
  }
  await setVexVerdicts(hw.store, verdicts);
}

/** The statements kept, for `vex list` and the API. */
export async function listVex(hw: Herowatch): Promise<(VexStatementRow & { connection: string | null })[]> {
  const names = new Map((await listConnections(hw.store)).map((c) => [c.id, c.name]));
  return (await vexStatements(hw.store)).map((row) => ({ ...row, connection: row.connection_id === null ? null : (names.get(row.connection_id) ?? null) }));
}

/** Removes a statement; the findings it stood for are counted again (unless another stands for them). */
export async function removeVex(hw: Herowatch, id: number): Promise<void> {
  if (!(await removeVexStatement(hw.store, id)))
    throw new NotFoundError('HW_VEX_UNKNOWN', `There is no VEX statement ${id}.`, { remedy: { do: 'list', what: 'vex' } });
  await applyVex(hw);
}
