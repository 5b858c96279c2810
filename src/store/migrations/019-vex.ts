import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * VEX statements imported (OpenVEX, CycloneDX VEX): each names a
 * vulnerability (and its aliases), and may narrow it to a package, a
 * version, a connection and an app. They are kept apart from the findings,
 * so that a re-match after an advisory revision, which rewrites a finding,
 * cannot erase them; the statement standing for each finding is written
 * beside it (vex_*) after every import and every test.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const primaryId = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('hw_vex_statements')
    .addColumn('id', id, primaryId)
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('connection_id', 'integer', (c) => c.references('hw_connections.id').onDelete('cascade'))
    .addColumn('app', 'text')
    .addColumn('ids', json, (c) => c.notNull())
    .addColumn('ecosystem', 'text')
    .addColumn('package', 'text')
    .addColumn('version', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('justification', 'text')
    .addColumn('statement', 'text')
    .addColumn('issued_at', 'text')
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text')
    .addColumn('imported_for', 'text')
    .execute();
  await db.schema.createIndex('hw_vex_statements_document').on('hw_vex_statements').columns(['document']).execute();
  for (const column of ['vex_status', 'vex_justification', 'vex_statement'])
    await db.schema.alterTable('hw_vulnerabilities').addColumn(column, 'text').execute();
  await db.schema.alterTable('hw_vulnerabilities').addColumn('vex_id', 'integer').execute();
}
