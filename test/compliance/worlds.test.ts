import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { demoScenarioPath, generateScenario, readScenarioFile, type Scenario } from '../../src/emulator/index.js';
import { Access } from '../../src/emulator/world/access.js';
import { evaluateChecks } from '../../src/compliance/evaluate.js';
import { appPages, loadAccountInventory, loadInventory } from '../../src/compliance/inventory.js';
import { evaluateConnection, FINDING_STATUSES, listFindings } from '../../src/service/compliance.js';
import { connectionNamed } from '../../src/service/connections.js';
import type { Herowatch } from '../../src/service/herowatch.js';
import { syncConnection } from '../../src/service/sync.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

/** Open findings as `check resource-key`, sorted. */
async function failing(hw: Herowatch, connection: string): Promise<string[]> {
  return (await listFindings(hw, { connection, status: ['open'] })).map((f) => `${f.check_id} ${f.resource_key}`).sort();
}

/** A token of herowatch's service account in the demo world. */
function tokenOf(scenario: Scenario, description: string): string {
  const account = scenario.accounts!.find((a) => a.email === 'herowatch@acme.example')!;
  return account.tokens!.find((t) => t.description === description)!.token;
}

/** What docs/demo-world.md plants, as the checks name it. */
const DEMO_PLANTED = [
  'addon_data_attachment_scoped addon/kafka-data-ingest-66201/data-etl/KAFKA',
  'addon_data_attachment_scoped addon/postgresql-pay-ledger-44118/pay-ledger-staging/PROD_DATABASE',
  'app_collaborator_internal app/pay-api-staging/ivan@contractor.example',
  'app_collaborator_internal app/pay-api/ivan@contractor.example',
  'app_custom_domain_tls app/acme-docs/docs.acme.example',
  'app_custom_domain_tls app/acme-gateway/gateway.acme.example',
  'app_custom_domain_tls app/acme-status/status.acme.example',
  'app_sensitive_config_external_access app/pay-api',
  'app_sensitive_config_external_access app/pay-api-staging',
  'app_stack_supported app/data-reports',
  'enterprise_member_2fa_enabled enterprise/acme/dave@acme.example',
  'enterprise_member_2fa_enabled enterprise/acme/heidi@acme.example',
  ...['carol', 'dave', 'frank', 'heidi', 'herowatch'].map((n) => `enterprise_member_federated enterprise/acme/${n}@acme.example`),
  'production_app_locked app/acme-web',
  'production_app_log_drain_configured app/data-ingest',
  'sni_endpoint_certificate_valid app/acme-gateway/stegosaurus-18834',
  'sni_endpoint_certificate_valid app/pay-api/brachiosaurus-51207',
  'team_admins_limited team/acme-platform',
  'team_member_2fa_enabled team/acme-data/heidi@acme.example',
  'team_member_2fa_enabled team/acme-payments/dave@acme.example',
];

describe.each(DIALECTS)('compliance over whole worlds on %s', (dialect) => {
  it('the demo world gives exactly the findings it plants', async () => {
    const scenario = await readScenarioFile(demoScenarioPath);
    const emulator = await startEmulatorForTest({ scenario: { file: demoScenarioPath }, shiftToNow: true });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const leastPrivilege = await syncConnection(hw, { connection: 'acme', token: tokenOf(scenario, 'herowatch (least privilege)'), apiUrl: emulator.url });
    expect(leastPrivilege.status).toBe('complete');
    expect(await failing(hw, 'acme')).toEqual([...DEMO_PLANTED].sort());
    // What the least-privilege token cannot see is unknown, not passing.
    const unknowns = await listFindings(hw, { connection: 'acme', status: ['unknown'] });
    expect(unknowns.map((f) => f.check_id).filter((id) => id !== 'production_app_severe_vulnerabilities_absent')).toEqual(['oauth_authorization_rotated']);
    // No app is monitored: what production apps run is not tested, so it is unknown, never passing.
    expect(unknowns.filter((f) => f.check_id === 'production_app_severe_vulnerabilities_absent').every((f) => /not monitored/.test(f.message))).toBe(true);

    // Through the account's API key: the old token shows, and the key itself is too powerful.
    await syncConnection(hw, { connection: 'acme-key', token: tokenOf(scenario, 'API Key'), apiUrl: emulator.url });
    const extra = (await failing(hw, 'acme-key')).filter((f) => !DEMO_PLANTED.includes(f));
    expect(extra.map((f) => f.replace(/authorization\/[0-9a-f-]+/, 'authorization/ID'))).toEqual([
      'connection_token_least_privilege connection/acme-key',
      'oauth_authorization_rotated authorization/ID',
    ]);
    expect((await listFindings(hw, { connection: 'acme-key', check: 'oauth_authorization_rotated', status: ['open'] }))[0]!.resource_name).toBe('CI deploys');
  }, 120_000);

  it('a generated world gives exactly the findings its generator planted', async () => {
    const generated = generateScenario({ apps: 300, teams: 8, members: 60, days: 10, seed: 11 });
    const { planted, scenario } = generated;
    const emulator = await startEmulatorForTest({ scenario });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const now = emulator.world().now();
    const result = await syncConnection(hw, { connection: 'gen', token: generated.tokens.global, apiUrl: emulator.url, now, sync: { now: () => now } });
    expect(result.status).toBe('complete');

    const world = emulator.world();
    const auditor = world.users.find(planted.auditor)!;
    const visible = new Set(new Access(world).visibleApps(auditor).map((a) => a.name));
    const hidden = new Set(planted.hidden_teams);
    const enterprise = scenario.enterprise_accounts![0]!.name;
    const appOf = (key: string): string => key.split('/')[0]!;
    const found = await failing(hw, 'gen');
    const byCheck = (id: string): string[] =>
      found
        .filter((f) => f.startsWith(`${id} `))
        .map((f) => f.slice(id.length + 1))
        .sort();
    const sorted = (list: string[]): string[] => [...new Set(list)].sort();

    expect(byCheck('team_member_2fa_enabled')).toEqual(sorted(planted.team_members_without_2fa.filter((k) => !hidden.has(appOf(k))).map((k) => `team/${k}`)));
    expect(byCheck('enterprise_member_2fa_enabled')).toEqual(sorted(planted.enterprise_members_without_2fa.map((e) => `enterprise/${enterprise}/${e}`)));
    expect(byCheck('enterprise_member_federated')).toEqual(sorted(planted.enterprise_members_not_federated.map((e) => `enterprise/${enterprise}/${e}`)));
    expect(byCheck('team_admins_limited')).toEqual(sorted(planted.teams_with_excess_admins.filter((t) => !hidden.has(t)).map((t) => `team/${t}`)));
    expect(byCheck('enterprise_manage_permission_limited')).toEqual(planted.enterprise_excess_manage.length > 0 ? [`enterprise/${enterprise}`] : []);
    expect(byCheck('app_collaborator_internal')).toEqual(sorted(planted.external_collaborators.filter((k) => visible.has(appOf(k))).map((k) => `app/${k}`)));
    const hostnames = new Set(planted.custom_domains_without_tls);
    expect(byCheck('app_custom_domain_tls')).toEqual(
      sorted(
        scenario
          .apps!.filter((a) => visible.has(a.name))
          .flatMap((a) => (a.domains ?? []).filter((d) => hostnames.has(d.hostname)).map((d) => `app/${a.name}/${d.hostname}`)),
      ),
    );
    expect(byCheck('sni_endpoint_certificate_valid')).toEqual(
      sorted(
        [...planted.expired_certificates, ...planted.expiring_certificates, ...planted.self_signed_certificates]
          .filter((k) => visible.has(appOf(k)))
          .map((k) => `app/${k}`),
      ),
    );
    expect(byCheck('app_stack_supported')).toEqual(sorted(planted.eol_stack_apps.filter((a) => visible.has(a)).map((a) => `app/${a}`)));
    expect(byCheck('addon_data_attachment_scoped')).toEqual(
      sorted(
        planted.production_db_on_non_production
          .map((k) => k.split(' -> ') as [string, string])
          .filter(([, app]) => visible.has(app))
          .map(([addon, app]) => `addon/${addon}/${app}/PROD_DATABASE`),
      ),
    );
    expect(byCheck('production_app_locked')).toEqual(sorted(planted.unlocked_production_apps.filter((a) => visible.has(a)).map((a) => `app/${a}`)));
    expect(byCheck('production_app_log_drain_configured')).toEqual(
      sorted(planted.production_apps_without_log_drain.filter((a) => visible.has(a)).map((a) => `app/${a}`)),
    );
    const oldTokens = (await listFindings(hw, { connection: 'gen', check: 'oauth_authorization_rotated', status: ['open'] }))
      .map((f) => f.resource_name)
      .sort();
    expect(oldTokens).toEqual([...planted.old_global_tokens].sort());
    expect(byCheck('connection_token_least_privilege')).toEqual(['connection/gen']);
    expect(byCheck('enterprise_audit_trail_collected')).toEqual([]);
    // Secrets within an outsider's reach: the apps with outside collaborators that hold credential-like names.
    const credential = /SECRET|TOKEN|KEY|PASSWORD|DATABASE_URL|REDIS_URL/;
    const exposed = sorted(
      planted.external_collaborators
        .map(appOf)
        .filter((a) => visible.has(a) && [...world.apps.find(a)!.configVars.keys()].some((n) => credential.test(n)))
        .map((a) => `app/${a}`),
    );
    expect(byCheck('app_sensitive_config_external_access')).toEqual(exposed);
    // Every failing check is accounted for above: nothing else fails.
    expect(new Set(found.map((f) => f.split(' ')[0]))).toEqual(
      new Set(
        [
          'team_member_2fa_enabled',
          'enterprise_member_2fa_enabled',
          'enterprise_member_federated',
          'team_admins_limited',
          'enterprise_manage_permission_limited',
          'app_collaborator_internal',
          'app_custom_domain_tls',
          'sni_endpoint_certificate_valid',
          'app_stack_supported',
          'addon_data_attachment_scoped',
          'production_app_locked',
          'production_app_log_drain_configured',
          'oauth_authorization_rotated',
          'connection_token_least_privilege',
          'app_sensitive_config_external_access',
        ].filter((id) => byCheck(id).length > 0),
      ),
    );
  }, 180_000);

  it('an evaluation a few apps at a time gives exactly the results of the whole inventory, and records the same findings', async () => {
    const generated = generateScenario({ apps: 120, teams: 5, members: 40, days: 3, seed: 5 });
    const emulator = await startEmulatorForTest({ scenario: generated.scenario });
    const hw = await openTestHerowatch(dialect, emulator.url);
    const now = emulator.world().now();
    for (const connection of ['whole', 'paged'])
      expect(
        (await syncConnection(hw, { connection, token: generated.tokens.global, apiUrl: emulator.url, now, evaluate: false, sync: { now: () => now } })).status,
      ).toBe('complete');
    // Add-ons attached to apps this connection cannot see (another team's): their ids sort before every app, after
    // every app, and between two, and each gets its result whatever the pages.
    for (const connection of ['whole', 'paged']) {
      const record = await connectionNamed(hw, connection);
      const dataStores = hw.config.settings.compliance.data_store_services;
      const addon = (await loadInventory(hw.store, record, now)).addons.find((a) => a.service && dataStores.includes(a.service))!;
      for (const [i, appId] of ['', '8', 'ffffffff-ffff-4fff-bfff-ffffffffffff'].entries())
        await sql`INSERT INTO hw_cur_addon_attachments (connection_id, connection, key, id, name, app_id, app_name, addon_id, addon_name, addon_app_id, addon_app_name)
          VALUES (${record.id}, ${connection}, ${`elsewhere-${i}`}, ${`elsewhere-${i}`}, 'DATABASE', ${appId}, ${`elsewhere-${i}`}, ${addon.id}, ${addon.name}, ${addon.app_id}, ${addon.app_name})`.execute(
          hw.store.db,
        );
    }
    const expectedOf = async (connection: string): Promise<string[]> => {
      const inventory = await loadInventory(hw.store, await connectionNamed(hw, connection), now);
      return evaluateChecks(inventory, hw.config.settings.compliance)
        .map((o) => `${o.check.id} ${o.resource.key} ${o.status} ${o.message}`)
        .sort();
    };
    const expected = { whole: await expectedOf('whole'), paged: await expectedOf('paged') };
    expect(expected.paged.filter((e) => /^addon_data_attachment_scoped addon\/[^ ]+\/elsewhere-\d\/DATABASE FAIL /.test(e))).toHaveLength(3);
    // Production data stores attached across apps: their owner and their target fall in different pages of 7.
    expect(expected.paged.filter((e) => e.startsWith('addon_data_attachment_scoped ') && / FAIL /.test(e)).length).toBeGreaterThan(0);

    // What an evaluation holds at once: a page of at most 7 apps, with only those apps' rows; every app in exactly one page.
    const record = await connectionNamed(hw, 'paged');
    const account = await loadAccountInventory(hw.store, record, now);
    expect(account.apps).toEqual([]);
    const paged: string[] = [];
    const attachments: string[] = [];
    for await (const page of appPages(hw.store, record, account, 7)) {
      expect(page.apps.length).toBeGreaterThan(0);
      expect(page.apps.length).toBeLessThanOrEqual(7);
      const ids = new Set(page.apps.map((a) => a.id));
      for (const rows of [page.configVars, page.domains, page.sniEndpoints, page.collaborators, page.logDrains])
        expect(rows.every((row) => ids.has(row.app_id!))).toBe(true);
      paged.push(...ids);
      attachments.push(...page.addonAttachments.map((a) => a.id!));
    }
    const whole = await loadInventory(hw.store, record, now);
    const every = whole.apps.map((a) => a.id);
    expect(paged.length).toBe(every.length);
    expect([...paged].sort()).toEqual([...every].sort());
    // Attachments too, those of apps out of sight included: each in one page.
    expect([...attachments].sort()).toEqual(whole.addonAttachments.map((a) => a.id!).sort());

    const wholly = await evaluateConnection(hw, 'whole', { now, pageApps: 100_000 });
    const inPages = await evaluateConnection(hw, 'paged', { now, pageApps: 7 });
    const all = async (connection: string) =>
      (await listFindings(hw, { connection, status: [...FINDING_STATUSES], now }))
        .map((f) => `${f.check_id} ${f.resource_key} ${f.result} ${f.message}`)
        .sort();
    expect(await all('paged')).toEqual(expected.paged);
    expect(await all('whole')).toEqual(expected.whole);
    expect([inPages.passed, inPages.failed, inPages.unknown]).toEqual([wholly.passed, wholly.failed, wholly.unknown]);
    const told = (changes: { event: string; checkId: string; resourceKey: string }[]) =>
      changes.map((c) => `${c.event} ${c.checkId} ${c.resourceKey.replace(/^connection\/.*/, 'connection')}`).sort();
    expect(told(inPages.changes)).toEqual(told(wholly.changes));
    expect(inPages.changes.length).toBeGreaterThan(10);
    // Evaluated again in other pages, nothing changes, and nothing is written twice.
    const again = await evaluateConnection(hw, 'paged', { now, pageApps: 3 });
    expect(again.changes).toEqual([]);
    expect(await all('paged')).toEqual(expected.paged);
  }, 180_000);
});
