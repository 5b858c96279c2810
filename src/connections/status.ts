import type { Account, EnterpriseAccount, OAuthAuthorization, Team } from '@heroku-cli/schema';
import { scopeAllows } from '../heroku/scopes.js';
import { DAY_MS } from '../time.js';
import type { HerokuClient } from '../heroku/client.js';
import { HerokuApiError, HerokuTransportError } from '../heroku/errors.js';
import { tokenFingerprint } from '../heroku/sanitize.js';
import { LEAST_PRIVILEGE_COMMAND } from '../inventory/coverage.js';

/**
 * The connection test: who the token belongs to, what kind of token it is and
 * when it expires, what it can see, and, per capability herowatch needs,
 * whether it can, and if not why and how to fix it. The JSON shape of
 * ConnectionStatus is stable (`herowatch status --json`); see docs/connections.md.
 */
export type ConnectionState = 'connected' | 'degraded' | 'failing' | 'disabled';
export type DiagnosisLevel = 'error' | 'gap' | 'warning' | 'advice';
export type TokenKind = 'api-key' | 'authorization' | 'cli-login' | 'oauth-client' | 'unknown';
export type CapabilityName = 'inventory' | 'config_var_names' | 'enterprise_members' | 'audit_trail' | 'team_member_2fa';

export interface Diagnosis {
  code: DiagnosisCode;
  severity: DiagnosisLevel;
  message: string;
  fix: string | null;
}

/** Every diagnosis the test can give (docs/connections.md has a row for each). */
export const DIAGNOSIS_CODES = [
  'token-invalid',
  'account-suspended',
  'api-unreachable',
  'api-not-heroku',
  'token-expiring-soon',
  'token-cli-login',
  'enterprise-not-found',
  'enterprise-view-missing',
  'team-membership-missing',
  'scope-identity-only',
  'scope-without-protected-data',
  'scope-global',
  'rate-limit-low',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

export interface Capability {
  can: boolean;
  reason: string | null;
  fix: string | null;
}

export interface ConnectionStatus {
  connection: string;
  state: ConnectionState;
  tested_at: string;
  api_url: string;
  account: { id: string; email: string; name: string | null; federated: boolean; two_factor_authentication: boolean } | null;
  token: { kind: TokenKind; scope: string[]; description: string | null; created_at: string | null; expires_at: string | null } | null;
  teams: { name: string; role: string | null }[];
  enterprise_accounts: { name: string; permissions: string[] }[];
  rate_limit: { remaining: number | null; pool: number };
  capabilities: Record<CapabilityName, Capability>;
  diagnoses: Diagnosis[];
}

export interface TestOptions {
  connection: string;
  apiUrl: string;
  token: string;
  /** Enterprise account (name or id) the connection is meant for. */
  enterprise?: string | null;
  now?: Date;
  /** Warn when the token expires within this many days. */
  expiryWarningDays?: number;
  pool?: number;
}

export const CAPABILITIES: CapabilityName[] = ['inventory', 'config_var_names', 'enterprise_members', 'audit_trail', 'team_member_2fa'];

/**
 * Why a failing test failed, in a headline that agrees with its first
 * error: a network that does not reach Heroku is not a token Heroku refused.
 */
export function failingHeadline(status: Pick<ConnectionStatus, 'diagnoses'>): string {
  const error = status.diagnoses.find((d) => d.severity === 'error');
  switch (error?.code) {
    case 'token-invalid':
      return 'Heroku does not accept this token';
    case 'api-unreachable':
      return 'The Heroku API could not be reached, so the token could not be tested';
    case 'api-not-heroku':
      return "That address does not answer as Heroku's API, so the token could not be tested";
    default:
      return error ? error.message.replace(/[.:]\s*$/, '') : 'The test failed';
  }
}

export function stateOf(diagnoses: Diagnosis[]): ConnectionState {
  if (diagnoses.some((d) => d.severity === 'error')) return 'failing';
  if (diagnoses.some((d) => d.severity === 'gap' || d.severity === 'warning')) return 'degraded';
  return 'connected';
}

/** A status for a connection whose credentials were removed. */
export function disabledStatus(connection: string, apiUrl: string, now = new Date()): ConnectionStatus {
  const off: Capability = {
    can: false,
    reason: 'The connection is disconnected: its credentials were deleted.',
    fix: `herowatch connect --name ${connection} --token-stdin`,
  };
  return {
    connection,
    state: 'disabled',
    tested_at: now.toISOString(),
    api_url: apiUrl,
    account: null,
    token: null,
    teams: [],
    enterprise_accounts: [],
    rate_limit: { remaining: null, pool: 4500 },
    capabilities: Object.fromEntries(CAPABILITIES.map((c) => [c, off])) as Record<CapabilityName, Capability>,
    diagnoses: [],
  };
}

export async function testConnection(client: HerokuClient, options: TestOptions): Promise<ConnectionStatus> {
  const now = options.now ?? new Date();
  const pool = options.pool ?? 4500;
  const diagnoses: Diagnosis[] = [];
  const capabilities = Object.fromEntries(CAPABILITIES.map((c) => [c, { can: true, reason: null, fix: null }])) as Record<CapabilityName, Capability>;
  const cannot = (capability: CapabilityName, reason: string, fix: string | null): void => {
    if (capabilities[capability].can) capabilities[capability] = { can: false, reason, fix };
  };
  const status: ConnectionStatus = {
    connection: options.connection,
    state: 'connected',
    tested_at: now.toISOString(),
    api_url: options.apiUrl,
    account: null,
    token: null,
    teams: [],
    enterprise_accounts: [],
    rate_limit: { remaining: null, pool },
    capabilities,
    diagnoses,
  };

  // Who is it? A token that cannot read its own account cannot do anything.
  let account: Account;
  try {
    account = (await client.get<Account>('/account')).body;
  } catch (error) {
    const diagnosis = unusable(error, options.connection);
    diagnoses.push(diagnosis);
    for (const capability of CAPABILITIES) cannot(capability, diagnosis.message, diagnosis.fix);
    status.state = stateOf(diagnoses);
    return status;
  }
  if (typeof account?.id !== 'string' || account.id === '' || typeof account.email !== 'string') {
    // A 2xx without an account is not Heroku's answer (a proxy, a captive portal, another service at that URL).
    const diagnosis: Diagnosis = {
      code: 'api-not-heroku',
      severity: 'error',
      message: `${options.apiUrl} answered GET /account without an account id and email: it is not the Heroku Platform API.`,
      fix: "Check the API URL (HEROKU_HOST or --api-url); Heroku's is https://api.heroku.com.",
    };
    diagnoses.push(diagnosis);
    for (const capability of CAPABILITIES) cannot(capability, diagnosis.message, diagnosis.fix);
    status.state = stateOf(diagnoses);
    return status;
  }
  const email = account.email;
  status.account = {
    id: account.id,
    email,
    name: account.name ?? null,
    federated: account.federated ?? false,
    two_factor_authentication: account.two_factor_authentication ?? false,
  };
  const scope = client.scopes ?? [];
  status.token = { kind: 'unknown', scope, description: null, created_at: null, expires_at: null };

  const remaining = (await client.get<{ remaining: number }>('/account/rate-limits')).body.remaining;
  status.rate_limit.remaining = remaining;
  // A pool larger than assumed (raised by Heroku, or an emulator's) is at least what is left of it.
  if (remaining > status.rate_limit.pool) status.rate_limit.pool = remaining;
  if (remaining < pool * 0.1) {
    diagnoses.push({
      code: 'rate-limit-low',
      severity: 'warning',
      message: `Only ${remaining} of the account's ${pool} API requests are left right now: something else on ${email} is using the pool heavily, and syncs will wait for it to refill (about 75 a minute).`,
      fix: 'Find what is spending the pool (CI jobs, scripts, other integrations using this account), or connect with a token of a dedicated account.',
    });
  }

  await identifyToken(client, options, status, diagnoses, now);

  // Reading apps and their resources.
  if (!scopeAllows(scope, 'read')) {
    diagnoses.push({
      code: 'scope-identity-only',
      severity: 'gap',
      message: `The token's scope (${scope.join(', ')}) only reads the account: no apps, teams or add-ons.`,
      fix: LEAST_PRIVILEGE_COMMAND,
    });
    for (const capability of CAPABILITIES)
      cannot(capability, `The token's scope (${scope.join(', ')}) does not allow reading apps and teams.`, LEAST_PRIVILEGE_COMMAND);
    status.state = stateOf(diagnoses);
    return status;
  }
  const apps = (await client.get<{ id: string; name: string }[]>('/apps', { Range: 'id ..; max=1' })).body;
  if (!scopeAllows(scope, 'read-protected')) {
    const reason = `The token's scope (${scope.join(', ')}) excludes protected data, so config var names cannot be read.`;
    diagnoses.push({ code: 'scope-without-protected-data', severity: 'gap', message: reason, fix: LEAST_PRIVILEGE_COMMAND });
    cannot('config_var_names', reason, LEAST_PRIVILEGE_COMMAND);
  } else if (apps[0]) {
    await client.get(`/apps/${apps[0].id}/config-vars`).catch((error: unknown) => {
      if (error instanceof HerokuApiError && error.status === 403)
        cannot('config_var_names', `Heroku refused config vars: ${error.herokuMessage}`, LEAST_PRIVILEGE_COMMAND);
      else throw error;
    });
  }

  // Teams and enterprise accounts, and what the account is missing in them.
  const teams = await client.all<Team>('/teams');
  status.teams = teams.map((t) => ({ name: t.name!, role: t.role ?? null }));
  const enterprises = await client.all<EnterpriseAccount>('/enterprise-accounts');
  status.enterprise_accounts = enterprises.map((e) => ({ name: e.name!, permissions: e.permissions ?? [] }));
  let relevant = enterprises;
  if (options.enterprise) {
    const wanted = options.enterprise.toLowerCase();
    relevant = enterprises.filter((e) => e.name?.toLowerCase() === wanted || e.id === wanted);
    if (relevant.length === 0) {
      const visible = enterprises.map((e) => e.name).join(', ') || 'none';
      const message = `No enterprise account "${options.enterprise}" is visible to ${email} (visible: ${visible}).`;
      diagnoses.push({
        code: 'enterprise-not-found',
        severity: 'gap',
        message,
        fix: `Check the slug (herowatch connect --name ${options.connection} --enterprise <slug>), or ask an admin of the enterprise account to add ${email} as a member.`,
      });
      cannot('enterprise_members', message, null);
      cannot('audit_trail', message, null);
    }
  } else if (enterprises.length === 0) {
    const reason = `${email} is a member of no enterprise account.`;
    cannot('enterprise_members', reason, null);
    cannot('audit_trail', reason, null);
  }
  const joined = new Set(teams.map((t) => t.id));
  for (const enterprise of relevant) {
    if (!(enterprise.permissions ?? []).includes('view')) {
      const message = `${email} lacks the view permission on enterprise account ${enterprise.name}, so its members and audit trail cannot be read.`;
      const fix = `Ask an admin of ${enterprise.name} to give ${email} the view permission (Heroku Dashboard: Enterprise Account > Access).`;
      diagnoses.push({ code: 'enterprise-view-missing', severity: 'gap', message, fix });
      cannot('enterprise_members', message, fix);
      cannot('audit_trail', message, fix);
      continue;
    }
    for (const team of await client.all<Team>(`/enterprise-accounts/${enterprise.id}/teams`)) {
      if (joined.has(team.id)) continue;
      const message = `${email} is not a member of team ${team.name} in ${enterprise.name}: its apps and members are invisible to herowatch.`;
      const fix = `heroku members:add ${email} --team ${team.name} --role member`;
      diagnoses.push({ code: 'team-membership-missing', severity: 'gap', message, fix });
      cannot('team_member_2fa', `Members of ${team.name} cannot be read (not a member).`, fix);
    }
  }
  if (teams.length === 0) cannot('team_member_2fa', `${email} is a member of no team.`, null);

  status.state = stateOf(diagnoses);
  return status;
}

/** Why a token cannot even read its account. */
function unusable(error: unknown, connection: string): Diagnosis {
  const reconnect = `Create a new token (${LEAST_PRIVILEGE_COMMAND}) and give it to herowatch: herowatch connect --name ${connection} --token-stdin`;
  if (error instanceof HerokuApiError && error.status === 401) {
    return {
      code: 'token-invalid',
      severity: 'error',
      message:
        "Heroku rejects the token: it is invalid, revoked or expired. Common causes: the account's password was changed or its API key regenerated (which ends the old key), the authorization was revoked (heroku authorizations:revoke), a CLI login token expired or `heroku logout` ran, or the user was deactivated.",
      fix: reconnect,
    };
  }
  if (error instanceof HerokuApiError && error.id === 'suspended') {
    return {
      code: 'account-suspended',
      severity: 'error',
      message: `Heroku says the account is suspended: ${error.herokuMessage}`,
      fix: 'Contact Heroku support about the suspension, or connect with a token of another account.',
    };
  }
  const detail = error instanceof HerokuTransportError || error instanceof HerokuApiError ? error.message : String(error);
  return {
    code: 'api-unreachable',
    severity: 'error',
    message: `The Heroku API could not be reached: ${detail}`,
    fix: 'Check the network and the API URL (HEROKU_HOST or --api-url), then run herowatch status again.',
  };
}

/**
 * What kind of token this is. With the global scope, the account's
 * authorizations are listed and this one recognised by its fingerprint; a
 * token with a narrower scope is necessarily an OAuth authorization, whose
 * expiry Heroku only shows to global tokens.
 */
async function identifyToken(client: HerokuClient, options: TestOptions, status: ConnectionStatus, diagnoses: Diagnosis[], now: Date): Promise<void> {
  const token = status.token!;
  if (!token.scope.includes('global')) {
    token.kind = 'authorization';
    return;
  }
  diagnoses.push({
    code: 'scope-global',
    severity: 'advice',
    message: 'The token has the global scope: it could change or delete anything on the account. herowatch only reads.',
    fix: `Use a least-privilege token instead: ${LEAST_PRIVILEGE_COMMAND}`,
  });
  const fingerprint = tokenFingerprint(options.token);
  const authorizations = await client.all<OAuthAuthorization & { access_token?: { fingerprint?: string } }>('/oauth/authorizations');
  const mine = authorizations.find((a) => a.access_token?.fingerprint === fingerprint);
  if (!mine) return;
  const apiKey = await client.get<OAuthAuthorization>('/oauth/authorizations/~').then(
    (r) => r.body,
    () => null,
  );
  const expiresIn = mine.access_token?.expires_in ?? null;
  token.kind = apiKey?.id === mine.id ? 'api-key' : mine.client ? (/heroku cli/i.test(mine.client.name ?? '') ? 'cli-login' : 'oauth-client') : 'authorization';
  token.description = typeof mine.description === 'string' ? mine.description : null;
  token.created_at = mine.created_at ?? null;
  token.expires_at = expiresIn === null ? null : new Date(now.getTime() + expiresIn * 1000).toISOString();
  const expiryWarning = (options.expiryWarningDays ?? 14) * DAY_MS;
  if (token.kind === 'cli-login') {
    diagnoses.push({
      code: 'token-cli-login',
      severity: 'warning',
      message: `This is the Heroku CLI's login token: it expires${token.expires_at ? ` on ${token.expires_at.slice(0, 10)}` : ''} and stops working at the next \`heroku logout\`.`,
      fix: `Give herowatch a token of its own: ${LEAST_PRIVILEGE_COMMAND}`,
    });
  } else if (expiresIn !== null && expiresIn * 1000 < expiryWarning) {
    diagnoses.push({
      code: 'token-expiring-soon',
      severity: 'warning',
      message: `The token expires on ${token.expires_at!.slice(0, 10)}, in ${Math.max(0, Math.floor(expiresIn / 86_400))} days; syncs stop then.`,
      fix: `Create a replacement (${LEAST_PRIVILEGE_COMMAND}) and give it to herowatch: herowatch connect --name ${options.connection} --token-stdin`,
    });
  }
}
