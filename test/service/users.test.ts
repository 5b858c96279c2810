import { describe, expect, it } from 'vitest';
import {
  addUser,
  completeSetup,
  createSetupLink,
  createSignInLink,
  removeUser,
  revokeSession,
  sessions,
  sessionUser,
  setPassword,
  setRole,
  setupLinkValid,
  signIn,
  signInWithLink,
  signOut,
  users,
} from '../../src/service/users.js';
import { DIALECTS, openTestHerowatch } from '../support/herowatch.js';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse('2026-12-01T00:00:00Z') + hours * HOUR);

describe.each(DIALECTS)('dashboard users and sessions (%s)', (dialect) => {
  it('create the first admin once through a setup link, then sign in with argon2id-hashed passwords', async () => {
    const hw = await openTestHerowatch(dialect, 'https://api.heroku.com');
    const link = (await createSetupLink(hw, at(0)))!;
    expect(link).toMatch(/^[\w-]{43}$/);
    expect(await setupLinkValid(hw, link, at(1))).toBe(true);
    // A bad password or email is said, and the link still works afterwards.
    await expect(completeSetup(hw, { token: link, email: 'ana@example.com', password: 'short', now: at(1) })).rejects.toThrow(/at least 12 characters/);
    await expect(completeSetup(hw, { token: link, email: 'not an email', password: 'long enough passphrase', now: at(1) })).rejects.toThrow(
      /is not an email address/,
    );
    // Long enough is not enough: blank, one character over and over, or a password every breach list starts with.
    for (const [password, why] of [
      [' '.repeat(12), /cannot be only spaces/],
      ['a'.repeat(16), /cannot be one character repeated/],
      ['qwerty123456', /among the most common in published breaches/],
      ['Password1234', /among the most common in published breaches/],
      ['1q2w3e4r5t6y', /among the most common in published breaches/],
    ] as const) {
      await expect(completeSetup(hw, { token: link, email: 'ana@example.com', password, now: at(1) }), password).rejects.toThrow(why);
    }
    const admin = await completeSetup(hw, { token: link, email: 'Ana@Example.com', password: 'long enough passphrase', now: at(1) });
    expect(admin).toMatchObject({ email: 'ana@example.com', role: 'admin' });
    // Once: the same link, or a new one, creates no second admin.
    await expect(completeSetup(hw, { token: link, email: 'eve@example.com', password: 'long enough passphrase', now: at(1) })).rejects.toThrow(
      /used or has expired/,
    );
    expect(await createSetupLink(hw, at(2))).toBeNull();
    // An expired link fails too (checked on a fresh installation).
    const other = await openTestHerowatch(dialect, 'https://api.heroku.com');
    const late = (await createSetupLink(other, at(0)))!;
    await expect(completeSetup(other, { token: late, email: 'ana@example.com', password: 'long enough passphrase', now: at(25) })).rejects.toThrow(
      /used or has expired/,
    );

    const stored = await hw.store.db.selectFrom('hw_users').select('password_hash').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored.password_hash).not.toContain('long enough passphrase');
    await expect(signIn(hw, { email: 'ana@example.com', password: 'wrong passphrase!', now: at(2) })).rejects.toThrow(
      'That email and password do not match a user.',
    );
    await expect(signIn(hw, { email: 'nobody@example.com', password: 'long enough passphrase', now: at(2) })).rejects.toThrow(
      'That email and password do not match a user.',
    );
    const { secret, user } = await signIn(hw, { email: ' ANA@example.com', password: 'long enough passphrase', now: at(2) });
    expect(user.role).toBe('admin');
    // The database keeps a hash of the session secret, not the secret.
    const rows = await hw.store.db.selectFrom('hw_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(await sessionUser(hw, secret, at(3))).toMatchObject({ email: 'ana@example.com', sessionId: user.sessionId });
  });

  it('end sessions when idle, at their age limit, on sign-out, on revocation and on a password change', async () => {
    const hw = await openTestHerowatch(dialect, 'https://api.heroku.com');
    await addUser(hw, { email: 'ana@example.com', password: 'long enough passphrase', role: 'admin', now: at(0) });
    const open = () => signIn(hw, { email: 'ana@example.com', password: 'long enough passphrase', now: at(0) });
    // Idle for 12 hours: gone; used every 10 hours: kept, but never past 7 days.
    const idle = await open();
    expect(await sessionUser(hw, idle.secret, at(13))).toBeNull();
    const busy = await open();
    for (let h = 10; h < 7 * 24; h += 10) expect(await sessionUser(hw, busy.secret, at(h)), `hour ${h}`).not.toBeNull();
    expect(await sessionUser(hw, busy.secret, at(7 * 24 + 1))).toBeNull();
    const leaving = await open();
    await signOut(hw, leaving.secret, at(1));
    expect(await sessionUser(hw, leaving.secret, at(1))).toBeNull();
    const stolen = await open();
    expect((await sessions(hw, at(1))).map((s) => s.id)).toContain(stolen.user.sessionId);
    await revokeSession(hw, stolen.user.sessionId, at(1));
    expect(await sessionUser(hw, stolen.secret, at(1))).toBeNull();
    const before = await open();
    await setPassword(hw, 'ana@example.com', 'another long passphrase', at(1));
    expect(await sessionUser(hw, before.secret, at(1))).toBeNull();
    await expect(signIn(hw, { email: 'ana@example.com', password: 'long enough passphrase', now: at(1) })).rejects.toThrow();
    // A malformed secret is no session, without a database error.
    expect(await sessionUser(hw, "' OR 1=1 --", at(1))).toBeNull();
  });

  it('keep an admin, and sign in once through a sign-in link', async () => {
    const hw = await openTestHerowatch(dialect, 'https://api.heroku.com');
    await addUser(hw, { email: 'ana@example.com', password: 'long enough passphrase', role: 'admin' });
    await expect(addUser(hw, { email: 'ana@example.com', password: 'long enough passphrase', role: 'viewer' })).rejects.toThrow(/already a user/);
    await expect(addUser(hw, { email: 'vic@example.com', password: 'long enough passphrase', role: 'owner' })).rejects.toThrow(/A role is admin or viewer/);
    await addUser(hw, { email: 'vic@example.com', password: 'long enough passphrase', role: 'viewer' });
    await expect(setRole(hw, 'ana@example.com', 'viewer')).rejects.toThrow(/last admin/);
    await expect(removeUser(hw, 'ana@example.com')).rejects.toThrow(/last admin/);
    await setRole(hw, 'vic@example.com', 'admin');
    await setRole(hw, 'ana@example.com', 'viewer');
    expect((await users(hw)).map((u) => [u.email, u.role])).toEqual([
      ['ana@example.com', 'viewer'],
      ['vic@example.com', 'admin'],
    ]);

    const link = await createSignInLink(hw, 'vic@example.com', at(0));
    await expect(signInWithLink(hw, link, { now: at(1) })).rejects.toThrow(/used or has expired/);
    const fresh = await createSignInLink(hw, 'vic@example.com', at(0));
    const session = await signInWithLink(hw, fresh, { now: at(0.1) });
    expect(session.user.email).toBe('vic@example.com');
    await expect(signInWithLink(hw, fresh, { now: at(0.1) })).rejects.toThrow(/used or has expired/);
    // A sign-in link is no setup link, and a setup link signs no one in.
    expect(await setupLinkValid(hw, fresh, at(0.1))).toBe(false);
  });
});
