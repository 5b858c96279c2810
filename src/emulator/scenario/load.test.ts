import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeScenario } from '../../../test/support/scenarios.js';
import { buildWorld } from '../world/build.js';
import { closest, parseScenarioText, readScenarioFile, validateScenario } from './load.js';
import { ScenarioError } from './scenario-error.js';
import type { Scenario } from './types.js';

/** The problems a scenario produces, as `path: message` lines. */
function problems(mutate: (s: Scenario & Record<string, unknown>) => void): string[] {
  const scenario = edgeScenario() as Scenario & Record<string, unknown>;
  mutate(scenario);
  try {
    buildWorld(validateScenario(scenario));
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('scenario validation', () => {
  it('accepts the edge-case world as it is', () => {
    expect(problems(() => {})).toEqual([]);
  });

  it.each<[string, (s: Scenario & Record<string, unknown>) => void, string]>([
    ['an unknown top-level key', (s) => void (s.aps = []), '$.aps: unknown key "aps" (did you mean "apps"?)'],
    ['an unknown key on an app', (s) => void (s.apps![0]!.acme = true), '$.apps[0].acme: unknown key "acme" (did you mean "acm"?)'],
    [
      'a typo in a nested key',
      (s) => void (s.apps![0]!.domains![0]!.hostnme = 'x'),
      '$.apps[0].domains[0].hostnme: unknown key "hostnme" (did you mean "hostname"?)',
    ],
    [
      'a schema field of the wrong type',
      (s) => void ((s.apps![0] as Record<string, unknown>).maintenance = 'yes'),
      '$.apps[0].maintenance: must be boolean (got "yes")',
    ],
    [
      'a bad date',
      (s) => void (s.apps![0]!.created_at = '2026-13-45T00:00:00Z'),
      '$.apps[0].created_at: "2026-13-45T00:00:00Z" is not a valid date-time (use ISO 8601 UTC, e.g. 2026-11-20T12:00:00Z)',
    ],
    ['a bad clock', (s) => void (s.now = 'yesterday'), '$.now: "yesterday" is not a valid date-time'],
    [
      'an unknown role',
      (s) => void ((s.teams![0]!.members![0] as { role: string }).role = 'boss'),
      '$.teams[0].members[0].role: must be one of "admin", "member", "viewer", "collaborator", "owner", not "boss"',
    ],
    ['an unknown scope', (s) => void ((s.accounts![0]!.tokens![0]!.scope as string[]) = ['everything']), '$.accounts[0].tokens[0].scope[0]: must be one of'],
    [
      'a missing required key',
      (s) => void delete (s.apps![0] as Partial<Scenario['apps'] & object>)['name' as never],
      '$.apps[0]: missing required key "name"',
    ],
    ['an app name Heroku would refuse', (s) => void (s.apps![0]!.name = 'Edge_API'), '$.apps[0].name: must match pattern'],
    ['a wrong version', (s) => void ((s as { version: number }).version = 2), '$.version: must be one of 1, not 2'],
  ])('reports %s with its JSON path', (_case, mutate, expected) => {
    const found = problems(mutate);
    expect(
      found.some((line) => line.startsWith(expected)),
      `${expected}\n in:\n${found.join('\n')}`,
    ).toBe(true);
  });

  it.each<[string, (s: Scenario) => void, string]>([
    ['an app of a team that does not exist', (s) => void (s.apps![0]!.team = 'nope'), '$.apps[0].team: no team named nope'],
    [
      'an app with both a team and an owner',
      (s) => void (s.apps![0]!.owner = 'admin@edge.example'),
      '$.apps[0]: an app needs exactly one of "team" (a team app) or "owner" (a personal app)',
    ],
    [
      'a domain on an SNI endpoint the app lacks',
      (s) => void (s.apps![0]!.domains![1]!.sni_endpoint = 'other-cert'),
      '$.apps[0].domains[1].sni_endpoint: no SNI endpoint named other-cert on app edge-api',
    ],
    ['an add-on on a missing app', (s) => void (s.addons![0]!.app = 'ghost'), '$.addons[0].app: no app named ghost'],
    ['an attachment to a missing app', (s) => void (s.addons![0]!.attachments![1]!.app = 'ghost'), '$.addons[0].attachments[1].app: no app named ghost'],
    [
      'an unknown add-on service',
      (s) => void (s.addons![0]!.service = 'heroku-postgres'),
      '$.addons[0].service: unknown add-on service heroku-postgres; define it under addon_services or use one of',
    ],
    ['an unknown plan', (s) => void (s.addons![0]!.plan = 'gigantic-9'), '$.addons[0].plan: heroku-postgresql has no plan gigantic-9; its plans are'],
    [
      'a team in a missing enterprise',
      (s) => void (s.teams![0]!.enterprise_account = 'nope'),
      '$.teams[0].enterprise_account: no enterprise account named nope',
    ],
    ['a pipeline of a missing team', (s) => void (s.pipelines![0]!.owner = { team: 'nope' }), '$.pipelines[0].owner.team: no team named nope'],
    ['a coupling of a missing app', (s) => void (s.pipelines![0]!.couplings![0]!.app = 'ghost'), '$.pipelines[0].couplings[0].app: no app named ghost'],
    [
      'an app in two pipelines',
      (s) => void s.pipelines![1]!.couplings!.push({ app: 'edge-api', stage: 'staging' }),
      '$.pipelines[1].couplings[1].app: edge-api is already coupled to pipeline edge',
    ],
    ['a duplicate app', (s) => void s.apps!.push({ name: 'edge-api', team: 'edge-core' }), '$.apps[6].name: duplicate app edge-api'],
    [
      'a duplicate token',
      (s) => void (s.accounts![1]!.tokens![0]!.token = s.accounts![0]!.tokens![0]!.token),
      '$.accounts[1].tokens[0].token: this token is already given',
    ],
    [
      'a hostname used twice',
      (s) => void (s.apps![1]!.domains = [{ hostname: 'api.edge.example' }]),
      '$.apps[1].domains[0].hostname: hostname api.edge.example is already a domain of edge-api',
    ],
    ['an unknown region', (s) => void (s.apps![0]!.region = 'mars'), '$.apps[0].region: unknown region mars'],
    ['an unknown stack', (s) => void (s.apps![0]!.stack = 'heroku-99'), '$.apps[0].stack: unknown stack heroku-99'],
    [
      'a certificate that expires before it starts',
      (s) => void (s.apps![0]!.sni_endpoints![0]!.expires_at = '2025-01-01T00:00:00Z'),
      '$.apps[0].sni_endpoints[0].expires_at: expires_at must be after starts_at',
    ],
    [
      'permissions on a personal app',
      (s) => void (s.apps![4]!.collaborators![0]!.permissions = ['view']),
      '$.apps[4].collaborators[0].permissions: permissions apply to collaborators on team apps only',
    ],
    ['a release listed twice', (s) => void s.apps![0]!.releases!.push({ version: 2 }), '$.apps[0].releases[3].version: release v2 is listed twice'],
    ...['../../etc/passwd', '/etc/passwd', 'lib/../../x', 'a\\b', 'a//b', './x'].map((path): [string, (s: Scenario) => void, string] => [
      `a slug file path ${path}`,
      (s) => void s.apps![0]!.releases!.push({ version: 9, slug: { files: { [path]: 'x' } } }),
      `$.apps[0].releases[3].slug.files: slug file path ${JSON.stringify(path)} must be relative`,
    ]),
  ])('reports %s', (_case, mutate, expected) => {
    const found = problems(mutate);
    expect(
      found.some((line) => line.startsWith(expected)),
      `${expected}\n in:\n${found.join('\n')}`,
    ).toBe(true);
  });

  it('reports every problem at once, not just the first', () => {
    const found = problems((s) => {
      s.apps![0]!.team = 'nope';
      s.addons![0]!.service = 'nope';
      s.pipelines![0]!.owner = { team: 'nope' };
    });
    expect(found.length).toBeGreaterThanOrEqual(3);
  });

  it('summarises the problems in the error message, naming the source', () => {
    const scenario = edgeScenario() as Scenario & Record<string, unknown>;
    scenario.aps = [];
    expect(() => validateScenario(scenario, 'my-world.json')).toThrow(/^Scenario my-world.json is invalid \(1 problem\):\n {2}\$\.aps: unknown key "aps"/);
  });

  it('accepts any field the official schema defines for the resource', () => {
    expect(
      problems((s) => {
        s.apps![0]!.buildpack_provided_description = 'Custom buildpack';
        s.apps![0]!.domains![0]!.acm_status_reason = 'Pending DNS';
        s.teams![0]!.membership_limit = 25;
      }),
    ).toEqual([]);
  });
});

describe('scenario files', () => {
  async function file(name: string, content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'herowatch-scenario-'));
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('reads JSON and YAML alike', async () => {
    const json = await readScenarioFile(await file('w.json', JSON.stringify(edgeScenario())));
    const yaml = await readScenarioFile(
      await file('w.yaml', `version: 1\nnow: 2026-11-20T12:00:00Z\napps:\n  - name: yaml-app\n    owner: someone@example.com\n`),
    );
    expect(json.apps).toHaveLength(6);
    expect(buildWorld(yaml).apps.find('yaml-app')?.owner?.email).toBe('someone@example.com');
  });

  it('says which file cannot be read and why', async () => {
    await expect(readScenarioFile('/nonexistent/world.json')).rejects.toThrow(
      /Scenario \/nonexistent\/world.json is invalid.*\n.*cannot read the scenario file: no such file/,
    );
  });

  it('reports JSON syntax errors', () => {
    expect(() => parseScenarioText('{"version": 1,', 'broken.json')).toThrow(/broken.json is invalid[\s\S]*not valid JSON/);
  });

  it('reports YAML syntax errors with the line', () => {
    expect(() => parseScenarioText('version: 1\napps: [\n', 'broken.yaml')).toThrow(/not valid YAML \(line \d+\)/);
  });
});

describe('closest', () => {
  it('suggests near misses only', () => {
    expect(closest('teams', ['team', 'apps'])).toBe('team');
    expect(closest('zzzzzz', ['team', 'apps'])).toBeUndefined();
  });
});
