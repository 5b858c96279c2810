import { describe, expect, it } from 'vitest';
import { percentile, STALENESS_SHARES, summarizeStaleness } from '../../src/inventory/staleness.js';
import { insertConnection } from '../../src/store/connections.js';
import { startRun } from '../../src/store/runs.js';
import { verifiedSpread } from '../../src/store/verified.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

/**
 * `herowatch freshness` summarizes how old every list is from aggregates
 * and single ranks the database answers, not from every list's time held
 * at once: the same figures, computed here the plain way over the rows.
 */
describe.each(DIALECTS)('the freshness of lists on %s', (dialect) => {
  it('gives the median, 95th percentile, oldest and overdue count of each resource as the rows say', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const connection = await insertConnection(hw.store, 'acme', 'http://127.0.0.1:9', new Date());
    const now = Date.parse('2026-12-01T00:00:00Z');
    const runId = await startRun(hw.store, connection.id, new Date(now), 'inventory', 60_000);
    const maxMs = 7 * 24 * 3_600_000;
    let seed = 11;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const rows = ['domains', 'releases', 'rate_limits'].flatMap((resource, r) =>
      Array.from({ length: r === 2 ? 1 : 157 * (r + 1) }, (_, i) => ({
        connection_id: connection.id,
        resource,
        parent_key: r === 2 ? '' : `app-${i}`,
        // Whole hours, so that equal ages occur.
        verified_at: new Date(now - Math.floor(random() * 300) * 3_600_000).toISOString(),
        run_id: runId,
      })),
    );
    for (let i = 0; i < rows.length; i += 100)
      await hw.store.db
        .insertInto('hw_verified')
        .values(rows.slice(i, i + 100))
        .execute();

    const summary = summarizeStaleness(await verifiedSpread(hw.store, connection.id, STALENESS_SHARES, new Date(now - maxMs).toISOString()), now);
    const expected = ['domains', 'rate_limits', 'releases'].map((resource) => {
      const ages = rows
        .filter((row) => row.resource === resource)
        .map((row) => now - Date.parse(row.verified_at))
        .sort((a, b) => a - b);
      return {
        resource,
        lists: ages.length,
        p50Ms: percentile(ages, 0.5),
        p95Ms: percentile(ages, 0.95),
        maxMs: ages.at(-1)!,
        overMax: ages.filter((age) => age > maxMs).length,
      };
    });
    expect(summary).toEqual(expected);
    expect(expected[0]!.overMax).toBeGreaterThan(0);
    await hw.close();
  });
});
