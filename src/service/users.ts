import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';
import { ConflictError, InputError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { metaValueOrCreate } from '../store/meta.js';
import {
  activeSessions,
  countUsers,
  deleteUser,
  insertSession,
  insertSetupLink,
  insertUser,
  listUsers,
  revokeSessions,
  sessionBySecretHash,
  setupLinkUsable,
  touchSession,
  updateUser,
  useSetupLink,
  userByEmail,
  userById,
} from '../store/users.js';
import type { Herowatch } from './herowatch.js';

/**
 * The dashboard's users and sessions. Passwords are hashed with argon2id
 * (OWASP's parameters: 19 MiB, 2 passes); sessions live in the database under
 * a SHA-256 of their 32-byte secret (the cookie holds the secret), so any
 * number of web processes share them and any one can be revoked. The first
 * admin comes from a one-time setup link printed when the server starts
 * with no users, or from `herowatch users add`.
 */
export const ROLES = ['admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  email: string;
  role: Role;
  created_at: string;
  last_login_at: string | null;
}

/** A signed-in user, as the web door knows them. */
export interface SessionUser extends User {
  sessionId: string;
}

/** Argon2id is 2 in the library's (ambient const) enum. */
const ARGON2 = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256;
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 12 * 3_600_000;
/** And this long after sign-in, whatever happens. */
export const SESSION_MAX_MS = 7 * 86_400_000;
/** A session's last use is written at most this often. */
const TOUCH_EVERY_MS = 60_000;
const SETUP_LINK_MS = 24 * 3_600_000;

const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const secret = (): string => randomBytes(32).toString('base64url');
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** A hash to verify against when the email is unknown, so a wrong email takes as long as a wrong password. */
let decoy: Promise<string> | undefined;

function checkEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > 254 || !/^[^\s@<>"']+@[^\s@<>"']+$/.test(normalized))
    throw new InputError('HW_USER_INVALID', `"${email.slice(0, 60)}" is not an email address: sign-ins are by email, like ana@example.com.`);
  return normalized;
}

/**
 * A password a person chose: long enough, not blank or one character over
 * and over, and not among the passwords most often found in breaches
 * (zxcvbn-ts's list of about 50,000, compared without case or spaces).
 */
async function checkPassword(password: string): Promise<void> {
  const advice = 'a passphrase of a few unrelated words is easiest';
  if ([...password].length < MIN_PASSWORD) throw new InputError('HW_PASSWORD_WEAK', `A password has at least ${MIN_PASSWORD} characters (${advice}).`);
  if (password.length > MAX_PASSWORD) throw new InputError('HW_PASSWORD_WEAK', `A password has at most ${MAX_PASSWORD} characters.`);
  if (password.trim() === '') throw new InputError('HW_PASSWORD_WEAK', `A password cannot be only spaces (${advice}).`);
  if (new Set(password).size === 1) throw new InputError('HW_PASSWORD_WEAK', `A password cannot be one character repeated (${advice}).`);
  if ((await breached()).has(password.replace(/\s+/g, '').toLowerCase()))
    throw new InputError(
      'HW_PASSWORD_WEAK',
      `That password is among the most common in published breaches, so it is guessed first: choose another (${advice}).`,
    );
}

let common: Promise<Set<string>> | undefined;
/** The common breached passwords, loaded on first use (only what sets a password pays for it). */
function breached(): Promise<Set<string>> {
  return (common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))));
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new InputError('HW_USER_INVALID', `A role is ${ROLES.join(' or ')}.`);
  return role as Role;
}

const asUser = (row: { id: number; email: string; role: string; created_at: string; last_login_at: string | null }): User => ({
  id: row.id,
  email: row.email,
  role: row.role as Role,
  created_at: row.created_at,
  last_login_at: row.last_login_at,
});

export async function addUser(hw: Herowatch, request: { email: string; password: string; role: string; now?: Date }): Promise<User> {
  const email = checkEmail(request.email);
  const role = checkRole(request.role);
  await checkPassword(request.password);
  if (await userByEmail(hw.store, email))
    throw new ConflictError('HW_NAME_TAKEN', `There is already a user ${email}.`, { remedy: { do: 'list', what: 'users' } });
  const now = (request.now ?? new Date()).toISOString();
  const id = await insertUser(hw.store, { email, password_hash: await argon2Hash(request.password, ARGON2), role, created_at: now });
  return { id, email, role, created_at: now, last_login_at: null };
}

export async function users(hw: Herowatch): Promise<User[]> {
  return (await listUsers(hw.store)).map(asUser);
}

export async function hasUsers(hw: Herowatch): Promise<boolean> {
  return (await countUsers(hw.store)) > 0;
}

async function requireUser(hw: Herowatch, email: string): Promise<{ id: number; email: string; role: string }> {
  const row = await userByEmail(hw.store, checkEmail(email));
  if (!row) throw new NotFoundError('HW_USER_UNKNOWN', `There is no user ${email}.`, { remedy: { do: 'list', what: 'users' } });
  return row;
}

/** Refuses a change that would leave no admin. */
async function keepAnAdmin(hw: Herowatch, leaving: number): Promise<void> {
  const admins = (await listUsers(hw.store)).filter((u) => u.role === 'admin' && u.id !== leaving);
  if (admins.length === 0) throw new ConflictError('HW_LAST_ADMIN', 'This is the last admin: make another user admin first.');
}

export async function setRole(hw: Herowatch, email: string, role: string): Promise<User> {
  const user = await requireUser(hw, email);
  const next = checkRole(role);
  if (user.role === 'admin' && next !== 'admin') await keepAnAdmin(hw, user.id);
  await updateUser(hw.store, user.id, { role: next });
  return asUser({ ...(await userById(hw.store, user.id))! });
}

/** Sets a password and ends the user's sessions (a reset is often done because one was stolen). */
export async function setPassword(hw: Herowatch, email: string, password: string, now: Date = new Date()): Promise<void> {
  const user = await requireUser(hw, email);
  await checkPassword(password);
  await updateUser(hw.store, user.id, { password_hash: await argon2Hash(password, ARGON2) });
  await revokeSessions(hw.store, { userId: user.id }, now.toISOString());
}

export async function removeUser(hw: Herowatch, email: string): Promise<void> {
  const user = await requireUser(hw, email);
  if (user.role === 'admin') await keepAnAdmin(hw, user.id);
  await deleteUser(hw.store, user.id);
}

/** A one-time link's secret to create the first admin, or null when there are users already. */
export async function createSetupLink(hw: Herowatch, now: Date = new Date()): Promise<string | null> {
  if (await hasUsers(hw)) return null;
  const token = secret();
  await insertSetupLink(hw.store, {
    secret_hash: sha256(token),
    user_id: null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SETUP_LINK_MS).toISOString(),
  });
  return token;
}

export async function setupLinkValid(hw: Herowatch, token: string, now: Date = new Date()): Promise<boolean> {
  return SECRET.test(token) && !(await hasUsers(hw)) && (await setupLinkUsable(hw.store, sha256(token), now.toISOString()));
}

/** Creates the first admin through a setup link, once. */
export async function completeSetup(hw: Herowatch, request: { token: string; email: string; password: string; now?: Date }): Promise<User> {
  const now = request.now ?? new Date();
  checkEmail(request.email);
  await checkPassword(request.password);
  const refused = new UnauthenticatedError(
    'This setup link was used or has expired: restarting the server prints a new one, and an admin can also be added from the command line.',
  );
  if (!SECRET.test(request.token) || (await hasUsers(hw))) throw refused;
  if (!(await useSetupLink(hw.store, sha256(request.token), now.toISOString(), 'setup')).used) throw refused;
  return addUser(hw, { email: request.email, password: request.password, role: 'admin', now });
}

const SIGN_IN_LINK_MS = 15 * 60_000;

/**
 * A one-time link that signs a user in without their password, for 15
 * minutes: printed by `herowatch users link` and `herowatch demo --serve`
 * to someone who can already read herowatch's database.
 */
export async function createSignInLink(hw: Herowatch, email: string, now: Date = new Date()): Promise<string> {
  const user = await requireUser(hw, email);
  const token = secret();
  await insertSetupLink(hw.store, {
    secret_hash: sha256(token),
    user_id: user.id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SIGN_IN_LINK_MS).toISOString(),
  });
  return token;
}

/** Opens a session through a sign-in link, once. */
export async function signInWithLink(
  hw: Herowatch,
  token: string,
  options: { userAgent?: string; now?: Date } = {},
): Promise<{ secret: string; user: SessionUser }> {
  const now = options.now ?? new Date();
  const refused = new UnauthenticatedError(
    'This sign-in link was used or has expired (they last 15 minutes): sign in with your password, or ask an admin for another link.',
  );
  if (!SECRET.test(token)) throw refused;
  const { used, userId } = await useSetupLink(hw.store, sha256(token), now.toISOString(), 'sign-in');
  const row = used && userId !== null ? await userById(hw.store, userId) : undefined;
  if (!row) throw refused;
  return openSession(hw, row, options.userAgent, now);
}

async function openSession(
  hw: Herowatch,
  row: { id: number; email: string; role: string; created_at: string; last_login_at: string | null },
  userAgent: string | undefined,
  now: Date,
): Promise<{ secret: string; user: SessionUser }> {
  const token = secret();
  const id = randomUUID();
  await insertSession(hw.store, {
    secret_hash: sha256(token),
    id,
    user_id: row.id,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
    user_agent: userAgent?.slice(0, 200) ?? null,
  });
  await updateUser(hw.store, row.id, { last_login_at: now.toISOString() });
  return { secret: token, user: { ...asUser(row), last_login_at: now.toISOString(), sessionId: id } };
}

/** Checks an email and password and opens a session; the returned secret goes in the cookie and nowhere else. */
export async function signIn(
  hw: Herowatch,
  request: { email: string; password: string; userAgent?: string; now?: Date },
): Promise<{ secret: string; user: SessionUser }> {
  const now = request.now ?? new Date();
  const refused = new UnauthenticatedError('That email and password do not match a user.');
  const email = request.email.trim().toLowerCase();
  const row = email.length <= 254 ? await userByEmail(hw.store, email) : undefined;
  decoy ??= argon2Hash(randomBytes(16).toString('hex'), ARGON2);
  const ok = request.password.length <= MAX_PASSWORD && (await argon2Verify(row?.password_hash ?? (await decoy), request.password).catch(() => false));
  if (!row || !ok) throw refused;
  return openSession(hw, row, request.userAgent, now);
}

/** The user whose session secret this is, or null when it is unknown, expired or revoked. */
export async function sessionUser(hw: Herowatch, token: string | undefined, now: Date = new Date()): Promise<SessionUser | null> {
  if (token === undefined || !SECRET.test(token)) return null;
  const found = await sessionBySecretHash(hw.store, sha256(token));
  if (!found) return null;
  const { session, user } = found;
  const at = now.getTime();
  if (session.revoked_at !== null || Date.parse(session.expires_at) <= at || Date.parse(session.created_at) + SESSION_MAX_MS <= at) return null;
  if (at - Date.parse(session.last_seen_at) >= TOUCH_EVERY_MS) {
    const expires = Math.min(at + SESSION_IDLE_MS, Date.parse(session.created_at) + SESSION_MAX_MS);
    await touchSession(hw.store, session.secret_hash, now.toISOString(), new Date(expires).toISOString());
  }
  return { ...asUser(user), sessionId: session.id };
}

export async function signOut(hw: Herowatch, token: string, now: Date = new Date()): Promise<void> {
  if (SECRET.test(token)) await revokeSessions(hw.store, { secretHash: sha256(token) }, now.toISOString());
}

export async function sessions(hw: Herowatch, now: Date = new Date()): Promise<Awaited<ReturnType<typeof activeSessions>>> {
  return activeSessions(hw.store, now.toISOString());
}

export async function revokeSession(hw: Herowatch, id: string, now: Date = new Date()): Promise<void> {
  if ((await revokeSessions(hw.store, { id }, now.toISOString())) === 0) throw new NotFoundError('HW_SESSION_UNKNOWN', 'There is no such active session.');
}

/** The secret that signs the dashboard's cookies (CSRF), made once and shared by every web process through the database. */
export async function cookieSecret(hw: Herowatch): Promise<string> {
  return metaValueOrCreate(hw.store, 'web.cookie_secret', randomBytes(32).toString('base64url'));
}
