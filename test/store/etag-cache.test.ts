import { describe, expect, it } from 'vitest';
import { insertConnection } from '../../src/store/connections.js';
import { StoreEtagCache } from '../../src/store/etag-cache.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

/**
 * The cache of conditional answers keeps ETags and bodies in the database,
 * holding only a batch of new answers: a sync of a large account does not
 * keep every answer it has had, nor every ETag (a 10,000-app account has
 * some 80,000), for the whole run.
 */
describe.each(DIALECTS)('the ETag cache on %s', (dialect) => {
  it('holds at most a batch of answers, and gives each back, from memory or the database, in this run and the next', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const connection = await insertConnection(hw.store, 'acme', 'http://127.0.0.1:9', new Date());
    const cache = new StoreEtagCache(hw.store, connection.id);
    const answer = (i: number) => ({
      etag: `"e${i}"`,
      status: 200,
      body: [{ id: `app-${i}`, name: 'x'.repeat(200) }],
      nextRange: i % 2 ? `id ]app-${i}..` : null,
    });
    let most = 0;
    for (let i = 0; i < 2_000; i++) {
      await cache.set(`/apps/${i}/domains|`, answer(i));
      most = Math.max(most, cache.held);
    }
    expect(most).toBeLessThanOrEqual(500);
    // Written, the answers are read back from the database; the newest batch still from memory.
    expect(await cache.etag('/apps/7/domains|')).toBe('"e7"');
    expect(await cache.get('/apps/7/domains|')).toEqual(answer(7));
    expect(await cache.get('/apps/1999/domains|')).toEqual(answer(1999));
    expect(await cache.get('/apps/none|')).toBeUndefined();
    await cache.flush();
    expect(cache.held).toBe(0);
    // The next run finds every ETag, and reads a body only when asked.
    const next = new StoreEtagCache(hw.store, connection.id);
    expect(next.held).toBe(0);
    expect(await next.etag('/apps/1999/domains|')).toBe('"e1999"');
    expect(await next.get('/apps/1234/domains|')).toEqual(answer(1234));
  });

  it('writes large answers sooner: pages of a thousand apps are held a few megabytes at a time, not five hundred of them', async () => {
    const hw = await openTestHerowatch(dialect, 'http://127.0.0.1:9');
    const connection = await insertConnection(hw.store, 'acme', 'http://127.0.0.1:9', new Date());
    const cache = new StoreEtagCache(hw.store, connection.id);
    // A page of the apps list: 1,000 apps of about 600 characters each.
    const page = (i: number) => ({
      etag: `"p${i}"`,
      status: 206,
      body: Array.from({ length: 1000 }, (_, j) => ({ id: `app-${i}-${j}`, note: 'y'.repeat(560) })),
      nextRange: null,
    });
    let most = 0;
    for (let i = 0; i < 40; i++) {
      await cache.set(`/apps|id ..; max=1000|${i}`, page(i));
      most = Math.max(most, cache.heldChars);
    }
    expect(most).toBeLessThan(4_000_000 + 700_000);
    expect(cache.held).toBeLessThan(8);
    expect(await cache.get('/apps|id ..; max=1000|3')).toEqual(page(3));
  });
});
