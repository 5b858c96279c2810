import { col, defineResource } from '../resource.js';

const HOUR_MS = 3_600_000;

/**
 * When a token expires, from the seconds Heroku says it has left: an instant
 * to the nearest hour, so that the record does not change from one sync to
 * the next as the countdown (and the time between Heroku's clock and ours)
 * moves by a second or two. Rounding to the minute flipped between two
 * minutes whenever the expiry fell on one.
 */
function expiresAt(token: unknown): string | null {
  const left = (token as { expires_in?: number | null } | null)?.expires_in;
  if (typeof left !== 'number') return null;
  const at = new Date(Math.round((Date.now() + left * 1000) / HOUR_MS) * HOUR_MS);
  return at.toISOString().replace('.000Z', 'Z');
}

/** The account's OAuth authorizations; their tokens are dropped by the client before anything sees them. */
export default defineResource({
  name: 'oauth_authorizations',
  description: "OAuth authorizations (API key, CLI logins, integrations) of the connection's account, without their tokens.",
  path: '/oauth/authorizations',
  shape: 'list',
  omit: ['access_token', 'refresh_token', 'grant'],
  enrich: (item) => {
    const token = item.access_token as { id?: string; fingerprint?: string } | null;
    return { token_id: token?.id ?? null, token_fingerprint: token?.fingerprint ?? null, expires_at: expiresAt(item.access_token) };
  },
  requires: 'global',
  columns: [
    col.id(),
    col.text('description', 'What the authorization is for'),
    col.json('scope', 'Scopes: global, identity, read, write, read-protected, write-protected'),
    col.time('expires_at', 'When the token expires (null: never)'),
    col.text('client_name', 'OAuth client that obtained it (e.g. Heroku CLI)', 'client.name'),
    col.text('user_email', 'Account it belongs to', 'user.email'),
    col.text('token_fingerprint', 'Truncated SHA-256 of the token: tells which authorization a connection uses, without the token'),
    col.created(),
    col.updated(),
  ],
});
