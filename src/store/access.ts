import type { Selectable } from 'kysely';
import { parseJson, type Store } from './database.js';
import type { AgentCallsTable } from './schema.js';

export interface AccessTokenRow {
  id: number;
  name: string;
  secret_hash: string;
  scopes: string[];
  connections: string[] | null;
  apps: string[] | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

function row(raw: Record<string, unknown>): AccessTokenRow {
  return {
    ...(raw as unknown as AccessTokenRow),
    id: Number(raw.id),
    scopes: parseJson<string[]>(raw.scopes),
    connections: raw.connections === null ? null : parseJson<string[]>(raw.connections),
    apps: raw.apps === null ? null : parseJson<string[]>(raw.apps),
  };
}

export async function insertAccessToken(store: Store, token: Omit<AccessTokenRow, 'id' | 'revoked_at' | 'last_used_at'>): Promise<number> {
  const inserted = await store.db
    .insertInto('hw_access_tokens')
    .values({
      ...token,
      scopes: JSON.stringify(token.scopes),
      connections: json(token.connections),
      apps: json(token.apps),
      revoked_at: null,
      last_used_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function accessTokenById(store: Store, id: number): Promise<AccessTokenRow | undefined> {
  const raw = await store.db.selectFrom('hw_access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return raw ? row(raw) : undefined;
}

export async function listAccessTokens(store: Store): Promise<AccessTokenRow[]> {
  return (await store.db.selectFrom('hw_access_tokens').selectAll().orderBy('id').execute()).map(row);
}

export async function revokeAccessToken(store: Store, id: number, at: string): Promise<boolean> {
  const result = await store.db.updateTable('hw_access_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function touchAccessToken(store: Store, id: number, at: string): Promise<void> {
  await store.db.updateTable('hw_access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export type AgentCallRow = Omit<Selectable<AgentCallsTable>, 'id'> & { id: number };

export async function insertAgentCall(store: Store, call: Omit<AgentCallRow, 'id'>): Promise<void> {
  await store.db
    .insertInto('hw_agent_calls')
    .values({ ...call, arguments: json(call.arguments ?? null) })
    .execute();
}

/** The latest calls, newest first; `since` (ISO time) and `tokenId` narrow them. */
export async function listAgentCalls(store: Store, filter: { since?: string; tokenId?: number; limit: number }): Promise<AgentCallRow[]> {
  let query = store.db.selectFrom('hw_agent_calls').selectAll();
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  if (filter.tokenId !== undefined) query = query.where('token_id', '=', filter.tokenId);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({ ...(r as unknown as AgentCallRow), id: Number(r.id), arguments: r.arguments === null ? null : parseJson(r.arguments) }));
}
