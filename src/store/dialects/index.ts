import type { Dialect, SqlDialect } from '../dialect.js';
import { postgres } from './postgres.js';
import { sqlite } from './sqlite.js';

export type { SqlDialect } from '../dialect.js';

const DIALECTS: Record<Dialect, SqlDialect> = { sqlite, postgres };

/** The adapter of a store's database. */
export function dialectOf(store: { dialect: Dialect }): SqlDialect {
  return DIALECTS[store.dialect];
}
