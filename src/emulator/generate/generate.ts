import type { Scenario, ScenarioAccount, ScenarioEnterprise, ScenarioEvent, ScenarioPipeline, ScenarioTeam, ScenarioToken } from '../scenario/types.js';
import { COMPANIES, CONTRACTOR_DOMAINS, DEPARTMENTS, FIRST_NAMES, LAST_NAMES } from './names.js';
import { resolveOptions, type GenerateOptions, type PlantRates } from './options.js';
import { Random } from './random.js';
import { generateEvents } from './events.js';
import { generateAddons } from './addons.js';
import { generateApps, type GeneratedApp } from './apps.js';
import { emptyPlanted, type Planted } from './planted.js';
import type { GeneratedTeam, Person } from './people.js';

export type { GenerateOptions } from './options.js';
export { parseGenerateSpec } from './options.js';
export type { Planted } from './planted.js';

export interface GeneratedScenario {
  scenario: Scenario;
  /** What was planted where, so tests know which findings the world must produce. */
  planted: Planted;
  /** Tokens of the auditing account the world is meant to be inspected with. */
  tokens: { readOnly: string; global: string };
}

const DAY = 86_400_000;

/**
 * Builds a realistic company world from a seed: people (some federated
 * through the enterprise's identity provider, some contractors), teams,
 * services deployed as pipelines of apps, domains, certificates, add-ons,
 * releases with dependency manifests, tokens and an audit trail; with
 * imperfections planted at the configured rates and recorded in `planted`.
 * The same options always give the same world.
 */
export function generateScenario(input: Parameters<typeof resolveOptions>[0] = {}): GeneratedScenario {
  const options = resolveOptions(input);
  const random = new Random(options.seed);
  const now = Date.parse(options.now);
  const company = random.fork('company').pick(COMPANIES);
  const domain = `${company}.example`;
  const planted = emptyPlanted(company, domain);
  const withIdp = options.enterprises === 1;

  const people = generatePeople(random.fork('people'), options, domain, withIdp);
  const auditor: Person = { email: `herowatch-auditor@${domain}`, name: 'herowatch Auditor', federated: false, twoFactor: true, contractor: false };
  planted.auditor = auditor.email;
  const teams = generateTeams(random.fork('teams'), options, company, people, auditor, planted);
  const employees = people.filter((p) => !p.contractor);

  const apps = generateApps(random.fork('apps'), options, { now, domain, teams, people, planted });
  const pipelines = generatePipelines(apps);
  const addons = generateAddons(random.fork('addons'), options, apps, planted);

  const { accounts, tokens } = generateAccounts(random.fork('tokens'), options.rates, now, people, auditor, planted);
  const enterprise = withIdp ? generateEnterprise(random.fork('enterprise'), options, company, employees, auditor, planted) : null;
  if (enterprise) {
    enterprise.events = generateEvents(random.fork('events'), options, {
      now,
      apps: apps.filter((a) => a.scenario.team).map((a) => a.scenario),
      teams: teams.map((t) => t.name),
      actors: employees.map((p) => p.email),
    });
  }
  recordTwoFactor(planted, teams, people, enterprise, withIdp);

  const scenario: Scenario = {
    version: 1,
    now: options.now,
    accounts,
    enterprise_accounts: enterprise ? [enterprise] : [],
    teams: teams.map((team): ScenarioTeam => ({
      name: team.name,
      ...(enterprise ? { enterprise_account: enterprise.name } : {}),
      members: team.members,
      features: [{ name: 'team-invite-acceptance', enabled: false }],
    })),
    apps: apps.map((a) => a.scenario),
    addons,
    pipelines,
    meta: { generator: { ...options, rates: options.rates }, planted },
  };
  GENERATED.add(scenario);
  return { scenario, planted, tokens };
}

/**
 * Scenarios this generator made, valid by construction (the tests check that
 * they pass validation): loading one skips the schema pass, which costs
 * seconds at 10,000 apps. The world build still resolves every reference.
 */
const GENERATED = new WeakSet<Scenario>();

export function isGenerated(scenario: Scenario): boolean {
  return GENERATED.has(scenario);
}

function generatePeople(random: Random, options: GenerateOptions, domain: string, withIdp: boolean): Person[] {
  const people: Person[] = [];
  const used = new Set<string>();
  const unique = (local: string, host: string): string => {
    let email = `${local}@${host}`;
    for (let n = 2; used.has(email); n++) email = `${local}${n}@${host}`;
    used.add(email);
    return email;
  };
  for (let i = 0; i < options.members; i++) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const federated = withIdp && random.chance(options.rates.federated);
    people.push({
      email: unique(`${first}.${last}`, domain),
      name: `${capital(first)} ${capital(last)}`,
      federated,
      // Heroku reports federated users without 2FA: their IdP enforces MFA.
      twoFactor: federated ? false : !random.chance(options.rates.no2fa),
      contractor: false,
    });
  }
  const contractors = Math.max(1, Math.round(options.members * 0.05));
  for (let i = 0; i < contractors; i++) {
    const first = random.pick(FIRST_NAMES);
    people.push({
      email: unique(`${first}.${random.pick(LAST_NAMES)}`, random.pick(CONTRACTOR_DOMAINS)),
      name: capital(first),
      federated: false,
      twoFactor: !random.chance(options.rates.no2fa),
      contractor: true,
    });
  }
  return people;
}

function capital(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

function generateTeams(random: Random, options: GenerateOptions, company: string, people: Person[], auditor: Person, planted: Planted): GeneratedTeam[] {
  const teams: GeneratedTeam[] = [];
  const employees = people.filter((p) => !p.contractor);
  for (let i = 0; i < options.teams; i++) {
    const [dept, short] = DEPARTMENTS[i % DEPARTMENTS.length]!;
    const round = Math.floor(i / DEPARTMENTS.length);
    const suffix = round === 0 ? '' : String(round + 1);
    teams.push({
      name: `${company}-${dept}${suffix}`,
      dept: `${dept}${suffix}`,
      short: `${short}${suffix}`,
      members: [],
      hidden: i >= options.teams - options.hiddenTeams,
    });
  }
  if (teams.length === 0) return teams;
  // Everyone works in one team, some in a second.
  employees.forEach((person, i) => {
    const home = teams[i % teams.length]!;
    home.members.push({ email: person.email, role: 'member' });
    if (teams.length > 1 && random.chance(0.25)) {
      const other = random.pick(teams.filter((t) => t !== home));
      other.members.push({ email: person.email, role: 'member' });
    }
  });
  for (const team of teams) {
    const excess = random.chance(options.rates.excessAdmins) && team.members.length >= 4;
    const admins = Math.min(team.members.length, excess ? random.int(4, 6) : random.int(1, 3));
    random.sample(team.members, team.members.length).forEach((member, i) => {
      member.role = i < admins ? 'admin' : random.chance(0.15) ? 'viewer' : 'member';
    });
    if (team.members.filter((m) => m.role === 'admin').length > 3) planted.teams_with_excess_admins.push(team.name);
    if (!team.hidden) team.members.push({ email: auditor.email, role: 'viewer' });
    else planted.hidden_teams.push(team.name);
  }
  for (const contractor of people.filter((p) => p.contractor)) {
    if (random.chance(0.4)) random.pick(teams).members.push({ email: contractor.email, role: 'collaborator' });
  }
  return teams;
}

function generatePipelines(apps: GeneratedApp[]): ScenarioPipeline[] {
  const byService = new Map<string, GeneratedApp[]>();
  for (const app of apps) {
    if (!app.service) continue;
    const list = byService.get(app.service);
    if (list) list.push(app);
    else byService.set(app.service, [app]);
  }
  return [...byService.entries()].map(([service, members]) => ({
    name: service,
    owner: { team: members[0]!.scenario.team! },
    couplings: members.map((m) => ({ app: m.scenario.name, stage: m.stage! })),
  }));
}

function generateAccounts(
  random: Random,
  rates: PlantRates,
  now: number,
  people: Person[],
  auditor: Person,
  planted: Planted,
): { accounts: ScenarioAccount[]; tokens: GeneratedScenario['tokens'] } {
  const at = (daysAgo: number): string => new Date(now - daysAgo * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const token = (): string => {
    const hex = random.hex(32);
    return `HRKU-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const readOnly = token();
  const global = token();
  const auditorTokens: ScenarioToken[] = [
    { token: readOnly, scope: ['identity', 'read-protected'], description: 'herowatch (read-only)', created_at: at(20), expires_in: null },
    { token: global, kind: 'api-key', scope: ['global'], description: 'API Key', created_at: at(45), expires_in: null },
  ];
  // Integrations that share the auditing account; some never had their tokens rotated.
  for (const description of ['CI deploys', 'Terraform', 'Status dashboard', 'Nightly backups']) {
    if (random.chance(rates.oldGlobalToken)) {
      auditorTokens.push({ token: token(), scope: ['global'], description, created_at: at(random.int(120, 700)), expires_in: null });
      planted.old_global_tokens.push(description);
    } else {
      auditorTokens.push({ token: token(), scope: ['read-protected'], description, created_at: at(random.int(5, 60)), expires_in: 31_536_000 });
    }
  }
  const accounts: ScenarioAccount[] = [
    { email: auditor.email, name: auditor.name, two_factor_authentication: true, federated: false, tokens: auditorTokens },
    ...people.map((person) => ({
      email: person.email,
      name: person.name,
      two_factor_authentication: person.twoFactor,
      federated: person.federated,
      tokens: [
        { token: token(), kind: 'api-key' as const, scope: ['global' as const], description: 'API Key', created_at: at(random.int(1, 900)), expires_in: null },
      ],
    })),
  ];
  return { accounts, tokens: { readOnly, global } };
}

function generateEnterprise(
  random: Random,
  options: GenerateOptions,
  company: string,
  employees: Person[],
  auditor: Person,
  planted: Planted,
): ScenarioEnterprise {
  const managers = Math.min(employees.length, random.chance(options.rates.excessAdmins) ? random.int(4, 6) : random.int(2, 3));
  const chosen = new Set(random.sample(employees, managers).map((p) => p.email));
  if (chosen.size > 3) planted.enterprise_excess_manage.push(company);
  return {
    name: company,
    identity_provider: { name: `${company}-okta` },
    members: [
      ...employees.map((person) => ({
        email: person.email,
        permissions: chosen.has(person.email) ? (['view', 'create', 'manage', 'billing'] as const).slice() : (['view'] as const).slice(),
      })),
      { email: auditor.email, permissions: ['view'] },
    ],
    events: [] as ScenarioEvent[],
  };
}

/** Who fails the 2FA and federation checks, as the checks see it (federated people pass 2FA). */
function recordTwoFactor(planted: Planted, teams: GeneratedTeam[], people: Person[], enterprise: ScenarioEnterprise | null, withIdp: boolean): void {
  const byEmail = new Map(people.map((p) => [p.email, p]));
  for (const team of teams) {
    for (const member of team.members) {
      const person = byEmail.get(member.email);
      if (person && !person.twoFactor && !person.federated) planted.team_members_without_2fa.push(`${team.name}/${member.email}`);
    }
  }
  for (const member of enterprise?.members ?? []) {
    const person = byEmail.get(member.email);
    if (!person) continue;
    if (!person.twoFactor && !person.federated) planted.enterprise_members_without_2fa.push(member.email);
    if (withIdp && !person.federated) planted.enterprise_members_not_federated.push(member.email);
  }
  // The auditing service account signs in with its API key, not through the IdP.
  if (withIdp && enterprise) planted.enterprise_members_not_federated.push(planted.auditor);
}
