import { readFileSync } from 'node:fs';

/** herowatch's version, from package.json (this module sits at the same depth in src/ and dist/). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
