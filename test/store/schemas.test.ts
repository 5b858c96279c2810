import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

describe.runIf(DIALECTS.includes('postgres'))('PostgreSQL installations side by side', () => {
  it('each migrates its own schema, whatever other schemas of the database hold', async () => {
    const first = await openTestHerowatch('postgres', 'http://127.0.0.1:1');
    const second = await openTestHerowatch('postgres', 'http://127.0.0.1:1');
    for (const hw of [first, second]) {
      const { rows } = await sql<{
        n: string;
      }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('kysely_migration', 'hw_connections', 'hw_credentials')`.execute(
        hw.store.db,
      );
      expect(Number(rows[0]!.n)).toBe(3);
    }
  });
});
