import { HerokuClient, type HerokuClientOptions } from '../heroku/client.js';
import { syncInventory, type SyncOptions, type SyncResult } from '../inventory/sync.js';
import { StoreEtagCache } from '../store/etag-cache.js';
import { ensureConnection } from './connections.js';
import type { Herowatch } from './herowatch.js';

export interface SyncRequest {
  /** Connection name; created on first sync. */
  connection: string;
  token: string;
  apiUrl: string;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl' | 'etagCache'>;
  sync?: Pick<SyncOptions, 'auditBackfillDays' | 'now' | 'onProgress' | 'signal' | 'taskConcurrency' | 'resources' | 'logger'>;
}

/** Syncs one connection's inventory with conditional requests remembered between runs. */
export async function syncConnection(hw: Herowatch, request: SyncRequest): Promise<SyncResult> {
  const connection = await ensureConnection(hw.store, request.connection, request.apiUrl);
  const etagCache = await StoreEtagCache.load(hw.store, connection.id);
  const log = request.sync?.logger;
  const client = new HerokuClient({
    ...request.client,
    token: request.token,
    apiUrl: request.apiUrl,
    etagCache,
    retry: {
      ...request.client?.retry,
      onRetry: (error, attempt, delayMs) => {
        log?.debug({ attempt, delayMs, error: (error as Error).message }, 'retrying');
        request.client?.retry?.onRetry?.(error, attempt, delayMs);
      },
    },
  });
  try {
    return await syncInventory({ ...request.sync, store: hw.store, connectionId: connection.id, client });
  } finally {
    await etagCache.flush();
  }
}
