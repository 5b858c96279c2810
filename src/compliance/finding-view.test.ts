import { describe, expect, it } from 'vitest';
import { dataAsOf } from './finding-view.js';

describe('dataAsOf', () => {
  const ages = {
    apps: new Map([
      [
        'shop',
        new Map([
          ['domains', '2026-11-20T10:00:00.000Z'],
          ['log_drains', '2026-11-14T10:00:00.000Z'],
        ]),
      ],
    ]),
    oldest: new Map([
      ['apps', '2026-11-20T11:00:00.000Z'],
      ['domains', '2026-11-15T09:00:00.000Z'],
      ['log_drains', '2026-11-14T10:00:00.000Z'],
      ['team_members', '2026-11-19T08:00:00.000Z'],
    ]),
  };

  it("judges an app's result by that app's own lists of the resources its check reads", () => {
    // Another app's domains list is older, and this app's drains list too; neither is behind a domains result about shop.
    expect(dataAsOf(ages, ['apps', 'domains'], 'app/shop/domain/www.shop.example')).toBe('2026-11-20T10:00:00.000Z');
    expect(dataAsOf(ages, ['apps', 'domains', 'log_drains'], 'app/shop')).toBe('2026-11-14T10:00:00.000Z');
  });

  it('judges account-wide results, and apps without a list of their own, by the oldest list of each resource', () => {
    expect(dataAsOf(ages, ['team_members'], 'team/web/member/ops@acme.example')).toBe('2026-11-19T08:00:00.000Z');
    expect(dataAsOf(ages, ['apps', 'domains'], 'app/other')).toBe('2026-11-15T09:00:00.000Z');
    expect(dataAsOf(ages, ['addons'], 'app/shop')).toBeNull();
    expect(dataAsOf(ages, [], 'connection/acme')).toBeNull();
  });
});
