/** The two databases herowatch runs on; the few places their SQL differs take this. */
export type Dialect = 'sqlite' | 'postgres';
