import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { herowatch } from '../support/cli.js';
import { startEmulatorForTest } from '../support/emulator.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';
import { CANARY, edgeScenario, T } from '../support/scenarios.js';

interface OcsfEvent {
  severity_id: number;
  finding_info: { first_seen_time: unknown };
  resources: { uid: string }[];
  compliance: { control: string; standards: string[] };
}

interface Finding {
  id: number;
  check_id: string;
  severity: string;
  status: string;
  resource_key: string;
  frameworks: string[];
  remediation: { command: string | null };
}

describe.each(DIALECTS)('the compliance commands on %s', (dialect) => {
  it('checks, findings in every format, suppression, framework report, events and settings', async () => {
    // The CLI runs on today's clock: the world is moved to today (by whole days) so its audit trail is recent.
    const emulator = await startEmulatorForTest({ scenario: edgeScenario(), shiftToNow: true });
    const shiftMs = Math.floor((Date.now() - Date.parse(edgeScenario().now!)) / 86_400_000) * 86_400_000;
    const shifted = (iso: string): string => new Date(Date.parse(iso) + shiftMs).toISOString().replace('.000Z', 'Z');
    const hw = await openTestHerowatch(dialect, emulator.url);
    const env = { ...hw.env, HEROKU_HOST: emulator.url };
    expect((await herowatch(env, ['connect', '--name', 'edge', '--token-stdin', '--enterprise', 'edge'], T.admin)).code).toBe(0);
    expect((await herowatch(env, ['report', '--framework', 'soc2'])).stdout).toContain('Nothing has been evaluated yet: sync a connection');
    const sync = await herowatch(env, ['sync']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Compliance of "edge": \d+ failing, \d+ unknown, \d+ passing over 18 checks \(\d+ new or reopened, 0 resolved\)/);

    const catalog = JSON.parse((await herowatch(env, ['checks', '--json'])).stdout) as { id: string; frameworks: string[]; enabled: boolean }[];
    expect(catalog).toHaveLength(18);
    expect(catalog.find((c) => c.id === 'team_member_2fa_enabled')!.frameworks).toEqual(
      expect.arrayContaining(['SOC 2 CC6.1', 'ISO/IEC 27001 A.8.5', 'CIS Controls 6.5']),
    );
    expect((await herowatch(env, ['checks'])).stdout).toMatch(/app_custom_domain_tls\s+high\s+Custom domains serve a valid certificate/);

    const all = JSON.parse((await herowatch(env, ['findings', '--json'])).stdout) as Finding[];
    expect(all.some((f) => f.status === 'pass')).toBe(false);
    expect(all.map((f) => `${f.check_id} ${f.resource_key}`)).toEqual(
      expect.arrayContaining(['team_member_2fa_enabled team/edge-core/member@edge.example', 'app_collaborator_internal app/edge-api/collab@other.example']),
    );
    const high = JSON.parse((await herowatch(env, ['findings', '--status', 'open', '--severity', 'high', '--json'])).stdout) as Finding[];
    expect(high.length).toBeGreaterThan(0);
    expect(new Set(high.map((f) => f.severity))).toEqual(new Set(['critical', 'high']));
    expect(high.every((f) => f.status === 'open' && f.remediation.command?.startsWith('heroku '))).toBe(true);
    const passing = JSON.parse((await herowatch(env, ['findings', '--status', 'pass', '--check', 'app_stack_supported', '--json'])).stdout) as Finding[];
    expect(passing.map((f) => f.resource_key)).toContain('app/edge-api');

    const csv = parse((await herowatch(env, ['findings', '--format', 'csv', '--status', 'open'])).stdout, { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(all.filter((f) => f.status === 'open').length);
    expect(Object.keys(csv[0]!)).toEqual(
      expect.arrayContaining(['id', 'check_id', 'severity', 'status', 'resource_key', 'message', 'first_seen_at', 'frameworks', 'remediation']),
    );

    const ocsf = (await herowatch(env, ['findings', '--format', 'ocsf', '--status', 'open'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcsfEvent);
    expect(ocsf.length).toBe(csv.length);
    for (const event of ocsf) {
      expect(event).toMatchObject({
        class_uid: 2003,
        category_uid: 2,
        activity_id: 1,
        type_uid: 200301,
        status_id: 1,
        compliance: { status_id: 3, status: 'Fail' },
        metadata: { product: { name: 'herowatch' }, version: '1.3.0' },
        cloud: { provider: 'Heroku' },
      });
      expect(event.severity_id).toBeGreaterThanOrEqual(2);
      expect(event.finding_info.first_seen_time).toBeTypeOf('number');
      expect(event.resources[0]!.uid).toBeTruthy();
    }
    // Standards named whole, as cited, not cut at the first space.
    const twoFa = ocsf.find((e) => e.compliance.control === 'team_member_2fa_enabled')!;
    expect(twoFa.compliance.standards).toEqual(['CIS Controls v8', 'ISO/IEC 27001:2022', 'SOC 2']);

    // Suppress one: it leaves the open list and shows as suppressed, with who and why.
    const target = all.find((f) => f.resource_key === 'app/edge-api/collab@other.example')!;
    // The reason is held to the same rule as through the REST API and the dashboard: one an auditor can read.
    const terse = await herowatch(env, ['findings', 'suppress', String(target.id), '--reason', 'ok', '--by', 'ciso', '--expires', '30d']);
    expect(terse.code).toBe(2);
    expect(terse.stderr).toContain('a reason an auditor can read, of 10 to 500 characters (this one has 2)');
    expect(terse.stderr).toContain('fix: --reason');
    const badDate = await herowatch(env, [
      'findings',
      'suppress',
      String(target.id),
      '--reason',
      'accepted for now',
      '--by',
      'ciso',
      '--expires',
      '2020-01-01',
    ]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('is not in the future');
    expect((await herowatch(env, ['findings', 'suppress', '99999', '--reason', 'x', '--by', 'y', '--expires', '30d'])).stderr).toContain(
      'There is no finding 99999',
    );
    const suppressed = await herowatch(env, [
      'findings',
      'suppress',
      String(target.id),
      '--reason',
      'contract ends in December',
      '--by',
      'ciso@edge.example',
      '--expires',
      '30d',
      '--json',
    ]);
    expect(suppressed.code, suppressed.stderr).toBe(0);
    expect(JSON.parse(suppressed.stdout)).toMatchObject({ reason: 'contract ends in December', by: 'ciso@edge.example' });
    const open = JSON.parse((await herowatch(env, ['findings', '--status', 'open', '--json'])).stdout) as Finding[];
    expect(open.find((f) => f.id === target.id)).toBeUndefined();
    const shown = JSON.parse((await herowatch(env, ['findings', '--status', 'suppressed', '--json'])).stdout) as (Finding & {
      suppression: { by: string; reason: string };
    })[];
    expect(shown).toMatchObject([{ id: target.id, suppression: { by: 'ciso@edge.example', reason: 'contract ends in December' } }]);
    // The table: the current problems only, with the connection, first and last seen and the suppression, cut to the terminal.
    const listed = (await herowatch(env, ['findings'])).stdout.split('\n');
    expect(listed[0]).toMatch(/^id\s+severity\s+status\s+connection\s+check\s+resource\s+first seen\s+last seen\s+message$/);
    expect(listed.find((l) => l.startsWith(`${target.id} `))).toMatch(/suppressed to \d{4}-\d{2}-\d{2}\s+edge\s+app_collaborator_internal/);
    expect(listed.some((l) => /\bresolved\b/.test(l))).toBe(false);
    expect(listed.at(-2)).toBe('herowatch findings show ID gives one in full, with its fix.');
    // One finding in full, with what it guards against, the fix and its history.
    const detail = await herowatch(env, ['findings', 'show', String(target.id)]);
    expect(detail.code, detail.stderr).toBe(0);
    expect(detail.stdout).toMatch(new RegExp(`^Finding ${target.id}: `));
    expect(detail.stdout).toContain('suppressed until');
    expect(detail.stdout).toMatch(/\nWhy it matters: .+\nFix: .+/);
    expect(detail.stdout).toContain('\n  heroku access:remove collab@other.example --app edge-api\n'); // the real names, not placeholders
    expect(detail.stdout).toMatch(/History:\n {2}\S+ {2}opened\n {2}\S+ {2}suppressed: ciso@edge\.example: contract ends in December/);
    expect(JSON.parse((await herowatch(env, ['findings', 'show', String(target.id), '--json'])).stdout)).toMatchObject({
      id: target.id,
      risk: expect.any(String),
      history: [{ event: 'opened' }, { event: 'suppressed' }],
    });
    expect((await herowatch(env, ['findings', 'show', '99999'])).stderr).toContain('There is no finding 99999');
    // Findings and suppressions are datasets too: SQL and exports, like the inventory.
    const bySql = await herowatch(env, [
      'sql',
      'SELECT f.id, f.suppression_reason, s.created_by FROM findings f JOIN suppressions s ON s.check_id = f.check_id AND s.resource_key = f.resource_key WHERE f.suppressed_until IS NOT NULL',
      '--json',
    ]);
    expect(bySql.code, bySql.stderr).toBe(0);
    expect((JSON.parse(bySql.stdout) as { rows: unknown[] }).rows).toMatchObject([
      { id: target.id, suppression_reason: 'contract ends in December', created_by: 'ciso@edge.example' },
    ]);
    const exported = JSON.parse((await herowatch(env, ['export', 'findings', '--json'])).stdout) as { id: number; status: string; connection: string }[];
    expect(exported.filter((f) => f.status === 'open').length).toBe(open.length + 1);
    expect(exported.every((f) => f.connection === 'edge')).toBe(true);
    const ocsfSuppressed = JSON.parse((await herowatch(env, ['findings', '--status', 'suppressed', '--format', 'ocsf'])).stdout) as Record<string, unknown>;
    expect(ocsfSuppressed).toMatchObject({ status_id: 3, status: 'Suppressed' });

    const report = JSON.parse((await herowatch(env, ['report', '--framework', 'soc2', '--json'])).stdout) as {
      controls: { id: string; status: string; checks: { id: string; failed: number }[] }[];
      summary: Record<string, number>;
    };
    const cc61 = report.controls.find((c) => c.id === 'CC6.1')!;
    expect(cc61.status).toBe('failing');
    expect(cc61.checks.find((c) => c.id === 'team_member_2fa_enabled')!.failed).toBe(1);
    expect(report.summary.failing).toBeGreaterThan(0);
    const text = (await herowatch(env, ['report', '--framework', 'soc2'])).stdout;
    expect(text).toMatch(/^CC6\.1 {2}FAILING {2}Logical access/m);
    // The counts in the order the dashboard and the evidence report say them.
    expect(text).toContain(
      `  Controls: ${report.summary.failing} failing, ${report.summary.unknown} unknown, ${report.summary.passing} passing, ${report.summary.not_evaluated} not evaluated\n`,
    );
    expect(text).toMatch(/^ {4}\w+: \d+ failed, \d+ unknown, \d+ suppressed, \d+ passed$/m);
    const pci = await herowatch(env, ['report', '--framework', 'pci']);
    expect(pci.code, pci.stderr).toBe(2);
    expect(pci.stderr).toContain('There is no framework "pci" (there are: cis-v8, iso27001, soc2)');

    const events = JSON.parse((await herowatch(env, ['events', '--json', '--actor', 'admin@edge.example', '--type', 'app'])).stdout) as {
      action: string;
      app_name: string;
      created_at: string;
      ip_address: string | null;
    }[];
    expect(events.map((e) => `${e.created_at} ${e.action} ${e.app_name}`)[0]).toBe(`${shifted('2026-11-20T00:00:00Z')} update edge-worker`);
    expect(events.every((e) => e.action && e.created_at <= shifted('2026-11-20T00:00:00Z'))).toBe(true);
    const day = shifted('2026-11-19T00:00:00Z').slice(0, 10);
    const since = JSON.parse((await herowatch(env, ['events', '--json', '--since', day, '--until', day])).stdout) as { created_at: string }[];
    expect(since.map((e) => e.created_at)).toEqual(['2026-11-19T23:59:59Z', '2026-11-19T11:00:00Z', '2026-11-19T10:15:00Z'].map(shifted));
    expect((await herowatch(env, ['events', '--since', 'yesterday'])).stderr).toContain(
      '"since" takes a real day (YYYY-MM-DD) or an ISO time (2026-11-01T10:00:00Z), not yesterday',
    );
    for (const impossible of ['2026-13-45', '2026-02-30']) {
      const refused = await herowatch(env, ['events', '--since', impossible]);
      expect(refused.code, impossible).toBe(2);
      expect(refused.stderr).toContain(`not ${impossible}`);
    }

    // Settings: a stricter threshold changes the result; a typo is named.
    await writeFile(join(hw.home, 'settings.yaml'), 'compliance:\n  team_max_admins: 0\n');
    expect((await herowatch(env, ['evaluate'])).code).toBe(0);
    const admins = JSON.parse((await herowatch(env, ['findings', '--check', 'team_admins_limited', '--status', 'open', '--json'])).stdout) as Finding[];
    expect(admins.map((f) => f.resource_key).sort()).toEqual(['team/edge-core', 'team/edge-secret', 'team/plain-team']);
    await writeFile(join(hw.home, 'settings.yaml'), 'compliance:\n  team_max_admin: 0\n');
    const typo = await herowatch(env, ['findings']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`The settings file ${join(hw.home, 'settings.yaml')} is not valid:\n  compliance: unknown key team_max_admin`);
    await writeFile(join(hw.home, 'settings.yaml'), 'compliance:\n  disabled_checks: [team_admin_limited]\n');
    const unknownCheck = await herowatch(env, ['findings']);
    expect(unknownCheck.code).toBe(2);
    expect(unknownCheck.stderr).toContain('compliance.disabled_checks names team_admin_limited, which is not a check.\n  fix: herowatch checks');

    for (const run of [sync]) expect(run.stdout + run.stderr).not.toContain(CANARY);
  }, 180_000);
});
