import { beforeAll, describe, expect, it } from 'vitest';
import { acmDomains, acmEndpointJson } from '../../src/emulator/representations/apps.js';
import { logLines } from '../../src/emulator/representations/logs.js';
import { demoScenarioPath } from '../../src/emulator/index.js';
import { Access } from '../../src/emulator/world/access.js';
import type { App } from '../../src/emulator/world/types.js';
import { herokuBatch, installHerokuCli, type CliResult } from '../support/heroku-cli.js';
import { startTestEmulator } from '../support/emulator.js';

/**
 * Every read command of the Heroku CLI 11 that talks only to the Platform
 * API, run against the demo world as its enterprise owner (alice), with and
 * without `--json` where the command offers it. What each prints is compared
 * with the scenario. Commands that call other services (Heroku Data's API for
 * `pg:*`, `redis:*` and `data:*`, the metrics API for `apps:errors`,
 * Particleboard's favorites, Telex's notifications, the status page, the
 * buildpack registry, Kolkrabbi's GitHub links for `pipelines:diff`) are left
 * out: the emulator serves the Platform API only.
 */
const ALICE = 'HRKU-65d01b54-f55f-7dc9-d0f6-8b53639f152c';
const NO_SUCH = '01234567-89ab-4def-8123-456789abcdef';

const emulator = await startTestEmulator({ scenario: { file: demoScenarioPath } });
const world = emulator.world();
const alice = world.users.find('alice@acme.example')!;
const access = new Access(world);
const app = (name: string): App => world.apps.find(name)!;
const payApi = app('pay-api');
const acmeWeb = app('acme-web');
const payments = world.teams.find('acme-payments')!;
const sorted = <T>(items: T[]): T[] => [...items].sort();

interface Case {
  argv: string;
  /** What the output must show; `r.json` holds the parsed output of a `--json` run. */
  check(r: CliResult & { json: unknown }): void;
  /** The exit code: 0, or 2 for the "not found" Heroku answers when a world has none of a thing. */
  code?: number;
}

/** Each command's reads, compared with the scenario. */
const cases: Case[] = [
  // Who is asking.
  { argv: 'auth:whoami', check: (r) => expect(r.stdout.trim()).toBe(alice.email) },
  { argv: 'whoami', check: (r) => expect(r.stdout.trim()).toBe(alice.email) },

  // Apps.
  {
    argv: 'apps',
    check: (r) => expect(r.stdout.trimEnd()).toBe(`=== ${alice.email} Apps\n\n${alice.personalApps.map((a) => a.name).join('\n')}`),
  },
  { argv: 'apps --json', check: (r) => expect(names(r.json)).toEqual(sorted(alice.personalApps.map((a) => a.name))) },
  {
    argv: 'apps --all',
    check: (r) => {
      for (const a of access.visibleApps(alice)) expect(r.stdout).toMatch(new RegExp(`^  ${a.name}\\s+${a.ownerRef.email}$|^${a.name}$`, 'm'));
    },
  },
  { argv: 'apps --all --json', check: (r) => expect(names(r.json)).toEqual(sorted(access.visibleApps(alice).map((a) => a.name))) },
  {
    argv: 'apps -t acme-payments',
    check: (r) => {
      const listed = r.stdout.split('\n').slice(2).filter(Boolean);
      expect(listed).toEqual(sorted(payments.apps.map((a) => `${a.name}${a.locked ? ' [locked]' : ''}`)));
    },
  },
  { argv: 'apps -t acme-payments --json', check: (r) => expect(names(r.json)).toEqual(sorted(payments.apps.map((a) => a.name))) },
  {
    argv: 'apps:info -a pay-api',
    check: (r) => {
      expect(field(r.stdout, 'Addons')).toBe(payApi.ownedAddons.map((a) => a.plan.name).join(', '));
      expect(field(r.stdout, 'Pipeline')).toBe(`${payApi.coupling!.pipeline.name} - ${payApi.coupling!.stage}`);
      expect(field(r.stdout, 'Owner')).toBe(payApi.ownerRef.email);
      expect(field(r.stdout, 'Region')).toBe(payApi.region.info.name);
      expect(field(r.stdout, 'Stack')).toBe(payApi.stack.info.name);
      expect(field(r.stdout, 'Dynos')).toBe(payApi.formation.map((f) => `${f.type}: ${f.quantity}`).join(', '));
      expect(field(r.stdout, 'Auto Cert Mgmt')).toBe(String(payApi.acm));
      expect(field(r.stdout, 'Web URL')).toBe(payApi.webUrl);
    },
  },
  {
    argv: 'apps:info -a pay-api --json',
    check: (r) => {
      const info = r.json as {
        app: { id: string; name: string };
        addons: { name: string }[];
        collaborators: { user: { email: string } }[];
        dynos: { name: string }[];
        pipeline_coupling: { stage: string };
      };
      expect(info.app).toMatchObject({ id: payApi.id, name: payApi.name });
      expect(info.addons.map((a) => a.name)).toEqual(payApi.ownedAddons.map((a) => a.name));
      expect(sorted(info.collaborators.map((c) => c.user.email))).toEqual(sorted(payApi.collaborators.map((c) => c.user.email)));
      expect(sorted(info.dynos.map((d) => d.name))).toEqual(sorted(dynoNames(payApi)));
      expect(info.pipeline_coupling.stage).toBe(payApi.coupling!.stage);
    },
  },
  {
    argv: 'apps:info -a pay-api --shell',
    check: (r) => {
      expect(r.stdout).toContain(`owner=${payApi.ownerRef.email}\n`);
      expect(r.stdout).toContain(`stack=${payApi.stack.info.name}\n`);
      expect(r.stdout).toContain(`collaborators=${sorted(payApi.collaborators.map((c) => c.user.email)).join(',')}\n`);
    },
  },
  {
    argv: 'apps:stacks -a pay-api',
    check: (r) => {
      expect(r.stdout).toContain(`* ${payApi.stack.info.name}\n`);
      for (const stack of world.stacks.values()) expect(r.stdout).toMatch(new RegExp(`^[* ] ${stack.info.name}$`, 'm'));
    },
  },
  {
    argv: 'apps:diff pay-api pay-api-staging',
    check: (r) => {
      const staging = app('pay-api-staging');
      // Config vars that differ are listed by name, values from each side.
      for (const [name, value] of payApi.configVars) {
        if (staging.configVars.get(name) !== value) expect(r.stdout).toMatch(new RegExp(`config \\(${name}\\)`));
      }
      expect(r.stdout).toContain(payApi.configVars.get('NODE_ENV')!);
    },
  },

  // Access, members, teams.
  {
    argv: 'access -a pay-api',
    check: (r) => {
      for (const [email, role] of expectedAccess(payApi)) expect(r.stdout).toMatch(new RegExp(`^  ${email.replace(/\./g, '\\.')}\\s+${role}\\s`, 'm'));
    },
  },
  {
    argv: 'access -a pay-api --json',
    check: (r) =>
      expect(sorted((r.json as { user: { email: string }; role: string }[]).map((a) => `${a.user.email}:${a.role}`))).toEqual(
        sorted(expectedAccess(payApi).map(([e, role]) => `${e}:${role}`)),
      ),
  },
  {
    argv: 'members -t acme-payments',
    check: (r) => {
      for (const m of payments.members) expect(r.stdout).toMatch(new RegExp(`^  ${m.user.email.replace(/\./g, '\\.')}\\s+${m.role}$`, 'm'));
    },
  },
  {
    argv: 'members -t acme-payments --json',
    check: (r) =>
      expect(sorted((r.json as { email: string; role: string }[]).map((m) => `${m.email}:${m.role}`))).toEqual(
        sorted(payments.members.map((m) => `${m.user.email}:${m.role}`)),
      ),
  },
  ...['teams', 'orgs'].flatMap((command): Case[] => [
    {
      argv: command,
      check: (r) => {
        for (const m of alice.teamMemberships) expect(r.stdout).toMatch(new RegExp(`^  ${m.team.name}\\s+${m.role}$`, 'm'));
      },
    },
    {
      argv: `${command} --json`,
      check: (r) =>
        expect(sorted((r.json as { name: string; role: string }[]).map((t) => `${t.name}:${t.role}`))).toEqual(
          sorted(alice.teamMemberships.map((m) => `${m.team.name}:${m.role}`)),
        ),
    },
  ]),

  // Add-ons.
  {
    argv: 'addons',
    check: (r) => {
      for (const addon of access.visibleAddons(alice))
        expect(r.stdout).toMatch(new RegExp(`^  ${addon.app.name}\\s+${addon.name}\\s+${addon.plan.name}\\s`, 'm'));
    },
  },
  { argv: 'addons --json', check: (r) => expect(names(r.json)).toEqual(sorted(access.visibleAddons(alice).map((a) => a.name))) },
  {
    argv: 'addons --all',
    check: (r) => expect(r.stdout.split('\n').filter((l) => /^ {2}\S+\s+\S+-\d+\s/.test(l))).toHaveLength(access.visibleAddons(alice).length),
  },
  {
    argv: 'addons -a pay-api',
    check: (r) => {
      for (const addon of payApi.ownedAddons) {
        expect(r.stdout).toContain(`${addon.service.info.name} (${addon.name})`);
        expect(r.stdout).toContain(addon.plan.name.split(':')[1]);
      }
      for (const attachment of payApi.attachments) expect(r.stdout).toContain(`as ${attachment.name}`);
    },
  },
  {
    argv: 'addons -a pay-api --json',
    check: (r) => {
      const addons = r.json as { name: string; plan: { name: string }; attachments: { name: string }[] }[];
      expect(addons.map((a) => [a.name, a.plan.name, a.attachments.map((t) => t.name)])).toEqual(
        payApi.ownedAddons.map((a) => [a.name, a.plan.name, a.attachments.map((t) => t.name)]),
      );
    },
  },
  ...['postgresql-pay-api-90210', 'DATABASE -a pay-api'].map((target): Case => ({
    argv: `addons:info ${target}`,
    check: (r) => {
      const addon = payApi.ownedAddons[0]!;
      expect(r.stdout.startsWith(`=== ${addon.name}\n`)).toBe(true);
      expect(field(r.stdout, 'Plan')).toBe(addon.plan.name);
      expect(field(r.stdout, 'Owning app')).toBe(addon.app.name);
      expect(field(r.stdout, 'Attachments')).toBe(addon.attachments.map((t) => `${t.app.name}::${t.name}`).join(', '));
      // Printed as the CLI prints dates (in UTC here): `Sat Jun 25 2022 03:15:42 GMT+0000`.
      expect(field(r.stdout, 'Installed at')).toContain(`${addon.createdAt.slice(0, 4)} ${addon.createdAt.slice(11, 19)} GMT+0000`);
    },
  })),
  {
    argv: 'addons:plans heroku-postgresql',
    check: (r) => {
      for (const plan of world.services.find('heroku-postgresql')!.plans) expect(r.stdout).toMatch(new RegExp(`\\s${plan.name}\\s`));
    },
  },
  {
    argv: 'addons:plans heroku-postgresql --json',
    check: (r) => expect(names(r.json)).toEqual(sorted(world.services.find('heroku-postgresql')!.plans.map((p) => p.name))),
  },
  {
    argv: 'addons:services',
    check: (r) => {
      for (const service of world.services.values()) expect(r.stdout).toMatch(new RegExp(`^  ${service.info.name}\\s`, 'm'));
    },
  },
  { argv: 'addons:services --json', check: (r) => expect(names(r.json)).toEqual(sorted([...world.services.values()].map((s) => s.info.name))) },
  // Every add-on is provisioned: nothing to wait for.
  { argv: 'addons:wait -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('') },
  { argv: 'addons:wait postgresql-pay-api-90210', check: (r) => expect(r.stdout.trim()).toBe('') },

  // Config.
  {
    argv: 'config -a pay-api',
    check: (r) => {
      expect(r.stdout.startsWith('=== pay-api Config Vars\n')).toBe(true);
      for (const [name, value] of payApi.configVars) expect(r.stdout).toMatch(new RegExp(`^${name}:\\s+${escape(value)}$`, 'm'));
    },
  },
  { argv: 'config -a pay-api --json', check: (r) => expect(r.json).toEqual(Object.fromEntries(payApi.configVars)) },
  {
    argv: 'config -a pay-api --shell',
    check: (r) =>
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => l.split('=')[0]),
      ).toEqual([...payApi.configVars.keys()]),
  },
  { argv: 'config:get DATABASE_URL -a pay-api', check: (r) => expect(r.stdout.trim()).toBe(payApi.configVars.get('DATABASE_URL')) },
  {
    argv: 'config:get DATABASE_URL -a pay-api --json',
    check: (r) => expect(r.json).toEqual({ key: 'DATABASE_URL', value: payApi.configVars.get('DATABASE_URL') }),
  },

  // Domains and certificates.
  {
    argv: 'domains -a pay-api',
    check: (r) => {
      for (const d of payApi.domains) expect(r.stdout).toContain(d.hostname);
      expect(r.stdout).toMatch(/^ {2}pay\.acme\.example\s+CNAME\s+pay\.acme\.example\.herokudns\.com\s+brachiosaurus-51207$/m);
    },
  },
  {
    argv: 'domains -a pay-api --json',
    check: (r) => expect(sorted((r.json as { hostname: string }[]).map((d) => d.hostname))).toEqual(sorted(payApi.domains.map((d) => d.hostname))),
  },
  {
    argv: 'domains -a acme-web',
    check: (r) => {
      // Each custom domain is served by the certificate ACM issued for it.
      for (const d of acmDomains(acmeWeb))
        expect(r.stdout).toMatch(new RegExp(`^  ${escape(d.hostname)}\\s.*\\s${acmEndpointJson(d, world.now()).name as string}$`, 'm'));
    },
  },
  {
    argv: 'domains:info pay.acme.example -a pay-api',
    check: (r) => {
      const domain = payApi.domains.find((d) => d.hostname === 'pay.acme.example')!;
      expect(field(r.stdout, 'id')).toBe(domain.id);
      expect(field(r.stdout, 'kind')).toBe('custom');
      expect(field(r.stdout, 'sni_endpoint')).toContain(domain.sniEndpoint!.name);
    },
  },
  { argv: 'domains:wait -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('') },
  {
    argv: 'certs -a pay-api',
    check: (r) => {
      const cert = payApi.sniEndpoints[0]!;
      expect(r.stdout).toMatch(
        new RegExp(
          `^  ${cert.name}\\s+${escape(cert.certDomains.join(', '))}\\s+${cert.expiresAt.slice(0, 10)} ${cert.expiresAt.slice(11, 16)} UTC\\s+True\\s+SNI\\s+1$`,
          'm',
        ),
      );
    },
  },
  {
    argv: 'certs -a acme-web',
    check: (r) => {
      const rows = r.stdout.split('\n').filter((l) => /\sACM$/.test(l));
      expect(rows).toHaveLength(acmDomains(acmeWeb).length);
      for (const d of acmDomains(acmeWeb))
        expect(r.stdout).toMatch(new RegExp(`^  ${acmEndpointJson(d, world.now()).name as string}\\s+${escape(d.hostname)}\\s.*True\\s+ACM$`, 'm'));
    },
  },
  {
    argv: 'certs:info -a pay-api',
    check: (r) => {
      const cert = payApi.sniEndpoints[0]!;
      expect(field(r.stdout, 'Common Name(s)')).toBe(cert.certDomains.join(', '));
      expect(field(r.stdout, 'Issuer')).toBe(cert.issuer);
      expect(field(r.stdout, 'Subject')).toBe(cert.subject);
      expect(r.stdout).toContain('SSL certificate is verified by a root authority.');
    },
  },
  {
    argv: `certs:info -a acme-web --name ${acmEndpointJson(acmDomains(acmeWeb)[1]!, world.now()).name as string}`,
    check: (r) => {
      const cert = acmEndpointJson(acmDomains(acmeWeb)[1]!, world.now()).ssl_cert as { expires_at: string; starts_at: string; issuer: string };
      // (The CLI adds "Renewal scheduled for" a month before expiry when that is still ahead of the machine's clock, not the world's.)
      expect(field(r.stdout, 'Common Name(s)')).toBe(acmDomains(acmeWeb)[1]!.hostname);
      expect(field(r.stdout, 'Expires At')).toBe(`${cert.expires_at.slice(0, 10)} ${cert.expires_at.slice(11, 16)} UTC`);
      expect(field(r.stdout, 'Starts At')).toBe(`${cert.starts_at.slice(0, 10)} ${cert.starts_at.slice(11, 16)} UTC`);
      expect(field(r.stdout, 'Issuer')).toBe(cert.issuer);
    },
  },
  { argv: 'certs:auto -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('=== Automatic Certificate Management is disabled on pay-api') },
  {
    argv: 'certs:auto -a acme-web',
    check: (r) => {
      expect(r.stdout).toContain('=== Automatic Certificate Management is enabled on acme-web');
      for (const d of acmDomains(acmeWeb)) expect(r.stdout).toMatch(new RegExp(`^  ${escape(d.hostname)}\\s+Cert issued\\s`, 'm'));
    },
  },
  {
    argv: 'certs:auto -a acme-status',
    check: (r) => expect(r.stdout).toMatch(/^ {2}status\.acme\.example\s+Failing\s/m),
  },

  // Runtime: dynos, logs, drains, buildpacks, features.
  {
    argv: 'ps -a pay-api',
    check: (r) => {
      for (const f of payApi.formation) expect(r.stdout).toContain(`=== ${f.type} (${f.size}): ${f.command} (${f.quantity})`);
      for (const name of dynoNames(payApi)) expect(r.stdout).toMatch(new RegExp(`^${name.replace('.', '\\.')}: up \\d{4}/\\d\\d/\\d\\d`, 'm'));
    },
  },
  { argv: 'ps -a pay-api --json', check: (r) => expect(sorted((r.json as { name: string }[]).map((d) => d.name))).toEqual(sorted(dynoNames(payApi))) },
  {
    argv: 'ps -a alice-sandbox',
    check: (r) => {
      // An Eco app: the account's Eco dyno hours come first.
      expect(r.stdout).toMatch(/^Eco dyno hours quota remaining this month: \d+h \d+m \(\d+%\)$/m);
      expect(r.stdout).toContain('=== web (Eco): ');
    },
  },
  {
    argv: 'ps:type -a pay-api',
    check: (r) => {
      for (const f of payApi.formation) expect(r.stdout).toMatch(new RegExp(`^  ${f.type}\\s+${f.size}\\s+${f.quantity}\\s`, 'm'));
    },
  },
  { argv: 'ps:wait -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('') },
  {
    argv: 'logs -a pay-api -n 5',
    check: (r) => expect(r.stdout.trimEnd().split('\n')).toEqual(logLines(payApi, world.now(), { lines: 5 })),
  },
  {
    argv: 'logs -a pay-api -n 3 --dyno web.1',
    check: (r) => expect(r.stdout.trimEnd().split('\n')).toEqual(logLines(payApi, world.now(), { lines: 3, dyno: 'web.1' })),
  },
  {
    argv: 'logs -a pay-api -n 4 --source heroku',
    check: (r) => expect(r.stdout.trimEnd().split('\n')).toEqual(logLines(payApi, world.now(), { lines: 4, source: 'heroku' })),
  },
  {
    argv: 'drains -a pay-api',
    check: (r) => {
      for (const d of payApi.logDrains) expect(r.stdout).toContain(`${d.url} (${d.token})`);
    },
  },
  {
    argv: 'drains -a pay-api --json',
    check: (r) => expect((r.json as { url: string; token: string }[]).map((d) => [d.url, d.token])).toEqual(payApi.logDrains.map((d) => [d.url, d.token])),
  },
  { argv: 'buildpacks -a pay-api', check: (r) => expect(r.stdout).toMatch(/^=== pay-api Classic Buildpack .*\n\nheroku\/nodejs\n/) },
  {
    argv: 'buildpacks -a pay-api --json',
    check: (r) => expect((r.json as { buildpack: { name: string } }[]).map((b) => b.buildpack.name)).toEqual(['heroku/nodejs']),
  },
  { argv: 'maintenance -a pay-api', check: (r) => expect(r.stdout.trim()).toBe(payApi.maintenance ? 'on' : 'off') },
  // No app feature is enabled in the demo world: the list shows none; each one still has its details.
  { argv: 'features -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('=== App Features pay-api') },
  { argv: 'features -a pay-api --json', check: (r) => expect(r.json).toEqual([]) },
  { argv: 'features:info preboot -a pay-api', check: (r) => expect(field(r.stdout, 'Enabled')).toBe('false') },
  { argv: 'features:info preboot -a pay-api --json', check: (r) => expect(r.json).toMatchObject({ name: 'preboot', enabled: false }) },
  {
    argv: 'labs',
    check: (r) => {
      expect(r.stdout).toContain(`=== User Features ${alice.email}`);
      expect(r.stdout).toMatch(/^\[[+ ]\] pipelines-beta\s/m);
    },
  },
  { argv: 'labs --json', check: (r) => expect((r.json as { user: { name: string }[] }).user.map((f) => f.name)).toContain('pipelines-beta') },
  { argv: 'labs -a pay-api', check: (r) => expect(r.stdout).toContain('=== App Features pay-api') },
  { argv: 'labs:info pipelines-beta', check: (r) => expect(r.stdout.startsWith('=== pipelines-beta\n')).toBe(true) },
  { argv: 'labs:info pipelines-beta --json', check: (r) => expect(r.json).toMatchObject({ name: 'pipelines-beta', state: 'beta' }) },

  // Releases.
  {
    argv: 'releases -a pay-api',
    check: (r) => {
      const rows = r.stdout.split('\n').filter((l) => /^ {2}v\d+/.test(l));
      expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual([...payApi.releases].reverse().map((x) => `v${x.version}`));
      for (const release of payApi.releases) expect(r.stdout).toContain(release.user.email);
    },
  },
  {
    argv: 'releases -a pay-api --json',
    check: (r) =>
      expect((r.json as { version: number; current: boolean; description: string }[]).map((x) => [x.version, x.current, x.description])).toEqual(
        [...payApi.releases].reverse().map((x) => [x.version, x.current, x.description]),
      ),
  },
  {
    argv: 'releases:info -a pay-api',
    check: (r) => {
      const current = payApi.currentRelease!;
      expect(r.stdout.startsWith(`=== Release v${current.version}\n`)).toBe(true);
      expect(field(r.stdout, 'By')).toBe(current.user.email);
      expect(field(r.stdout, 'Change')).toBe(current.description);
    },
  },
  {
    argv: 'releases:info -a pay-api --json',
    check: (r) => expect(r.json).toMatchObject({ version: payApi.currentRelease!.version, id: payApi.currentRelease!.id }),
  },
  {
    argv: 'releases:info 1 -a pay-api',
    check: (r) => {
      expect(r.stdout.startsWith('=== Release v1\n')).toBe(true);
      // With the config vars as they were at v1.
      expect(r.stdout).toContain('=== v1 Config vars');
    },
  },
  // No release phase ran: there is no output to show, and the CLI says so.
  {
    argv: 'releases:output -a pay-api',
    check: (r) => expect(r.stderr).toContain(`Release v${payApi.currentRelease!.version} has no release output available.`),
  },

  // Pipelines and CI.
  {
    argv: 'pipelines',
    check: (r) => expect(sorted(r.stdout.split('\n').slice(2).filter(Boolean))).toEqual(sorted(access.visiblePipelines(alice).map((p) => p.name))),
  },
  { argv: 'pipelines --json', check: (r) => expect(names(r.json)).toEqual(sorted(access.visiblePipelines(alice).map((p) => p.name))) },
  {
    argv: 'pipelines:info pay-api',
    check: (r) => {
      const pipeline = world.pipelines.find('pay-api')!;
      expect(r.stdout).toContain('owner: acme-payments (team)');
      // Every app has the pipeline's owner: no mixed-ownership warning.
      expect(r.stdout + r.stderr).not.toContain('do not belong to');
      for (const c of pipeline.couplings) expect(r.stdout).toMatch(new RegExp(`^  ${c.app.name}\\s+${c.stage}$`, 'm'));
    },
  },
  {
    argv: 'pipelines:info pay-api --json',
    check: (r) => {
      const info = r.json as { pipeline: { name: string }; apps: { name: string; pipelineCoupling: { stage: string } }[] };
      expect(info.pipeline.name).toBe('pay-api');
      expect(sorted(info.apps.map((a) => `${a.name}:${a.pipelineCoupling.stage}`))).toEqual(
        sorted(world.pipelines.find('pay-api')!.couplings.map((c) => `${c.app.name}:${c.stage}`)),
      );
    },
  },
  // The demo world has no CI runs: the lists are empty and a run is not found.
  { argv: 'ci -a pay-api', check: (r) => expect(r.stdout).toContain('=== Showing latest test runs for the pay-api pipeline') },
  { argv: 'ci -a pay-api --json', check: (r) => expect(r.json).toEqual([]) },
  { argv: 'ci:last -a pay-api', check: (r) => expect(r.stderr).toContain('No Heroku CI runs found') },
  { argv: 'ci:info 1 -a pay-api', code: 2, check: (r) => expect(r.error).toContain("Couldn't find that test run.") },
  { argv: 'ci:config -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('=== pay-api test config vars') },
  { argv: 'ci:config -a pay-api --json', check: (r) => expect(r.json).toEqual({}) },
  { argv: 'ci:config:get FOO -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('undefined') },

  // The account: authorizations, clients, sessions, keys, usage, webhooks, telemetry.
  {
    argv: 'authorizations',
    check: (r) => {
      for (const t of liveTokens()) expect(r.stdout).toMatch(new RegExp(`^  ${t.description}\\s+${t.id}\\s+${t.scope.join(',')}$`, 'm'));
    },
  },
  { argv: 'authorizations --json', check: (r) => expect(sorted((r.json as { id: string }[]).map((a) => a.id))).toEqual(sorted(liveTokens().map((t) => t.id))) },
  {
    argv: `authorizations:info ${alice.tokens[0]!.id}`,
    check: (r) => {
      expect(field(r.stdout, 'ID')).toBe(alice.tokens[0]!.id);
      expect(field(r.stdout, 'Description')).toBe(alice.tokens[0]!.description);
      expect(field(r.stdout, 'Scope')).toBe(alice.tokens[0]!.scope.join(','));
    },
  },
  {
    argv: `authorizations:info ${alice.tokens[0]!.id} --json`,
    check: (r) => expect(r.json).toMatchObject({ id: alice.tokens[0]!.id, scope: alice.tokens[0]!.scope, user: { email: alice.email } }),
  },
  { argv: 'clients', check: (r) => expect(r.stdout.trim()).toBe('No OAuth clients.') },
  { argv: 'clients --json', check: (r) => expect(r.json).toEqual([]) },
  { argv: `clients:info ${NO_SUCH}`, code: 2, check: (r) => expect(r.error).toContain("Couldn't find that OAuth client.") },
  { argv: `clients:info ${NO_SUCH} --json`, code: 2, check: (r) => expect(r.error).toContain("Couldn't find that OAuth client.") },
  { argv: 'sessions', check: (r) => expect(r.stdout.trim()).toBe('No OAuth sessions.') },
  { argv: 'sessions --json', check: (r) => expect(r.json).toEqual([]) },
  { argv: 'keys', check: (r) => expect(r.stderr).toContain('You have no SSH keys.') },
  { argv: 'keys --json', check: (r) => expect(r.json).toEqual([]) },
  { argv: 'usage:addons -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('No usage found for app pay-api') },
  { argv: 'usage:addons -t acme-payments', check: (r) => expect(r.stdout.trim()).toBe('No usage found for team acme-payments') },
  { argv: 'webhooks -a pay-api', check: (r) => expect(r.stdout.trim()).toMatch(/^pay-api has no webhooks\nUse\s+\$ heroku webhooks:add\s+to add one\.$/) },
  { argv: `webhooks:info ${NO_SUCH} -a pay-api`, code: 2, check: (r) => expect(r.error).toContain("Couldn't find that webhook.") },
  { argv: 'webhooks:events -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('pay-api has no events') },
  { argv: `webhooks:events:info ${NO_SUCH} -a pay-api`, code: 2, check: (r) => expect(r.error).toContain("Couldn't find that webhook event.") },
  { argv: 'webhooks:deliveries -a pay-api', check: (r) => expect(r.stdout.trim()).toBe('pay-api has no deliveries') },
  { argv: `webhooks:deliveries:info ${NO_SUCH} -a pay-api`, code: 2, check: (r) => expect(r.error).toContain("Couldn't find that webhook delivery.") },
  { argv: 'telemetry -a pay-api', check: (r) => expect(r.stdout).toContain('pay-api') },
  { argv: `telemetry:info ${NO_SUCH}`, code: 2, check: (r) => expect(r.error).toContain("Couldn't find that telemetry drain.") },
  {
    argv: 'regions',
    check: (r) => {
      for (const region of world.regions.values()) expect(r.stdout).toMatch(new RegExp(`^  ${region.info.name}\\s+${escape(region.info.description)}\\s`, 'm'));
    },
  },
  { argv: 'regions --json', check: (r) => expect(names(r.json)).toEqual(sorted([...world.regions.values()].map((x) => x.info.name))) },

  // Private Spaces: a world has none. The list is empty, and each space is not found.
  { argv: 'spaces', code: 2, check: (r) => expect(r.error).toContain('You do not have access to any spaces.') },
  { argv: 'spaces --json', check: (r) => expect(r.json).toEqual([]) },
  ...[
    'spaces:info nowhere',
    'spaces:info nowhere --json',
    'spaces:peerings nowhere',
    'spaces:peerings nowhere --json',
    'spaces:peerings:info nowhere',
    'spaces:topology nowhere',
    'spaces:topology nowhere --json',
    'spaces:trusted-ips nowhere',
    'spaces:trusted-ips nowhere --json',
    'spaces:peerings:info nowhere --json',
    'spaces:vpn:connections -s nowhere',
    'spaces:vpn:connections -s nowhere --json',
    'spaces:vpn:info office -s nowhere',
    'spaces:vpn:info office -s nowhere --json',
    'spaces:vpn:config office -s nowhere',
    'spaces:vpn:config office -s nowhere --json',
    'spaces:ps nowhere',
    'spaces:ps nowhere --json',
    'spaces:hosts nowhere',
    'spaces:hosts nowhere --json',
    'spaces:drains:get -s nowhere',
    'spaces:drains:get -s nowhere --json',
    'spaces:wait nowhere',
    'spaces:wait nowhere --json',
  ].map((argv): Case => ({ argv, code: 2, check: (r) => expect(r.error).toContain("Couldn't find that space.") })),
];

let results: Map<string, CliResult>;

beforeAll(async () => {
  await installHerokuCli();
  const ran = await herokuBatch(
    emulator.url,
    ALICE,
    cases.map((c) => c.argv.split(' ')),
  );
  results = new Map(ran.map((r) => [r.argv.join(' '), r]));
}, 900_000);

describe('Heroku CLI 11 read commands against the demo world', () => {
  it.each(cases)('heroku $argv', ({ argv, check, code = 0 }) => {
    const result = results.get(argv)!;
    expect(result.code, `heroku ${argv} ended with ${result.code}: ${result.error ?? result.stderr}`).toBe(code);
    const json = argv.split(' ').includes('--json') && code === 0 ? (JSON.parse(result.stdout) as unknown) : undefined;
    check({ ...result, json });
  });

  it('covers at least 55 commands, every one answered by the emulator alone', () => {
    const commands = new Set(cases.map((c) => c.argv.split(' ')[0]));
    console.log(
      `Heroku CLI ${'11'} read commands run: ${commands.size} commands, ${cases.length} invocations (${cases.filter((c) => c.argv.includes('--json')).length} with --json)`,
    );
    expect(commands.size).toBeGreaterThanOrEqual(55);
    // Nothing reached beyond the emulator: every request the CLI made was served, none refused as unknown.
    const unknown = emulator
      .requests()
      .filter((r) => r.status === 404 && !/\/spaces\/nowhere|\/test-runs|\/oauth\/clients\/|webhook|telemetry-drains\//.test(r.path));
    expect(unknown.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});

/** The names in a JSON list, sorted. */
function names(json: unknown): string[] {
  return sorted((json as { name: string }[]).map((x) => x.name));
}

/** The value of a `Label: value` line in the CLI's styled output. */
function field(stdout: string, label: string): string | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(`${label}:`));
  return line?.slice(label.length + 1).trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function dynoNames(a: App): string[] {
  return a.formation.flatMap((f) => Array.from({ length: f.quantity }, (_, i) => `${f.type}.${i + 1}`));
}

/** Who `heroku access` lists for a team app: its collaborators and the team's admins, with their roles. */
function expectedAccess(a: App): [string, string][] {
  const entries = new Map<string, string>(a.collaborators.map((c) => [c.user.email, c.role]));
  for (const m of a.team?.members ?? []) if (m.role === 'admin') entries.set(m.user.email, 'admin');
  return [...entries];
}

function liveTokens() {
  const now = world.now().getTime();
  return alice.tokens.filter((t) => !t.revoked && (t.expiresIn === null || Date.parse(t.createdAt) + t.expiresIn * 1000 > now));
}
