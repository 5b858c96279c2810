import { InputError } from '../errors.js';
import type { Store } from '../store/database.js';

export interface ConnectionRecord {
  id: number;
  name: string;
  api_url: string;
  account_id: string | null;
  account_email: string | null;
  last_complete_run: number | null;
}

/** Connection names: what people type after --connection. */
export function checkConnectionName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(name)) {
    throw new InputError(`"${name}" is not a valid connection name: use letters, digits, - and _ (up to 63), starting with a letter or digit.`);
  }
  return name;
}

export async function findConnection(store: Store, name: string): Promise<ConnectionRecord | undefined> {
  return store.db
    .selectFrom('hw_connections')
    .select(['id', 'name', 'api_url', 'account_id', 'account_email', 'last_complete_run'])
    .where('name', '=', name)
    .executeTakeFirst();
}

/** The named connection, created on first use with the given API URL. */
export async function ensureConnection(store: Store, name: string, apiUrl: string): Promise<ConnectionRecord> {
  checkConnectionName(name);
  const existing = await findConnection(store, name);
  if (existing) {
    if (existing.api_url !== apiUrl) {
      await store.db.updateTable('hw_connections').set({ api_url: apiUrl, updated_at: new Date().toISOString() }).where('id', '=', existing.id).execute();
    }
    return { ...existing, api_url: apiUrl };
  }
  const now = new Date().toISOString();
  await store.db.insertInto('hw_connections').values({ name, api_url: apiUrl, created_at: now, updated_at: now, account_id: null, account_email: null, last_complete_run: null }).execute();
  return (await findConnection(store, name))!;
}

export async function listConnections(store: Store): Promise<ConnectionRecord[]> {
  return store.db.selectFrom('hw_connections').select(['id', 'name', 'api_url', 'account_id', 'account_email', 'last_complete_run']).orderBy('name').execute();
}
