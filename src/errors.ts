/**
 * herowatch's one error hierarchy. Every error a door may show is a
 * HerowatchError with a stable `code` from the catalog below (which gives
 * its `kind`), a message that says what is wrong in words any user reads,
 * and, when something fixes it, a `remedy`: what to do, as data. Each door
 * says the remedy in its own terms (a command for the CLI, a page for the
 * dashboard, a parameter for the API) and maps the kind to its transport
 * (TRANSPORT below). Decisions are taken on the code, the kind and typed
 * fields, never on message text. Messages never carry a secret.
 *
 * The emulator stands apart from the product and imports none of it: its
 * errors (ScenarioError, HerokuError) are its own.
 */
export type ErrorKind =
  /** The user can fix it: a wrong name, flag, file or setting. */
  | 'input'
  /** A named thing (connection, finding, run, dataset) does not exist. */
  | 'not_found'
  /** The request clashes with the current state (a sync already running, a name taken). */
  | 'conflict'
  /** The caller may not do this (Heroku refused the token, a role lacks a right). */
  | 'forbidden'
  /** The caller did not say who it is, or not with a credential herowatch accepts (a missing, wrong, expired or revoked access token). */
  | 'unauthenticated'
  /** A system herowatch depends on (Heroku, the database, a webhook receiver) failed. */
  | 'upstream'
  /** Stopped on request (Ctrl-C, SIGTERM) before the work was done. */
  | 'interrupted'
  /** A fault of herowatch itself. */
  | 'internal';

/**
 * How each door says a kind: the CLI's exit code (2 when the command line or
 * a name in it is to be fixed, 130 when stopped, 1 when the work could not be
 * done), the HTTP status, and the JSON-RPC error code of an MCP request that
 * fails as a whole (a tool's failure is a tool result instead; a resource
 * that is not there is -32602, as MCP's 2026-07-28 revision asks).
 */
export const TRANSPORT: Record<ErrorKind, { exit: number; http: number; jsonRpc: number }> = {
  input: { exit: 2, http: 400, jsonRpc: -32602 },
  not_found: { exit: 2, http: 404, jsonRpc: -32602 },
  conflict: { exit: 1, http: 409, jsonRpc: -32603 },
  forbidden: { exit: 1, http: 403, jsonRpc: -32603 },
  unauthenticated: { exit: 1, http: 401, jsonRpc: -32603 },
  upstream: { exit: 1, http: 502, jsonRpc: -32603 },
  interrupted: { exit: 130, http: 503, jsonRpc: -32603 },
  internal: { exit: 1, http: 500, jsonRpc: -32603 },
};

/** A listing a remedy points at; each door knows where its users find it. */
export type Listing =
  'connections' | 'datasets' | 'findings' | 'checks' | 'users' | 'access-tokens' | 'runs' | 'apps' | 'monitored-apps' | 'vulnerabilities' | 'vex';

/**
 * What fixes an error, as data. The service says what; each door says how,
 * to its own users (src/cli/remedy.ts, src/web/dashboard/remedy.ts,
 * src/web/api-remedy.ts, src/mcp/remedy.ts), and TypeScript holds every
 * door to every remedy.
 */
export type Remedy =
  /** Connect a Heroku account (by this name, when one is meant). */
  | { do: 'connect'; connection?: string }
  /** Give an existing connection a working Heroku token (it keeps its name, API and history). */
  | { do: 'reconnect'; connection: string }
  /** Test the connection's token now. */
  | { do: 'test-connection'; connection: string }
  /** Sync the connection (or any). */
  | { do: 'sync'; connection?: string }
  /** Say which connection, among these (or all of them, where `all` says so). */
  | { do: 'choose-connection'; choices: string[]; all?: boolean }
  /** Look at a listing to find the right name or id. */
  | { do: 'list'; what: Listing; connection?: string }
  /** Make the app monitored. */
  | { do: 'monitor'; connection?: string; app: string }
  /** Read the app's slug again now (a vulnerability test). */
  | { do: 'test-app'; app?: string; connection?: string }
  /** Download or import advisories. */
  | { do: 'update-advisories' }
  /** Delete the connection with its history (its name is then free). */
  | { do: 'purge'; connection: string }
  /** Start a worker process to take queued work. */
  | { do: 'start-worker' }
  /** Create an access token with this scope. */
  | { do: 'create-access-token'; scope: string }
  /** Give this input with the request. */
  | { do: 'give'; input: 'reason' | 'decider' | 'expiry' | 'connection-or-all' | 'new-master-key' }
  /** End the evidence period on this day or before. */
  | { do: 'end-period'; day: string };

/** A code's kind and what it means, for the catalog and docs/errors.md. */
interface CodeEntry {
  kind: ErrorKind;
  means: string;
}

/**
 * The catalog: every code an error may carry, with its kind and what it
 * means. Codes are stable: clients (scripts, the REST API's callers, agents)
 * may decide on them; a new condition gets a new code.
 */
export const ERROR_CODES = {
  // Input: the user can fix it.
  HW_INVALID_INPUT: { kind: 'input', means: 'A value is not one herowatch accepts (a flag, a field, a parameter).' },
  HW_CONFIG_INVALID: { kind: 'input', means: 'The configuration (environment variables) is not valid.' },
  HW_SETTINGS_INVALID: { kind: 'input', means: 'The settings file or a setting is not valid.' },
  HW_HOME_UNUSABLE: { kind: 'input', means: "herowatch's home (HEROWATCH_HOME) or its database cannot be used as it is." },
  HW_DATABASE_READ_ONLY: { kind: 'input', means: 'The command writes to the database, which is read-only here.' },
  HW_FILE_UNREADABLE: { kind: 'input', means: 'A file or folder given could not be read, or is not what herowatch reads.' },
  HW_FILE_UNWRITABLE: { kind: 'input', means: 'An output file could not be written where it was asked for.' },
  HW_CONNECTION_CHOICE: { kind: 'input', means: 'Several connections could be meant: say which.' },
  HW_CONNECTION_DISCONNECTED: { kind: 'input', means: 'The connection is disconnected (its token deleted); connect it again to use it.' },
  HW_CONNECTION_NO_TOKEN: { kind: 'input', means: 'The connection has no stored Heroku token, and none was given.' },
  HW_CONNECTION_NOT_SYNCED: { kind: 'input', means: 'The connection has no complete sync yet, so there is nothing to read.' },
  HW_CONNECTION_NOT_TESTED: { kind: 'input', means: 'The connection has not been tested yet.' },
  HW_CONNECTION_OTHER_ACCOUNT: { kind: 'input', means: "The token belongs to another Heroku account than the connection's inventory." },
  HW_CONNECTION_REFUSED: { kind: 'input', means: 'The token does not work (the diagnosis says why); nothing was stored.' },
  HW_CONNECTION_NAME_INVALID: { kind: 'input', means: 'A connection name is not valid.' },
  HW_TOKEN_WRONG_API: { kind: 'input', means: 'A Heroku token is for another API than the connection; herowatch sends a token only where it was given for.' },
  HW_API_URL_INVALID: { kind: 'input', means: 'The Heroku API URL is not valid, or not allowed.' },
  HW_VAULT: { kind: 'input', means: 'The master key or the stored credentials cannot be used as they are.' },
  HW_SQL_REFUSED: { kind: 'input', means: 'The SQL is not a read-only query herowatch can run (or it failed, or took too long).' },
  HW_DATASET_OPTION: { kind: 'input', means: 'A dataset read asked for a column or filter the dataset does not have.' },
  HW_HISTORY_RANGE: { kind: 'input', means: 'The run or time asked for is not one history can answer from.' },
  HW_PERIOD_INVALID: { kind: 'input', means: 'The evidence period is empty, in the future, or has nothing complete in it.' },
  HW_NO_CONNECTIONS: { kind: 'input', means: 'There is no connection (or none synced) to answer from.' },
  HW_RISK_ACCEPTANCE_INVALID: { kind: 'input', means: 'A suppression or an ignore lacks a reason an auditor can read, who decided it, or a valid expiry.' },
  HW_NOT_APPLICABLE: {
    kind: 'input',
    means: 'The action does not apply to the thing as it stands (suppressing a passing finding, ignoring a resolved vulnerability).',
  },
  HW_APP_NOT_MONITORED: { kind: 'input', means: 'The app is not monitored.' },
  HW_APP_AMBIGUOUS: { kind: 'input', means: 'Apps of this name are monitored on several connections: say which connection.' },
  HW_APP_NOT_TESTED: { kind: 'input', means: 'The app has not been tested for vulnerabilities yet (or was with older rules).' },
  HW_SCAN_LIMIT: { kind: 'input', means: 'A slug, archive or lockfile is beyond the bounds herowatch reads.' },
  HW_VEX_INVALID: { kind: 'input', means: 'A VEX document to import is not OpenVEX 0.2 or CycloneDX VEX JSON herowatch reads, or is beyond its bounds.' },
  HW_PRIORITIES_INVALID: { kind: 'input', means: 'A CISA KEV catalog or an EPSS scores file is not one herowatch reads.' },
  HW_SBOM_INVALID: {
    kind: 'input',
    means: 'An SBOM to import is not a CycloneDX 1.4-1.6 or SPDX 2.2/2.3 JSON document herowatch reads, or is beyond its bounds.',
  },
  HW_ARCHIVE_INVALID: { kind: 'input', means: 'A zip archive (an evidence bundle, an advisory export) is not one herowatch reads.' },
  HW_SIGNING_KEY: { kind: 'input', means: 'The evidence signing key cannot be used as it is.' },
  HW_PASSWORD_WEAK: { kind: 'input', means: 'A password is too short, too simple or too common.' },
  HW_USER_INVALID: { kind: 'input', means: 'A user, a role or a sign-in request is not valid.' },
  HW_ACCESS_TOKEN_INVALID: { kind: 'input', means: 'An access token request (its name, scope, connections, apps or expiry) is not valid.' },
  HW_QUEUE_UNAVAILABLE: { kind: 'input', means: 'The job queue needs PostgreSQL (DATABASE_URL); the embedded SQLite database runs everything in one process.' },
  HW_USAGE: { kind: 'input', means: 'The command line is not one the CLI takes.' },
  // Not found.
  HW_CONNECTION_UNKNOWN: { kind: 'not_found', means: 'There is no connection with this name.' },
  HW_FINDING_UNKNOWN: { kind: 'not_found', means: 'There is no finding with this id (that the caller may see).' },
  HW_CHECK_UNKNOWN: { kind: 'not_found', means: 'There is no check with this id.' },
  HW_FRAMEWORK_UNKNOWN: { kind: 'not_found', means: 'There is no framework with this id.' },
  HW_DATASET_UNKNOWN: { kind: 'not_found', means: 'There is no dataset with this name.' },
  HW_APP_UNKNOWN: { kind: 'not_found', means: 'There is no app with this name (that the caller may see).' },
  HW_VEX_UNKNOWN: { kind: 'not_found', means: 'There is no VEX statement with this id.' },
  HW_VULNERABILITY_UNKNOWN: { kind: 'not_found', means: 'There is no vulnerability with this id.' },
  HW_USER_UNKNOWN: { kind: 'not_found', means: 'There is no user with this email.' },
  HW_SESSION_UNKNOWN: { kind: 'not_found', means: 'There is no such active session.' },
  HW_ACCESS_TOKEN_UNKNOWN: { kind: 'not_found', means: 'There is no access token with this id.' },
  HW_EVIDENCE_UNKNOWN: { kind: 'not_found', means: 'There is no evidence bundle with this name.' },
  HW_NOT_FOUND: { kind: 'not_found', means: 'There is no such page or route.' },
  // Conflict.
  HW_SYNC_RUNNING: { kind: 'conflict', means: 'A sync of this connection is already running.' },
  HW_NAME_TAKEN: { kind: 'conflict', means: 'The name (a connection, a user) is taken.' },
  HW_NO_WORKER: { kind: 'conflict', means: 'Work was to be queued, but no worker process is alive to take it.' },
  HW_LAST_ADMIN: { kind: 'conflict', means: 'The change would leave no admin.' },
  HW_BUSY: { kind: 'conflict', means: 'Too many requests of this kind are running; try again shortly.' },
  // Forbidden, unauthenticated.
  HW_FORBIDDEN: { kind: 'forbidden', means: 'The caller may not do this.' },
  HW_INSUFFICIENT_SCOPE: { kind: 'forbidden', means: 'The access token is valid but lacks the scope this needs.' },
  HW_HEROKU_FORBIDDEN: { kind: 'forbidden', means: 'Heroku refused the token (401 or 403).' },
  HW_UNAUTHENTICATED: {
    kind: 'unauthenticated',
    means: 'No credential, or one herowatch does not accept (a wrong, expired or revoked token; a failed sign-in).',
  },
  // Upstream.
  HW_HEROKU_ERROR: { kind: 'upstream', means: 'Heroku answered with an error.' },
  HW_HEROKU_TRANSPORT: { kind: 'upstream', means: "Heroku's answer did not arrive whole (a network failure, a cut or garbled body, a timeout)." },
  HW_HEROKU_UNREACHABLE: { kind: 'upstream', means: 'Heroku has not answered for longer than the bound, so the work stopped.' },
  HW_SYNC_INCOMPLETE: { kind: 'upstream', means: 'A sync could not read a material share of its lists; the last complete inventory stands.' },
  HW_HEROKU_ARCHIVE: { kind: 'upstream', means: 'An audit trail archive from Heroku could not be used.' },
  HW_OSV_UNAVAILABLE: { kind: 'upstream', means: 'The OSV export could not be read.' },
  HW_PRIORITIES_UNAVAILABLE: { kind: 'upstream', means: 'The CISA KEV catalog or the EPSS scores could not be downloaded.' },
  HW_DATABASE_UNAVAILABLE: { kind: 'upstream', means: 'The database could not be reached or failed.' },
  // Interrupted, internal.
  HW_INTERRUPTED: { kind: 'interrupted', means: 'Stopped on request (Ctrl-C, SIGTERM) before the work was done; what it had started was left as it was.' },
  HW_FRAMEWORK_INVALID: { kind: 'internal', means: 'A framework mapping shipped with herowatch is not valid (a fault of herowatch).' },
  HW_INTERNAL: { kind: 'internal', means: 'A fault of herowatch itself.' },
} as const satisfies Record<string, CodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;
/** The codes of one kind: what a class of that kind may carry. */
export type CodeOf<K extends ErrorKind> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['kind'] extends K ? C : never }[ErrorCode];

export interface ErrorOptions {
  cause?: unknown;
  remedy?: Remedy;
}

export class HerowatchError extends Error {
  readonly kind: ErrorKind;
  readonly remedy: Remedy | null;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = ERROR_CODES[code].kind;
    this.remedy = options?.remedy ?? null;
  }
}

/** An error the user can fix: a wrong name, flag, file or setting. */
export class InputError extends HerowatchError {
  constructor(code: CodeOf<'input'>, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export class NotFoundError extends HerowatchError {
  constructor(code: CodeOf<'not_found'>, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export class ConflictError extends HerowatchError {
  constructor(code: CodeOf<'conflict'>, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export class ForbiddenError extends HerowatchError {
  constructor(code: CodeOf<'forbidden'>, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** The work was stopped on request (SIGINT, SIGTERM) before it was done; what it had started is left as it was. */
export class InterruptedError extends HerowatchError {
  constructor(message = 'Interrupted.', options?: ErrorOptions) {
    super('HW_INTERRUPTED', message, options);
  }
}

/** A service herowatch reads (other than Heroku, whose client has its own errors) failed or answered wrongly. */
export class UpstreamError extends HerowatchError {
  constructor(code: CodeOf<'upstream'>, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** No credential, or one herowatch does not accept: the HTTP doors answer 401. The message never repeats the credential. */
export class UnauthenticatedError extends HerowatchError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_UNAUTHENTICATED', message, options);
  }
}

/** Heroku refused a connection's token (401): nothing can be read, so a sync stops at once; the fix is to reconnect. */
export class TokenRejectedError extends ForbiddenError {
  constructor(message: string, connection: string) {
    super('HW_HEROKU_FORBIDDEN', message, { remedy: { do: 'reconnect', connection } });
  }
}

/**
 * More of a sync's lists than it may lose could not be read: what the run
 * read is not the account, so it does not replace the last complete
 * inventory.
 */
export class IncompleteRunError extends UpstreamError {
  constructor(message: string, options?: ErrorOptions) {
    super('HW_SYNC_INCOMPLETE', message, options);
  }
}
