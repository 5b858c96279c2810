import { changeCounts } from '../compliance/findings.js';
import type { ConnectionStatus } from '../connections/status.js';
import { InputError, NotFoundError, InterruptedError } from '../errors.js';
import type { VulnerabilityChange } from '../vulns/lifecycle.js';
import { testMonitoredApps } from './vuln-monitor.js';
import { HerokuClient, type HerokuClientOptions } from '../heroku/client.js';
import { syncAuditOnly, type AuditSyncResult } from '../inventory/audit-sync.js';
import { syncInventory, type SyncOptions, type SyncResult } from '../inventory/sync.js';
import { incrementalPlanner } from '../inventory/incremental.js';
import { RESOURCES } from '../datasets/registry.js';
import { StoreEtagCache } from '../store/etag-cache.js';
import { evaluateConnection, type EvaluationSummary } from './compliance.js';
import { checkConnection } from './connection-status.js';
import { connectionToken, ensureConnection, findConnection, listConnections, requireConnection } from './connections.js';
import { refuseTokenElsewhere } from './connect.js';
import { requireActive, requireSynced } from './policy.js';
import type { Herowatch } from './herowatch.js';

export interface SyncRequest {
  /** Connection name; a connection synced from a token in the environment is created on first sync. */
  connection: string;
  /** Used when the connection has no stored token (HEROKU_API_KEY). */
  token?: string;
  /** The API `token` was given for (HEROKU_HOST's, for HEROKU_API_KEY): it is sent to no other. Default: `apiUrl`. */
  tokenApiUrl?: string;
  /** For connections without a stored token: where the API is. */
  apiUrl?: string;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl' | 'etagCache'>;
  sync?: Pick<SyncOptions, 'auditBackfillDays' | 'now' | 'onProgress' | 'signal' | 'taskConcurrency' | 'resources' | 'logger'>;
  /**
   * Read everything, rather than what the planner chooses within the
   * budget (settings `sync`). The first sync of a connection always does.
   */
  full?: boolean;
  /** Test the connection after the sync (default true); its status is stored either way. */
  test?: boolean;
  /** Evaluate the compliance checks after a complete sync (default true). */
  evaluate?: boolean;
  /** Keep the evaluation's changes for the webhook (pending until delivered: see pendingNotifications). */
  notify?: boolean;
  /** The evaluation date (default now). */
  now?: Date;
  /** Test monitored apps for vulnerabilities after a complete sync (default true). */
  vulnerabilities?: boolean;
}

export interface ConnectionSyncResult extends SyncResult {
  connection: string;
  /** The connection test run after the sync. */
  connectionStatus: ConnectionStatus | null;
  /** The compliance evaluation run after a complete sync. */
  compliance: EvaluationSummary | null;
  /** The vulnerability tests of monitored apps run after a complete sync (null: no app is monitored). */
  vulnerabilities: SyncVulnerabilityTests | null;
}

/**
 * Syncs one connection's inventory (with its stored token, or the one given)
 * with conditional requests remembered between runs, then tests the
 * connection so its status is current.
 */
export async function syncConnection(hw: Herowatch, request: SyncRequest): Promise<ConnectionSyncResult> {
  const existing = await findConnection(hw.store, request.connection);
  if (existing) requireActive(existing);
  const stored = existing ? await connectionToken(hw, existing) : null;
  const token = stored ?? request.token;
  if (!token && !existing) {
    // A name that is no connection, where connections exist: most likely a slip, not a new account.
    const names = (await listConnections(hw.store)).map((c) => c.name);
    if (names.length > 0)
      throw new NotFoundError('HW_CONNECTION_UNKNOWN', `There is no connection "${request.connection}" (connections: ${names.join(', ')}).`, {
        remedy: { do: 'choose-connection', choices: names },
      });
  }
  if (!token) {
    throw new InputError(
      'HW_CONNECTION_NO_TOKEN',
      `No Heroku token for connection "${request.connection}": connect it, or set HEROKU_API_KEY (heroku auth:token prints the Heroku CLI's; a least-privilege one: heroku authorizations:create --scope identity,read-protected --description herowatch).`,
      { remedy: { do: 'connect', connection: request.connection } },
    );
  }
  const apiUrl = stored ? existing!.api_url : (request.apiUrl ?? existing?.api_url);
  if (!apiUrl) throw new InputError('HW_API_URL_INVALID', 'No Heroku API URL: set HEROKU_HOST.');
  if (!stored) refuseTokenElsewhere(request.tokenApiUrl ?? request.apiUrl ?? apiUrl, apiUrl, request.connection);
  const connection = stored ? existing! : await ensureConnection(hw.store, request.connection, apiUrl);
  const etagCache = new StoreEtagCache(hw.store, connection.id);
  const log = request.sync?.logger;
  let toldWaitAt = -Infinity;
  const client = new HerokuClient({
    ...request.client,
    token,
    apiUrl,
    etagCache,
    signal: request.sync?.signal,
    rateLimit: {
      ...request.client?.rateLimit,
      onWait: (wait) => {
        request.client?.rateLimit?.onWait?.(wait);
        request.sync?.onProgress?.({ type: 'rate-limit-wait', remaining: wait.remaining, reserve: wait.reserve, resumesInMs: wait.resumesInMs });
        // Said in the log at most every 5 seconds: many requests wait at once.
        if (performance.now() - toldWaitAt < 5000) return;
        toldWaitAt = performance.now();
        log?.info({ remaining: wait.remaining, reserve: wait.reserve, pool: wait.pool, resumesInMs: wait.resumesInMs }, 'waiting for the rate limit');
      },
    },
    retry: {
      unreachableMs: hw.config.settings.sync.unreachable_after,
      ...request.client?.retry,
      onRetry: (error, attempt, delayMs) => {
        log?.debug({ attempt, delayMs, error: (error as Error).message }, 'retrying');
        request.client?.retry?.onRetry?.(error, attempt, delayMs);
      },
    },
  });
  const settings = hw.config.settings;
  const incremental = request.full !== true && settings.sync.incremental && connection.last_complete_run !== null;
  const now = request.sync?.now ?? (() => new Date());
  const plan = incremental
    ? incrementalPlanner(
        hw.store,
        connection,
        request.sync?.resources ?? RESOURCES,
        { budgetShare: settings.sync.budget, maxStalenessMs: settings.sync.max_staleness, intervalMs: settings.schedule.inventory_every },
        now,
      )
    : undefined;
  let result: SyncResult;
  try {
    result = await syncInventory({ ...request.sync, store: hw.store, connectionId: connection.id, client, leaseMs: hw.config.runLeaseMs, plan });
  } finally {
    await etagCache.flush();
  }
  const tell = request.sync?.onProgress;
  // A Heroku that stopped answering cannot be tested either: the run's message says so.
  const testing =
    request.test !== false &&
    result.status !== 'interrupted' &&
    client.answers.silence === null &&
    (!incremental || result.status !== 'complete' || testIsDue(connection.last_tested_at, now()));
  if (testing) tell?.({ type: 'progress', phase: 'testing the connection', done: 0, total: 1 });
  const connectionStatus = !testing ? null : await checkConnection(hw, request.connection, { token, client: request.client, keepReserve: true, now: now() });
  // Vulnerabilities first: a check reads what the tests found.
  const vulnerabilities = result.status === 'complete' && request.vulnerabilities !== false ? await testAfterSync(hw, request, token) : null;
  const evaluating = request.evaluate !== false && result.status === 'complete';
  if (evaluating) tell?.({ type: 'progress', phase: 'evaluating the compliance checks', done: 0, total: 1 });
  const compliance = !evaluating ? null : await evaluateConnection(hw, request.connection, { now: request.now, notify: request.notify });
  return { ...result, connection: request.connection, connectionStatus, compliance, vulnerabilities };
}

/**
 * How often an incremental sync that went well re-tests its connection (a
 * dozen requests): a full sync, a failed one, or a status this old, always do.
 */
export const CONNECTION_TEST_EVERY_MS = 6 * 3_600_000;

function testIsDue(lastTestedAt: string | null, now: Date): boolean {
  return lastTestedAt === null || now.getTime() - Date.parse(lastTestedAt) >= CONNECTION_TEST_EVERY_MS;
}

/** What the vulnerability tests after a sync did: apps tested, slugs read, gaps, findings opened and resolved; or why they could not run. */
export interface SyncVulnerabilityTests {
  apps: number;
  downloaded: number;
  gaps: number;
  opened: number;
  resolved: number;
  open: number;
  /** What changed, app by app. */
  changes: (VulnerabilityChange & { app: string })[];
  error: string | null;
}

/**
 * Tests the connection's monitored apps after a complete sync: a new
 * release's slug is read once, an unchanged one is matched again from what
 * was read before. A failure here is reported with the sync, and does not
 * undo it.
 */
async function testAfterSync(hw: Herowatch, request: SyncRequest, token: string): Promise<SyncVulnerabilityTests | null> {
  const tell = request.sync?.onProgress;
  try {
    const tests = await testMonitoredApps(hw, {
      connection: request.connection,
      token,
      tokenApiUrl: request.tokenApiUrl ?? request.apiUrl,
      client: { ...request.client, signal: request.sync?.signal },
      now: request.now,
      onApp: (_test, done, total) => tell?.({ type: 'progress', phase: 'testing monitored apps for vulnerabilities', done, total }),
      evaluate: false,
    });
    if (tests.length === 0) return null;
    const changes = tests.flatMap((t) => t.changes);
    return {
      apps: tests.length,
      downloaded: tests.filter((t) => t.outcome === 'scanned').length,
      gaps: tests.filter((t) => t.outcome === 'gap').length,
      ...changeCounts(changes),
      open: tests.reduce((sum, t) => sum + t.open, 0),
      changes: tests.flatMap((t) => t.changes.map((c) => ({ ...c, app: t.app }))),
      error: null,
    };
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    return { apps: 0, downloaded: 0, gaps: 0, opened: 0, resolved: 0, open: 0, changes: [], error: (error as Error).message };
  }
}

/**
 * The connection `herowatch sync` works on when none is named: "default"
 * for a token from the environment, else the only active connection (or
 * "default" when there is none yet); with several, the user must choose.
 */
export async function defaultSyncConnection(hw: Herowatch, tokenFromEnvironment: boolean): Promise<string> {
  if (tokenFromEnvironment) return 'default';
  const connections = (await listConnections(hw.store)).filter((c) => c.state === 'active');
  if (connections.length === 1) return connections[0]!.name;
  if (connections.length === 0) return 'default';
  throw new InputError('HW_CONNECTION_CHOICE', `Which connection? There are several: ${connections.map((c) => c.name).join(', ')}.`, {
    remedy: { do: 'choose-connection', choices: connections.map((c) => c.name), all: true },
  });
}

/** Syncs every active connection that has a stored token, one after another. */
export async function syncAll(hw: Herowatch, request: Omit<SyncRequest, 'connection' | 'token' | 'apiUrl'>): Promise<ConnectionSyncResult[]> {
  const results: ConnectionSyncResult[] = [];
  for (const connection of await listConnections(hw.store)) {
    if (connection.state !== 'active') continue;
    if (!(await connectionToken(hw, connection))) continue;
    results.push(await syncConnection(hw, { ...request, connection: connection.name }));
  }
  return results;
}

export interface AuditSyncRequest {
  connection: string;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl' | 'etagCache'>;
  backfillDays?: number;
  now?: Date;
  signal?: AbortSignal;
  /** Keep the evaluation's changes for the webhook. */
  notify?: boolean;
}

/**
 * Collects a connected account's audit trail only (between inventory syncs),
 * then re-evaluates the checks so the audit trail check is current.
 */
export async function syncAuditTrailOnly(hw: Herowatch, request: AuditSyncRequest): Promise<AuditSyncResult & { compliance: EvaluationSummary | null }> {
  const connection = requireSynced(requireActive(await requireConnection(hw.store, request.connection)));
  const token = await connectionToken(hw, connection);
  if (!token)
    throw new InputError('HW_CONNECTION_NO_TOKEN', `Connection "${request.connection}" has no stored token.`, {
      remedy: { do: 'reconnect', connection: request.connection },
    });
  const client = new HerokuClient({
    ...request.client,
    token,
    apiUrl: connection.api_url,
    retry: { unreachableMs: hw.config.settings.sync.unreachable_after, ...request.client?.retry },
  });
  const now = request.now;
  const result = await syncAuditOnly({
    store: hw.store,
    client,
    connectionId: connection.id,
    backfillDays: request.backfillDays,
    now: now ? () => now : undefined,
    signal: request.signal,
    leaseMs: hw.config.runLeaseMs,
  });
  const compliance = result.status === 'complete' ? await evaluateConnection(hw, request.connection, { now, notify: request.notify }) : null;
  return { ...result, compliance };
}
