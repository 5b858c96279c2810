/**
 * Heroku's OAuth scopes and what each lets a token read: `global` everything,
 * `read`/`write` all but protected data (config vars), the `-protected`
 * scopes protected data too, `identity` the account only. The one table the
 * sync, the connection test and the checks consult.
 */
export type ScopeNeed = 'read' | 'read-protected' | 'global';

const GRANTING: Record<ScopeNeed, readonly string[]> = {
  read: ['global', 'read', 'write', 'read-protected', 'write-protected'],
  'read-protected': ['global', 'read-protected', 'write-protected'],
  global: ['global'],
};

/** Whether a token with `scopes` may read what needs `need`. */
export function scopeAllows(scopes: readonly string[], need: ScopeNeed): boolean {
  return scopes.some((scope) => GRANTING[need].includes(scope));
}
