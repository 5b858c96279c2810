import { describe, expect, expectTypeOf, it } from 'vitest';
import { always, col, defineResource, type RowOf } from './resource.js';
import { RESOURCES } from './registry.js';

describe('resource declarations', () => {
  const declared = defineResource({
    name: 'widgets',
    description: 'Test widgets.',
    path: '/widgets',
    shape: 'list',
    requires: 'read',
    columns: [col.id(), ...col.app(), always(col.text('name', 'Name')), col.int('size', 'Size'), col.bool('on', 'On'), col.json('tags', 'Tags'), col.created()],
  });

  it('type their rows: declared types, null unless marked always', () => {
    type Row = RowOf<typeof declared>;
    expectTypeOf<Row['id']>().toEqualTypeOf<string>();
    expectTypeOf<Row['app_name']>().toEqualTypeOf<string>();
    expectTypeOf<Row['name']>().toEqualTypeOf<string>();
    expectTypeOf<Row['size']>().toEqualTypeOf<number | null>();
    expectTypeOf<Row['on']>().toEqualTypeOf<boolean | null>();
    expectTypeOf<Row['tags']>().toEqualTypeOf<unknown>();
    expectTypeOf<keyof Row>().toEqualTypeOf<'id' | 'app_id' | 'app_name' | 'name' | 'size' | 'on' | 'tags' | 'created_at'>();
    expect(declared.columns.filter((c) => c.always).map((c) => c.name)).toEqual(['id', 'app_id', 'app_name', 'name', 'created_at']);
  });

  it('name each column once per resource', () => {
    for (const resource of RESOURCES) {
      const names = resource.columns.map((c) => c.name);
      expect(names, resource.name).toEqual([...new Set(names)]);
    }
  });
});
