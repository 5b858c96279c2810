import { describe, expect, it } from 'vitest';
import {
  evaluateConnection,
  FINDING_STATUSES,
  findingsAsOf,
  findingsPage,
  listFindings,
  suppressFinding,
  unsuppressFinding,
} from '../../src/service/compliance.js';
import { syncConnection } from '../../src/service/sync.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { edgeScenario, T } from '../support/scenarios.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-20T12:00:00Z');
const at = (days: number): Date => new Date(NOW.getTime() + days * DAY);

const TWO_FA = 'team/edge-core/member@edge.example';
const ENT_2FA = 'enterprise/edge/member@edge.example';
const OUTSIDER = 'app/edge-api/collab@other.example';

describe.each(DIALECTS)('findings across runs on %s', (dialect) => {
  it('open, resolve when fixed, reopen when broken again, stay suppressed until the suppression lapses, resolve when the resource is gone', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    let now = at(0);
    // Full syncs: the world changes below leave no signal for an incremental one (incremental.test.ts covers those).
    const sync = (days: number) =>
      syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, full: true, now: at(days), sync: { now: () => at(days) } });
    const finding = async (key: string) =>
      (await listFindings(hw, { connection: 'edge', status: ['open', 'suppressed', 'resolved', 'pass', 'unknown'], now })).find((f) => f.resource_key === key);
    const changesOf = (result: Awaited<ReturnType<typeof sync>>) => result.compliance!.changes.map((c) => `${c.event} ${c.resourceKey}`).sort();

    const first = await sync(0);
    expect(changesOf(first)).toEqual(expect.arrayContaining([`opened ${TWO_FA}`, `opened ${OUTSIDER}`]));
    now = at(0);
    expect(await finding(TWO_FA)).toMatchObject({
      status: 'open',
      result: 'FAIL',
      first_seen_at: at(0).toISOString(),
      last_seen_at: at(0).toISOString(),
      resolved_at: null,
    });

    // Suppress the outsider for 5 days.
    const outsider = (await finding(OUTSIDER))!;
    await expect(suppressFinding(hw, outsider.id, { reason: '', by: 'ciso', expiresAt: at(5), now: at(0) })).rejects.toThrow(/needs a reason/);
    await suppressFinding(hw, outsider.id, { reason: 'contractor until the migration ends', by: 'ciso@edge.example', expiresAt: at(5), now: at(0) });

    // Fix the 2FA in the world: the next sync resolves it; nothing is said of the suppressed one.
    const fixed = edgeScenario();
    fixed.accounts!.find((a) => a.email === 'member@edge.example')!.two_factor_authentication = true;
    await emulator.setScenario(fixed);
    const second = await sync(1);
    expect(changesOf(second)).toEqual([`resolved ${ENT_2FA}`, `resolved ${TWO_FA}`]);
    now = at(1);
    expect(await finding(TWO_FA)).toMatchObject({
      status: 'resolved',
      result: 'PASS',
      first_seen_at: at(0).toISOString(),
      last_seen_at: at(0).toISOString(),
      resolved_at: at(1).toISOString(),
    });
    expect(await finding(OUTSIDER)).toMatchObject({
      status: 'suppressed',
      last_seen_at: at(1).toISOString(),
      suppression: { by: 'ciso@edge.example', reason: 'contractor until the migration ends' },
    });
    expect((await listFindings(hw, { connection: 'edge', status: ['open'], now: at(1) })).map((f) => f.resource_key)).not.toContain(OUTSIDER);

    // Break it again, and let the suppression lapse: both come back, and say so.
    await emulator.setScenario(edgeScenario());
    const third = await sync(6);
    expect(changesOf(third)).toEqual([`reopened ${OUTSIDER}`, `reopened ${ENT_2FA}`, `reopened ${TWO_FA}`]);
    now = at(6);
    expect(await finding(TWO_FA)).toMatchObject({ status: 'open', first_seen_at: at(0).toISOString(), last_seen_at: at(6).toISOString(), resolved_at: null });
    expect(await finding(OUTSIDER)).toMatchObject({ status: 'open', suppression: null });
    // A lapse is told once.
    expect(changesOf(await sync(7)).filter((c) => c.includes(OUTSIDER))).toEqual([]);

    // Suppress again, then end it by hand.
    await suppressFinding(hw, outsider.id, { reason: 'accepted by the CISO', by: 'ciso', expiresAt: at(30), now: at(7) });
    now = at(7);
    expect((await finding(OUTSIDER))!.status).toBe('suppressed');
    await unsuppressFinding(hw, outsider.id, 'ciso', at(7));
    expect((await finding(OUTSIDER))!.status).toBe('open');

    // The app goes away: its open findings are resolved, saying why.
    const gone = edgeScenario();
    const api = gone.apps!.find((a) => a.name === 'edge-api')!;
    api.collaborators = api.collaborators!.filter((c) => c.email !== 'collab@other.example');
    gone.apps = gone.apps!.filter((a) => a.name !== 'plain-app');
    await emulator.setScenario(gone);
    const fourth = await sync(8);
    expect(changesOf(fourth)).toContain(`resolved ${OUTSIDER}`);
    now = at(8);
    expect((await finding(OUTSIDER))!.message).toMatch(/^Resolved: collab@other.example on edge-api is no longer in the inventory/);

    // A resource that never failed leaves the current list, and stays in views of the days it was there.
    const plain = (list: { resource_key: string; status: string }[]) => list.filter((f) => f.resource_key === 'app/plain-app').map((f) => f.status);
    expect(plain(await listFindings(hw, { connection: 'edge', status: FINDING_STATUSES, now: at(8) }))).toEqual([]);
    expect(plain(await findingsAsOf(hw, at(7), 'edge'))).toContain('pass');
    expect(plain(await findingsAsOf(hw, at(8), 'edge'))).toEqual([]);

    // Evaluating again with nothing changed changes nothing.
    expect((await evaluateConnection(hw, 'edge', { now: at(8) })).changes).toEqual([]);

    // Back in the inventory, back in the list.
    await emulator.setScenario(edgeScenario());
    await sync(9);
    expect(plain(await listFindings(hw, { connection: 'edge', status: FINDING_STATUSES, now: at(9) }))).toContain('pass');
  }, 180_000);

  it('suppress failures only, at most a year ahead, and end a suppression when its failure is fixed, so the next failure is told', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    // Full syncs: the world changes below leave no signal for an incremental one (incremental.test.ts covers those).
    const sync = (days: number) =>
      syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, full: true, now: at(days), sync: { now: () => at(days) } });
    const finding = async (key: string, day: number) =>
      (await listFindings(hw, { connection: 'edge', status: FINDING_STATUSES, now: at(day) })).find((f) => f.resource_key === key)!;
    const changesOf = (result: Awaited<ReturnType<typeof sync>>) => result.compliance!.changes.map((c) => `${c.event} ${c.resourceKey}`).sort();
    await sync(0);

    const passing = (await listFindings(hw, { connection: 'edge', status: ['pass'], now: at(0) }))[0]!;
    await expect(suppressFinding(hw, passing.id, { reason: 'not needed', by: 'ciso', expiresAt: at(30), now: at(0) })).rejects.toThrow(
      /is passing: only a failing finding can be suppressed/,
    );
    const twoFa = await finding(TWO_FA, 0);
    await expect(suppressFinding(hw, twoFa.id, { reason: 'accepted by the CISO', by: 'ciso', expiresAt: at(366), now: at(0) })).rejects.toThrow(
      /at most a year \(until 2027-11-20\)/,
    );
    await suppressFinding(hw, twoFa.id, { reason: 'accepted by the CISO', by: 'ciso', expiresAt: at(365), now: at(0) });
    expect((await finding(TWO_FA, 0)).status).toBe('suppressed');

    // Fixed: the finding resolves and its suppression ends with it.
    const fixed = edgeScenario();
    fixed.accounts!.find((a) => a.email === 'member@edge.example')!.two_factor_authentication = true;
    await emulator.setScenario(fixed);
    await sync(1);
    expect(await finding(TWO_FA, 1)).toMatchObject({ status: 'resolved', suppression: null });
    await expect(suppressFinding(hw, twoFa.id, { reason: 'accepted by the CISO', by: 'ciso', expiresAt: at(30), now: at(1) })).rejects.toThrow(
      /is resolved: only a failing finding/,
    );

    // Broken again: a new failure, reported like any other.
    await emulator.setScenario(edgeScenario());
    expect(changesOf(await sync(2))).toContain(`reopened ${TWO_FA}`);
    expect(await finding(TWO_FA, 2)).toMatchObject({ status: 'open', suppression: null });
  }, 120_000);

  it('say why a finding resolves when the settings change: a check disabled, a setting removed', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const compliance = hw.config.settings.compliance;
    compliance.allowed_regions = ['eu'];
    await syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, now: at(0), sync: { now: () => at(0) } });
    const open = async (check: string, day: number) =>
      (await listFindings(hw, { connection: 'edge', check, status: FINDING_STATUSES, now: at(day) })).filter((f) => f.status === 'open');
    const inUs = await open('app_region_allowed', 0);
    expect(inUs.length).toBeGreaterThan(0);
    expect((await open('team_member_2fa_enabled', 0)).map((f) => f.resource_key)).toContain(TWO_FA);

    compliance.allowed_regions = undefined;
    compliance.disabled_checks = ['team_member_2fa_enabled'];
    const result = await evaluateConnection(hw, 'edge', { now: at(1) });
    const resolved = new Map(result.changes.filter((c) => c.event === 'resolved').map((c) => [`${c.checkId} ${c.resourceKey}`, c.message]));
    for (const f of inUs)
      expect(resolved.get(`app_region_allowed ${f.resource_key}`)).toMatch(
        /^Resolved: compliance\.allowed_regions is not set, so no region is checked\. It was: /,
      );
    expect(resolved.get(`team_member_2fa_enabled ${TWO_FA}`)).toMatch(
      /^Resolved: the check is disabled in the settings \(compliance\.disabled_checks\)\. It was: /,
    );
    expect([...resolved.values()].filter((m) => m.includes('no longer in the inventory'))).toEqual([]);
    expect(await open('app_region_allowed', 1)).toEqual([]);

    // Enabled again: the failure is back, and told.
    compliance.disabled_checks = [];
    expect((await evaluateConnection(hw, 'edge', { now: at(2) })).changes.map((c) => `${c.event} ${c.resourceKey}`)).toContain(`reopened ${TWO_FA}`);
  }, 120_000);

  it('a finding that can no longer be evaluated stays open', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    await syncConnection(hw, { connection: 'edge', token: T.admin, apiUrl: emulator.url, now: NOW, sync: { now: () => NOW } });
    const before = (await listFindings(hw, { connection: 'edge', check: 'app_sensitive_config_external_access', status: ['open'], now: NOW })).map(
      (f) => f.resource_key,
    );
    expect(before).toEqual(['app/edge-api', 'app/outsider-app']);
    // A read-only token cannot see config vars: the check cannot tell, and the finding stays open.
    const result = await syncConnection(hw, { connection: 'edge', token: T.adminRead, apiUrl: emulator.url, now: at(1), sync: { now: () => at(1) } });
    expect(result.compliance!.changes.filter((c) => c.checkId === 'app_sensitive_config_external_access')).toEqual([]);
    const after = (await listFindings(hw, { connection: 'edge', check: 'app_sensitive_config_external_access', status: ['open'], now: at(1) })).find(
      (f) => f.resource_key === 'app/edge-api',
    );
    expect(after).toMatchObject({ resource_key: 'app/edge-api', result: 'UNKNOWN', status: 'open' });
    expect(after!.message).toMatch(/^Cannot be evaluated: .* Last seen failing on 2026-11-20: edge-api holds credentials/);
  }, 120_000);
});

describe.each(DIALECTS)('two connections that see the same app on %s', (dialect) => {
  it('keep their suppressions apart, now and as of a past date', async () => {
    const emulator = await startEmulatorForTest({ scenario: edgeScenario() });
    const hw = await openTestHerowatch(dialect, emulator.url);
    for (const [connection, token] of [
      ['one', T.admin],
      ['two', T.adminProtected],
    ] as const) {
      const result = await syncConnection(hw, { connection, token, apiUrl: emulator.url, now: at(0), sync: { now: () => at(0) } });
      expect(result.status).toBe('complete');
    }
    const find = async (connection: string, when: Date) =>
      (await listFindings(hw, { connection, status: FINDING_STATUSES, now: when })).find((f) => f.resource_key === OUTSIDER)!;
    const inOne = await find('one', at(0));
    expect((await find('two', at(0))).status).toBe('open');

    await suppressFinding(hw, inOne.id, { reason: 'accepted for one', by: 'ciso', expiresAt: at(30), now: at(1) });
    expect((await find('one', at(2))).status).toBe('suppressed');
    expect((await find('two', at(2))).status).toBe('open');

    // What evidence bundles show: each connection with its own suppressions only.
    const asOf = await findingsAsOf(hw, at(2));
    const outsider = asOf
      .filter((f) => f.resource_key === OUTSIDER)
      .map((f) => [f.connection, f.status])
      .sort();
    expect(outsider).toEqual([
      ['one', 'suppressed'],
      ['two', 'open'],
    ]);
    expect((await findingsAsOf(hw, at(2), 'two')).find((f) => f.resource_key === OUTSIDER)!.status).toBe('open');

    // Pages: the same findings in the same order as the whole list, with the total and a cursor to go on.
    const filter = { status: FINDING_STATUSES, now: at(2) };
    const all = await listFindings(hw, filter);
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await findingsPage(hw, filter, { limit: 7, cursor });
      expect(page.total).toBe(all.length);
      expect(page.findings.length).toBeLessThanOrEqual(7);
      pages.push(...page.findings.map((f) => `${f.connection} ${f.check_id} ${f.resource_key} ${f.status}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(all.map((f) => `${f.connection} ${f.check_id} ${f.resource_key} ${f.status}`));
    expect(all.findIndex((f) => f.status === 'suppressed')).toBeGreaterThan(all.findLastIndex((f) => f.status === 'open'));
  });
});
