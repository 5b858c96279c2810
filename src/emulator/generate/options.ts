/** What to generate; every count and rate has a default scaled from `apps`. */
export interface GenerateOptions {
  seed: number;
  /** The world's clock. */
  now: string;
  apps: number;
  teams: number;
  /** People in the company (employees; contractors come on top). */
  members: number;
  enterprises: 0 | 1;
  /** Custom domains (each app also has its herokuapp.com domain). */
  domains: number;
  addons: number;
  /** Days of audit trail, ending today. */
  days: number;
  eventsPerDay: number;
  /** Teams the auditing account is not a member of (their apps are invisible to it). */
  hiddenTeams: number;
  rates: PlantRates;
}

/** How often each imperfection is planted. */
export interface PlantRates {
  /** Members (not federated) without 2FA. */
  no2fa: number;
  /** People who sign in through the enterprise's identity provider. */
  federated: number;
  /** Teams with more than 3 admins. */
  excessAdmins: number;
  /** Apps with an outside contractor as collaborator. */
  externalCollaborator: number;
  /** Custom domains with neither ACM nor a certificate. */
  noTls: number;
  /** Custom domains whose ACM certificate failed. */
  acmFailing: number;
  /** Production apps on a manual certificate (SNI endpoint) rather than ACM. */
  manualCert: number;
  /** Manual certificates that expired, expire within 30 days, or are self-signed. */
  expiredCert: number;
  expiringCert: number;
  selfSignedCert: number;
  /** Apps on a stack past end of life. */
  eolStack: number;
  /** Pipelines whose production database is attached to their staging app. */
  prodDbOnStaging: number;
  /** Production team apps left unlocked. */
  unlockedProduction: number;
  /** Production apps without a log drain. */
  noLogDrain: number;
  /** People holding a never-expiring global authorization older than 90 days. */
  oldGlobalToken: number;
  /** Apps whose deployed slug has a dependency with a known vulnerability. */
  vulnerableSlug: number;
  /** Fir-generation apps: they deploy OCI images, and have no slug to read. */
  firApp: number;
  /** Apps with a long release history, whose oldest releases' slugs expired under Heroku's retention rules. */
  longHistory: number;
}

export const DEFAULT_RATES: PlantRates = {
  no2fa: 0.08,
  federated: 0.6,
  excessAdmins: 0.2,
  externalCollaborator: 0.03,
  noTls: 0.04,
  acmFailing: 0.02,
  manualCert: 0.1,
  expiredCert: 0.15,
  expiringCert: 0.15,
  selfSignedCert: 0.1,
  eolStack: 0.04,
  prodDbOnStaging: 0.08,
  unlockedProduction: 0.1,
  noLogDrain: 0.12,
  oldGlobalToken: 0.25,
  vulnerableSlug: 0.2,
  firApp: 0.04,
  longHistory: 0.1,
};

export function resolveOptions(partial: Partial<Omit<GenerateOptions, 'rates'>> & { rates?: Partial<PlantRates> } = {}): GenerateOptions {
  const apps = partial.apps ?? 200;
  return {
    seed: partial.seed ?? 1,
    now: partial.now ?? '2026-11-20T12:00:00Z',
    apps,
    teams: partial.teams ?? Math.max(1, Math.min(40, Math.round(apps / 160))),
    members: partial.members ?? Math.max(5, Math.round(apps / 13)),
    enterprises: partial.enterprises ?? 1,
    domains: partial.domains ?? apps * 2,
    addons: partial.addons ?? apps * 2,
    days: partial.days ?? 30,
    eventsPerDay: partial.eventsPerDay ?? Math.max(10, Math.round(apps / 20)),
    hiddenTeams: partial.hiddenTeams ?? 0,
    rates: { ...DEFAULT_RATES, ...partial.rates },
  };
}

const COUNTS = ['seed', 'apps', 'teams', 'members', 'enterprises', 'domains', 'addons', 'days', 'eventsPerDay', 'hiddenTeams'] as const;

/**
 * Parses `apps=2000,teams=12,members=150,no2fa=0.1,now=2026-11-20T12:00:00Z`:
 * counts, the clock, and any plant rate by name. Keys may be written
 * kebab-case (`events-per-day`).
 */
export function parseGenerateSpec(spec: string): Partial<Omit<GenerateOptions, 'rates'>> & { rates?: Partial<PlantRates> } {
  const out: Partial<Omit<GenerateOptions, 'rates'>> & { rates: Partial<PlantRates> } = { rates: {} };
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [rawKey, value] = part.split('=').map((s) => s.trim());
    const key = rawKey!.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (value === undefined || value === '') throw new Error(`--generate: "${part}" needs a value, as in apps=2000`);
    if (key === 'now') {
      if (Number.isNaN(Date.parse(value))) throw new Error(`--generate: now=${value} is not an ISO 8601 date-time`);
      out.now = new Date(value).toISOString().replace(/\.000Z$/, 'Z');
    } else if ((COUNTS as readonly string[]).includes(key)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--generate: ${rawKey} must be a whole number, not ${value}`);
      (out as unknown as Record<string, number>)[key] = n;
    } else if (key in DEFAULT_RATES) {
      const rate = Number(value);
      if (!(rate >= 0 && rate <= 1)) throw new Error(`--generate: ${rawKey} is a rate between 0 and 1, not ${value}`);
      out.rates[key as keyof PlantRates] = rate;
    } else {
      throw new Error(`--generate: unknown setting "${rawKey}"; known: ${[...COUNTS, 'now', ...Object.keys(DEFAULT_RATES)].join(', ')}`);
    }
  }
  if (out.enterprises !== undefined && out.enterprises > 1) throw new Error('--generate: enterprises is 0 or 1');
  return out;
}
