import type { Selectable, Updateable } from 'kysely';
import type { Store } from './database.js';
import type { ConnectionsTable, MonitoredAppsTable } from './schema.js';

/** A connection as the rest of herowatch sees it. */
export type ConnectionRecord = Omit<Selectable<ConnectionsTable>, 'created_at' | 'updated_at'>;

const COLUMNS = [
  'id',
  'name',
  'api_url',
  'account_id',
  'account_email',
  'last_complete_run',
  'state',
  'enterprise',
  'last_status',
  'last_tested_at',
  'disabled_at',
] as const;

export async function findConnection(store: Store, name: string): Promise<ConnectionRecord | undefined> {
  return store.db.selectFrom('hw_connections').select(COLUMNS).where('name', '=', name).executeTakeFirst();
}

export async function connectionById(store: Store, id: number): Promise<ConnectionRecord> {
  return store.db.selectFrom('hw_connections').select(COLUMNS).where('id', '=', id).executeTakeFirstOrThrow();
}

export async function findConnectionById(store: Store, id: number): Promise<ConnectionRecord | undefined> {
  return store.db.selectFrom('hw_connections').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function listConnections(store: Store): Promise<ConnectionRecord[]> {
  return store.db.selectFrom('hw_connections').select(COLUMNS).orderBy('name').execute();
}

export async function insertConnection(store: Store, name: string, apiUrl: string, now: Date): Promise<ConnectionRecord> {
  const at = now.toISOString();
  await store.db
    .insertInto('hw_connections')
    .values({
      name,
      api_url: apiUrl,
      created_at: at,
      updated_at: at,
      account_id: null,
      account_email: null,
      last_complete_run: null,
      enterprise: null,
      last_status: null,
      last_tested_at: null,
      disabled_at: null,
    })
    .execute();
  return (await findConnection(store, name))!;
}

export async function updateConnection(store: Store, id: number, set: Omit<Updateable<ConnectionsTable>, 'id'>): Promise<void> {
  await store.db.updateTable('hw_connections').set(set).where('id', '=', id).execute();
}

/** Deletes a connection and, through the foreign keys, everything collected through it. */
export async function deleteConnection(store: Store, id: number): Promise<void> {
  await store.db.deleteFrom('hw_connections').where('id', '=', id).execute();
}

/**
 * Makes a connection active with the given test result, and re-activates the
 * monitored apps a disconnect at `reactivateAppsOf` deactivated; in one
 * transaction. Returns how many apps came back.
 */
export async function activateConnection(
  store: Store,
  id: number,
  set: Pick<Updateable<ConnectionsTable>, 'enterprise' | 'account_id' | 'account_email' | 'last_status' | 'last_tested_at'>,
  now: Date,
  reactivateAppsOf: string | null,
): Promise<number> {
  return store.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('hw_connections')
      .set({ ...set, state: 'active', disabled_at: null, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    if (reactivateAppsOf === null) return 0;
    const result = await tx
      .updateTable('hw_monitored_apps')
      .set({ active: 1, deactivated_at: null })
      .where('connection_id', '=', id)
      .where('deactivated_at', '=', reactivateAppsOf)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

/** Disables a connection: its credential deleted and its monitored apps deactivated, in one transaction; history stays. */
export async function disableConnection(
  store: Store,
  id: number,
  lastStatus: string,
  now: Date,
): Promise<{ credentialDeleted: boolean; appsDeactivated: number }> {
  const at = now.toISOString();
  return store.db.transaction().execute(async (tx) => {
    const deleted = await tx.deleteFrom('hw_credentials').where('connection_id', '=', id).executeTakeFirst();
    const apps = await tx
      .updateTable('hw_monitored_apps')
      .set({ active: 0, deactivated_at: at })
      .where('connection_id', '=', id)
      .where('active', '=', 1)
      .executeTakeFirst();
    await tx
      .updateTable('hw_connections')
      .set({ state: 'disabled', disabled_at: at, last_status: lastStatus, last_tested_at: at, updated_at: at })
      .where('id', '=', id)
      .execute();
    return { credentialDeleted: Number(deleted.numDeletedRows) > 0, appsDeactivated: Number(apps.numUpdatedRows) };
  });
}

export type MonitoredAppRow = Omit<Selectable<MonitoredAppsTable>, 'connection_id'>;

export async function listMonitoredApps(store: Store, connectionId: number): Promise<MonitoredAppRow[]> {
  return store.db
    .selectFrom('hw_monitored_apps')
    .select(['app_id', 'app_name', 'active', 'added_at', 'deactivated_at'])
    .where('connection_id', '=', connectionId)
    .orderBy('app_name')
    .execute();
}

export async function upsertMonitoredApps(store: Store, connectionId: number, apps: { id: string; name: string }[], now: Date): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    for (const app of apps) {
      await tx
        .insertInto('hw_monitored_apps')
        .values({ connection_id: connectionId, app_id: app.id, app_name: app.name, active: 1, added_at: now.toISOString(), deactivated_at: null })
        .onConflict((oc) => oc.columns(['connection_id', 'app_id']).doUpdateSet({ active: 1, deactivated_at: null, app_name: app.name }))
        .execute();
    }
  });
}

export async function deleteMonitoredApp(store: Store, connectionId: number, appId: string): Promise<void> {
  await store.db.deleteFrom('hw_monitored_apps').where('connection_id', '=', connectionId).where('app_id', '=', appId).execute();
}
