import type { Dialect, SqlDialect } from '../dialect.js';
import { postgres } from './postgres.js';
import { sqlite } from './sqlite.js';

const DIALECTS: Record<Dialect, SqlDialect> = { sqlite, postgres };

/** The adapter of a database, by name. */
export function sqlDialect(name: Dialect): SqlDialect {
  return DIALECTS[name];
}

/** The adapter of a store's database. */
export function dialectOf(store: { dialect: Dialect }): SqlDialect {
  return sqlDialect(store.dialect);
}
