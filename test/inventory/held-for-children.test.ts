import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../src/datasets/registry.js';
import type { ParentRecord, ResourceDefinition } from '../../src/datasets/resource.js';
import { HerokuClient } from '../../src/heroku/client.js';
import { toRecords } from '../../src/inventory/to-records.js';
import { DEMO_TOKEN } from '../support/dashboard.js';
import { startEmulatorForTest } from '../support/emulator.js';

const byName = (name: string): ResourceDefinition => RESOURCES.find((r) => r.name === name)!;

/** What a run holds of a parent record: the fields it declares, or all of it. */
function held(resource: ResourceDefinition, record: ParentRecord): ParentRecord {
  if (!resource.heldForChildren) return record;
  return { key: record.key, item: Object.fromEntries(resource.heldForChildren.filter((f) => f in record.item).map((f) => [f, record.item[f]])) };
}

/**
 * A sync holds of the apps, teams and releases it reads only the fields
 * their children need (a 10,000-app account's records would otherwise stay
 * in memory for the whole run). What a child resource makes of its parent
 * (the path it reads, the key and the enrichment of what it stores) must be
 * the same from the fields held as from the whole record: a child that comes
 * to read a field not declared fails here.
 */
describe('what a sync holds of a parent record while it runs', () => {
  it('is enough for every child resource: the same paths, keys and stored records as from the whole record', async () => {
    const emulator = await startEmulatorForTest();
    const client = new HerokuClient({ token: DEMO_TOKEN, apiUrl: emulator.url });
    const parents = new Map<string, ParentRecord[]>();
    const read = async (resource: ResourceDefinition, path: string, parent?: ParentRecord): Promise<ParentRecord[]> => {
      const raw = await client.all<unknown>(path, resource.range);
      const records = toRecords(resource, resource.select ? resource.select(raw as Record<string, unknown>[]) : raw, parent);
      return records.map((r) => ({ key: r.key, item: r.data }));
    };
    parents.set('apps', await read(byName('apps'), '/apps'));
    parents.set('teams', await read(byName('teams'), '/teams'));
    const releases = byName('releases');
    const apps = parents.get('apps')!;
    parents.set('releases', (await Promise.all(apps.map((app) => read(releases, (releases.path as (p: ParentRecord) => string)(app), app)))).flat());
    // The demo world has enough of each for the comparison to mean something.
    expect(apps.length).toBeGreaterThan(5);
    expect(apps.some((a) => a.item.team)).toBe(true);
    expect(parents.get('releases')!.some((r) => r.item.current === true && r.item.slug)).toBe(true);

    let compared = 0;
    for (const child of RESOURCES.filter((r) => r.parent && parents.has(r.parent))) {
      const parentResource = byName(child.parent!);
      expect(parentResource.heldForChildren, `${parentResource.name} declares what it holds`).toBeDefined();
      for (const whole of parents.get(child.parent!)!) {
        const kept = held(parentResource, whole);
        const path = (p: ParentRecord) => (typeof child.path === 'string' ? child.path : child.path(p));
        expect(path(kept), `${child.name} path under ${whole.key}`).toBe(path(whole));
        // A sample item of the child's own: the enrichment and key it gets from its parent must not change.
        const sample = { id: 'x', name: 'x', hostname: 'x', email: 'x', user: { email: 'x' } };
        expect(toRecords(child, [sample], kept), `${child.name} records under ${whole.key}`).toEqual(toRecords(child, [sample], whole));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('holds only what is declared: far less than the record', async () => {
    const emulator = await startEmulatorForTest();
    const client = new HerokuClient({ token: DEMO_TOKEN, apiUrl: emulator.url });
    const apps = toRecords(byName('apps'), await client.all('/apps')).map((r) => ({ key: r.key, item: r.data }));
    const whole = JSON.stringify(apps).length;
    const kept = JSON.stringify(apps.map((a) => held(byName('apps'), a))).length;
    expect(kept).toBeLessThan(whole / 3);
  });
});
