import { enabledChecks } from '../compliance/evaluate.js';
import type { HerowatchConfig } from '../config.js';
import { ensureViews } from '../store/dataset-views.js';
import { openStore, readOnlyRefusal, type Store } from '../store/database.js';

/** An open herowatch installation: its configuration and its database. */
export interface Herowatch {
  config: HerowatchConfig;
  /** The service's own: a door reaches the database only through service functions. */
  store: Store;
  /** Where the database is (a path, or a URL without its password), and whether this run created it: for a door to say. */
  database: { description: string; created: boolean };
  close(): Promise<void>;
}

export async function openHerowatch(config: HerowatchConfig): Promise<Herowatch> {
  // Settings naming a check that does not exist are refused before any work, by every command.
  enabledChecks(config.settings.compliance);
  const store = await openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, queueSchema: config.queueSchema });
  await ensureViews(store);
  return { config, store, database: { description: store.description, created: store.created }, close: () => store.close() };
}

/**
 * An error from work on `hw` as the user should see it: a write refused by
 * a read-only home says so and what to do; anything else is returned as is.
 */
export function explainError(hw: Herowatch, error: unknown): unknown {
  return readOnlyRefusal(hw.store, error) ?? error;
}
