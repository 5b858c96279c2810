import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Access to herowatch from outside the command line: the access tokens
 * herowatch issues (kept as a hash of their secret, with their scope,
 * expiry and revocation), and the agent audit log, one row per call an
 * agent made and what it cost.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const primaryId = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('hw_access_tokens')
    .addColumn('id', id, primaryId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('scopes', json, (c) => c.notNull())
    .addColumn('connections', json)
    .addColumn('apps', json)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema
    .createTable('hw_agent_calls')
    .addColumn('id', id, primaryId)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('token_id', 'integer')
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('arguments', json)
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('result_bytes', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hw_agent_calls_at').on('hw_agent_calls').column('at').execute();
}
