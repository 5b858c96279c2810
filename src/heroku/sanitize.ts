/**
 * The client boundary for secrets. Right after a response body is parsed,
 * before anything else in herowatch sees it, values that are credentials are
 * dropped: config var values, OAuth tokens, credentials inside log drain URLs
 * and signed download URLs. What remains is safe to store, log and export.
 */
import { createHash } from 'node:crypto';

const CONFIG_VARS = /^\/apps\/[^/]+(\/releases\/[^/]+)?\/config-vars$/;
const AUTHORIZATIONS = /^\/oauth\/authorizations(\/[^/]+)?$/;
const LOG_DRAINS = /^\/(apps|addons)\/[^/]+\/log-drains(\/[^/]+)?$/;
const SLUG = /^\/apps\/[^/]+\/slugs\/[^/]+$/;

const SIGNED_URL_BODIES = [/^\/enterprise-accounts\/[^/]+\/archives\/[^/]+\/[^/]+$/];

/**
 * Answers that carry a pre-signed download URL herowatch needs to use once:
 * they are never kept (not in the ETag cache, not in the database).
 */
export function holdsSignedUrl(path: string): boolean {
  const bare = path.split('?')[0]!;
  return SIGNED_URL_BODIES.some((pattern) => pattern.test(bare));
}

export function sanitizeBody(path: string, body: unknown, options: { keepSignedUrl?: boolean } = {}): unknown {
  const bare = path.split('?')[0]!;
  if (CONFIG_VARS.test(bare)) return configVarNames(body);
  if (AUTHORIZATIONS.test(bare)) return each(body, withoutTokens);
  if (LOG_DRAINS.test(bare)) return each(body, withoutDrainCredentials);
  if (SLUG.test(bare) && !options.keepSignedUrl) return withoutSignedBlob(body);
  return body;
}

/** `{NAME: "secret"}` becomes `{NAME: null}`: names survive, values never leave this function. */
function configVarNames(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(Object.keys(body).map((name) => [name, null]));
}

function each(body: unknown, clean: (item: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(body)) return body.map((item) => (item && typeof item === 'object' ? clean(item as Record<string, unknown>) : item));
  return body && typeof body === 'object' ? clean(body as Record<string, unknown>) : body;
}

/**
 * A token's fingerprint: enough to recognise one's own authorization in a
 * list, never enough to recover the token (it is a truncated hash of a long
 * random value).
 */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

function withoutTokens(authorization: Record<string, unknown>): Record<string, unknown> {
  const out = { ...authorization };
  for (const field of ['access_token', 'refresh_token']) {
    const token = out[field] as Record<string, unknown> | null | undefined;
    if (token && typeof token === 'object') {
      out[field] = { ...token, token: null, fingerprint: typeof token.token === 'string' ? tokenFingerprint(token.token) : null };
    }
  }
  const grant = out.grant as Record<string, unknown> | null | undefined;
  if (grant && typeof grant === 'object') out.grant = { ...grant, code: null };
  return out;
}

function withoutDrainCredentials(drain: Record<string, unknown>): Record<string, unknown> {
  return typeof drain.url === 'string' ? { ...drain, url: redactUrl(drain.url) } : drain;
}

/**
 * A drain URL as herowatch keeps it: scheme, host and port only (a path or a
 * query can carry a token, and often does), plus a fingerprint of the whole
 * URL so that a change of credentials still shows as a change.
 */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    const origin = url.host ? `${url.protocol}//${url.host}` : url.protocol;
    return `${origin}#${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
  } catch {
    return '[unparseable URL redacted]';
  }
}

const TOKEN_SHAPES = [/HRKU-[A-Za-z0-9_-]{8,}/g, /\b(?:bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]*@/gi];

/**
 * Text that came from a server (an error message, a reason), made safe to
 * store and print: the given secrets and anything shaped like a credential
 * removed, control characters replaced, and the length bounded.
 */
export function scrubServerText(text: string, secrets: readonly string[] = []): string {
  let out = String(text);
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, '[redacted]');
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return out.length > 500 ? `${out.slice(0, 500)}...` : out;
}

function withoutSignedBlob(slug: unknown): unknown {
  if (!slug || typeof slug !== 'object') return slug;
  const blob = (slug as { blob?: unknown }).blob;
  return blob && typeof blob === 'object' ? { ...(slug as object), blob: { ...(blob as object), url: null } } : slug;
}
