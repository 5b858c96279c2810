import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { demoScenarioPath, readScenarioFile, startEmulator, type Emulator } from '../../emulator/index.js';
import { connect } from '../../service/connect.js';
import { groupBy } from '../../compliance/check.js';
import { ecosystem } from '../../vulns/ecosystems.js';
import { evaluateConnection, listFindings } from '../../service/compliance.js';
import { addMonitoredApps } from '../../service/monitored-apps.js';
import { appVulnerabilities } from '../../service/vuln-views.js';
import { importAdvisories, testMonitoredApps } from '../../service/vuln-monitor.js';
import { listDatasets } from '../../service/datasets.js';
import { openHerowatch, type Herowatch } from '../../service/herowatch.js';
import { addUser, createSignInLink, setPassword, users } from '../../service/users.js';
import { syncConnection } from '../../service/sync.js';
import type { Output } from '../output.js';
import { progressLine } from '../progress.js';
import { requireFreePort } from '../serving.js';
import { printStatus } from './connections.js';

/** The token the demo world gives herowatch's service account, the least-privilege one. */
async function demoToken(): Promise<{ email: string; token: string; scope: string[] }> {
  const scenario = await readScenarioFile(demoScenarioPath);
  for (const account of scenario.accounts ?? []) {
    const token = account.tokens?.find((t) => t.description === 'herowatch (least privilege)');
    if (token) return { email: account.email, token: token.token, scope: token.scope ?? ['global'] };
  }
  throw new Error('The demo scenario has no "herowatch (least privilege)" token.');
}

const DEMO_ADMIN = 'admin@demo.herowatch.local';

/** The apps the demo monitors: two with known vulnerabilities in what they deploy (npm, RubyGems), one without. */
const DEMO_MONITORED = ['pay-api', 'acme-auth', 'acme-api'];
/** Real OSV advisories for those apps' packages, with their license (assets/demo/osv/README.md). */
const DEMO_ADVISORIES = fileURLToPath(new URL('../../../assets/demo/osv/', import.meta.url));

/** The demo's admin, with a fresh password each time, and a one-time sign-in link. */
async function demoSignInLink(hw: Herowatch): Promise<{ token: string; password: string }> {
  const password = randomBytes(12).toString('base64url');
  if ((await users(hw)).some((u) => u.email === DEMO_ADMIN)) await setPassword(hw, DEMO_ADMIN, password);
  else await addUser(hw, { email: DEMO_ADMIN, password, role: 'admin' });
  return { token: await createSignInLink(hw, DEMO_ADMIN), password };
}

/**
 * `herowatch demo`: the main job on the embedded defaults. Starts the
 * emulator on the demo world (its clock moved to today), syncs it into the
 * demo's own SQLite database and summarises what herowatch found.
 */
export function registerDemo(program: Command, output: Output, running: (emulator: Emulator) => Promise<void>): void {
  program
    .command('demo')
    .description('Sync the bundled demo world from the Heroku API emulator and summarise it')
    .option('--serve', 'then serve the dashboard (and keep the emulator serving) until Ctrl-C, with a sign-in link')
    .option('--port <n>', 'emulator port; 0 picks a free one', '0')
    .option('--web-port <n>', "with --serve: the dashboard's port; 0 picks a free one", '8808')
    .option('--json', 'print the summary as one JSON object')
    .action(async (flags: { serve?: boolean; port: string; webPort: string; json?: boolean }) => {
      const json = flags.json === true;
      // With --json, the text below is not printed; one object says the same at the end.
      const say: Output = json ? { out: () => {}, err: output.err, json: output.json, raw: () => {} } : output;
      // A dashboard port already taken is said now, not after the sync.
      if (flags.serve) await requireFreePort('127.0.0.1', Number(flags.webPort), '--web-port');
      const base = loadConfig(process.env);
      const home = join(base.home, 'demo');
      const emulator = await startEmulator({ shiftToNow: true, port: Number(flags.port) });
      // The demo's Heroku is the emulator, for everything herowatch does there (the dashboard's "connect" included).
      const config = loadConfig({ HEROWATCH_HOME: home, HEROKU_HOST: emulator.url }, {});
      try {
        const { email, token, scope } = await demoToken();
        say.out(`Heroku API emulator serving the demo world (Acme) at ${emulator.url}`);
        say.out(`Connecting as ${email}, with a least-privilege token (${scope.join(', ')}), stored encrypted in ${config.sqlitePath}`);
        const hw = await openHerowatch(config);
        try {
          const { status } = await connect(hw, { name: 'acme', token, apiUrl: emulator.url, enterprise: 'acme' });
          printStatus(say, status);
          say.out('');
          const progress = json ? { update: () => {}, done: () => {} } : progressLine();
          const result = await syncConnection(hw, { connection: 'acme', sync: { onProgress: (event) => progress.update(event) } });
          progress.done();
          if (result.status !== 'complete') throw new Error(`The demo sync did not complete: ${result.error}`);
          say.out('');
          say.out(
            `Sync run ${result.runId}: complete in ${(result.durationMs / 1000).toFixed(1)}s, ${result.requests} requests (${result.notModified} answered 304: unchanged since the last demo), ${result.items} records, ${result.auditEvents} audit events.`,
          );
          say.out(`Rate limit: the pool never went below ${result.rateLimitLow} of 4,500.`);
          say.out('');
          say.out('What herowatch now knows about Acme:');
          const counts = new Map((await listDatasets(hw, 'acme')).map((d) => [d.name, d.rows]));
          const line = (label: string, ...datasets: string[]) =>
            say.out(`  ${label.padEnd(22)} ${datasets.map((d) => `${counts.get(d) ?? 0} ${d.replace(/_/g, ' ')}`).join(', ')}`);
          line('account and teams', 'teams', 'team_members', 'enterprise_members');
          line('apps', 'apps', 'domains', 'sni_endpoints', 'config_vars');
          line('access', 'collaborators', 'team_apps');
          line('add-ons', 'addons', 'addon_attachments');
          line('delivery', 'pipelines', 'pipeline_couplings', 'releases', 'slugs');
          line('operations', 'formations', 'log_drains');
          line('audit trail', 'audit_events');
          if (result.gaps.length > 0) {
            say.out('');
            say.out('What it could not read, and why:');
            const seen = new Set<string>();
            for (const gap of result.gaps) {
              const key = `${gap.resource}|${gap.reason}`;
              if (seen.has(key)) continue;
              seen.add(key);
              say.out(`  ${gap.resource}: ${gap.reason}`);
              if (gap.fix) say.out(`    fix: ${gap.fix}`);
            }
          }
          // Vulnerabilities of what three apps deployed, from the few real advisories that ship with the demo.
          const monitoredApps = await addMonitoredApps(hw, 'acme', DEMO_MONITORED);
          const { update } = await importAdvisories(hw, DEMO_ADVISORIES);
          const tests = await testMonitoredApps(hw, { connection: 'acme', evaluate: false });
          const compliance = await evaluateConnection(hw, 'acme');
          say.out('');
          say.out(
            `Vulnerabilities: ${monitoredApps.length} apps monitored (herowatch apps add), their slugs read and matched against ${update.records} advisories that ship with the demo (herowatch vulns db update downloads them all):`,
          );
          for (const test of tests) {
            const detail = await appVulnerabilities(hw, test.app, { connection: 'acme' });
            // One line per package: how many vulnerabilities, the worst, and the version that fixes them all.
            const byPackage = groupBy(detail.vulnerabilities, (v) => `${v.package} ${v.version}`);
            const upgrade = (found: typeof detail.vulnerabilities) =>
              found
                .map((v) => v.fixed)
                .filter((v): v is string => v !== null)
                .sort(ecosystem(found[0]!.ecosystem)!.compare)
                .at(-1) ?? 'none yet';
            const said = [...byPackage].map(([name, found]) => `${name} (${found.length}, worst ${found[0]!.severity}; upgrade to ${upgrade(found)})`);
            say.out(`  ${test.app.padEnd(12)} ${test.packages} packages, ${test.open} open${said.length > 0 ? `: ${said.join(', ')}` : ''}`);
          }
          say.out('');
          say.out(`Compliance: ${compliance.failed} failing, ${compliance.passed} passing, ${compliance.unknown} unknown, over ${compliance.checks} checks:`);
          const open = await listFindings(hw, { connection: 'acme', status: ['open'] });
          for (const [check, findings] of groupBy(open, (f) => f.check_id)) {
            say.out(
              `  ${findings[0]!.severity.padEnd(8)} ${check} (${findings.length}): ${findings
                .slice(0, 3)
                .map((f) => f.resource_name)
                .join(', ')}${findings.length > 3 ? ', ...' : ''}`,
            );
          }
          if (json) {
            output.json({
              emulator: emulator.url,
              home,
              connection: status,
              sync: result,
              datasets: Object.fromEntries(counts),
              findings: open.map((f) => ({ id: f.id, check_id: f.check_id, severity: f.severity, resource: f.resource_name })),
            });
          }
          say.out('');
          say.out('Explore it:');
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch findings`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch report --framework soc2`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch status --no-test`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch datasets`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch sql "SELECT name, stack, team_name, locked FROM apps ORDER BY name"`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch export addons --format csv`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch vulns show pay-api`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch evidence --out acme-evidence.zip   # a signed bundle for auditors`);
          say.out(`  HEROWATCH_HOME=${home} ./bin/herowatch mcp --connection acme              # for an AI agent (MCP over stdio)`);
          if (!flags.serve) say.out('  npm run demo -- --serve                     # the same in the dashboard');
          if (flags.serve) {
            const { startServer } = await import('../../web/server.js');
            const server = await startServer(hw, { host: '127.0.0.1', port: Number(flags.webPort) });
            const link = await demoSignInLink(hw);
            say.out('');
            say.out(`The dashboard is at ${server.url}. Sign in as the demo admin with this one-time link (15 minutes):`);
            say.out(`  ${server.url}/login/link?token=${link.token}`);
            say.out(`(or as ${DEMO_ADMIN} with the password ${link.password})`);
            say.out(`Serving until Ctrl-C. The Heroku CLI works too: HEROKU_HOST=${emulator.url} HEROKU_API_KEY=<token> heroku apps --all`);
            await running(emulator);
            await server.close();
          }
        } finally {
          await hw.close();
        }
      } finally {
        if (!flags.serve) await emulator.close();
      }
    });
}
