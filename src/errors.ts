/**
 * herowatch's one error hierarchy. Every error a front end may show is a
 * HerowatchError with a `kind`; the CLI maps kinds to exit codes, the HTTP
 * and MCP front ends to statuses. Decisions are taken on the kind and on
 * typed fields, never on message text. Messages say what is wrong and how to
 * put it right, and never carry a secret.
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

export class HerowatchError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An error the user can fix: a wrong name, flag, file or setting. Its message
 * says what is wrong and how to put it right.
 */
export class InputError extends HerowatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}

export class NotFoundError extends HerowatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
  }
}

export class ConflictError extends HerowatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options);
  }
}

export class ForbiddenError extends HerowatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('forbidden', message, options);
  }
}

/** The work was stopped on request (SIGINT, SIGTERM) before it was done; what it had started is left as it was. */
export class InterruptedError extends HerowatchError {
  constructor(message = 'Interrupted.', options?: { cause?: unknown }) {
    super('interrupted', message, options);
  }
}

/** A service herowatch reads (other than Heroku, whose client has its own errors) failed or answered wrongly. */
export class UpstreamError extends HerowatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('upstream', message, options);
  }
}

/** No credential, or one herowatch does not accept: the HTTP doors answer 401. The message never repeats the credential. */
export class UnauthenticatedError extends HerowatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unauthenticated', message, options);
  }
}
