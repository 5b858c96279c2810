import type { Selectable } from 'kysely';
import type { Store } from './database.js';
import type { SessionsTable, UsersTable } from './schema.js';

export type UserRow = Omit<Selectable<UsersTable>, 'id'> & { id: number };
export type SessionRow = Selectable<SessionsTable>;

const user = (raw: Selectable<UsersTable>): UserRow => ({ ...raw, id: Number(raw.id) });

export async function countUsers(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('hw_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(store: Store, row: Omit<UserRow, 'id' | 'last_login_at'>): Promise<number> {
  const inserted = await store.db
    .insertInto('hw_users')
    .values({ ...row, last_login_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function userByEmail(store: Store, email: string): Promise<UserRow | undefined> {
  const raw = await store.db.selectFrom('hw_users').selectAll().where('email', '=', email).executeTakeFirst();
  return raw ? user(raw) : undefined;
}

export async function userById(store: Store, id: number): Promise<UserRow | undefined> {
  const raw = await store.db.selectFrom('hw_users').selectAll().where('id', '=', id).executeTakeFirst();
  return raw ? user(raw) : undefined;
}

export async function listUsers(store: Store): Promise<UserRow[]> {
  return (await store.db.selectFrom('hw_users').selectAll().orderBy('id').execute()).map(user);
}

export async function updateUser(store: Store, id: number, change: Partial<Pick<UserRow, 'password_hash' | 'role' | 'last_login_at'>>): Promise<void> {
  await store.db.updateTable('hw_users').set(change).where('id', '=', id).execute();
}

export async function deleteUser(store: Store, id: number): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('hw_sessions').where('user_id', '=', id).execute();
    await tx.deleteFrom('hw_users').where('id', '=', id).execute();
  });
}

export async function insertSession(store: Store, row: Omit<SessionRow, 'revoked_at'>): Promise<void> {
  await store.db
    .insertInto('hw_sessions')
    .values({ ...row, revoked_at: null })
    .execute();
}

/** The session and its user, whatever their state (the caller judges expiry and revocation). */
export async function sessionBySecretHash(store: Store, secretHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const session = await store.db.selectFrom('hw_sessions').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
  if (!session) return undefined;
  const owner = await userById(store, Number(session.user_id));
  return owner ? { session: { ...session, user_id: Number(session.user_id) }, user: owner } : undefined;
}

export async function touchSession(store: Store, secretHash: string, at: string, expiresAt: string): Promise<void> {
  await store.db.updateTable('hw_sessions').set({ last_seen_at: at, expires_at: expiresAt }).where('secret_hash', '=', secretHash).execute();
}

export async function revokeSessions(store: Store, where: { id?: string; userId?: number; secretHash?: string }, at: string): Promise<number> {
  let query = store.db.updateTable('hw_sessions').set({ revoked_at: at }).where('revoked_at', 'is', null);
  if (where.id !== undefined) query = query.where('id', '=', where.id);
  if (where.userId !== undefined) query = query.where('user_id', '=', where.userId);
  if (where.secretHash !== undefined) query = query.where('secret_hash', '=', where.secretHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Sessions not revoked and not expired at `at`, newest first. */
export async function activeSessions(store: Store, at: string): Promise<(Omit<SessionRow, 'secret_hash'> & { email: string })[]> {
  const rows = await store.db
    .selectFrom('hw_sessions')
    .innerJoin('hw_users', 'hw_users.id', 'hw_sessions.user_id')
    .select([
      'hw_sessions.id',
      'hw_sessions.user_id',
      'hw_sessions.created_at',
      'hw_sessions.last_seen_at',
      'hw_sessions.expires_at',
      'hw_sessions.revoked_at',
      'hw_sessions.user_agent',
      'hw_users.email',
    ])
    .where('hw_sessions.revoked_at', 'is', null)
    .where('hw_sessions.expires_at', '>', at)
    .orderBy('hw_sessions.created_at', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, user_id: Number(r.user_id) }));
}

export async function insertSetupLink(
  store: Store,
  row: { secret_hash: string; user_id: number | null; created_at: string; expires_at: string },
): Promise<void> {
  await store.db
    .insertInto('hw_setup_links')
    .values({ ...row, used_at: null })
    .execute();
}

/**
 * Marks the link used if it is unused and unexpired at `at`, and of the kind
 * asked (a setup link, or a sign-in link of some user); returns whether this
 * call used it (so two racing uses succeed once) and for whom.
 */
export async function useSetupLink(store: Store, secretHash: string, at: string, kind: 'setup' | 'sign-in'): Promise<{ used: boolean; userId: number | null }> {
  const row = await store.db.selectFrom('hw_setup_links').select('user_id').where('secret_hash', '=', secretHash).executeTakeFirst();
  if (!row || (kind === 'setup') !== (row.user_id === null)) return { used: false, userId: null };
  const result = await store.db
    .updateTable('hw_setup_links')
    .set({ used_at: at })
    .where('secret_hash', '=', secretHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return { used: Number(result.numUpdatedRows) > 0, userId: row.user_id === null ? null : Number(row.user_id) };
}

export async function setupLinkUsable(store: Store, secretHash: string, at: string): Promise<boolean> {
  const row = await store.db
    .selectFrom('hw_setup_links')
    .select('secret_hash')
    .where('secret_hash', '=', secretHash)
    .where('user_id', 'is', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return row !== undefined;
}
