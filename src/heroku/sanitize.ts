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

export function sanitizeBody(path: string, body: unknown): unknown {
  const bare = path.split('?')[0]!;
  if (CONFIG_VARS.test(bare)) return configVarNames(body);
  if (AUTHORIZATIONS.test(bare)) return each(body, withoutTokens);
  if (LOG_DRAINS.test(bare)) return each(body, withoutDrainCredentials);
  if (SLUG.test(bare)) return withoutSignedBlob(body);
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

/** Keeps scheme, host, port and path; drops user, password, query and fragment. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    const hadSecrets = url.username || url.password || url.search || url.hash;
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return hadSecrets ? `${url.toString()}#redacted` : url.toString();
  } catch {
    return '[unparseable URL redacted]';
  }
}

function withoutSignedBlob(slug: unknown): unknown {
  if (!slug || typeof slug !== 'object') return slug;
  const blob = (slug as { blob?: unknown }).blob;
  return blob && typeof blob === 'object' ? { ...(slug as object), blob: { ...(blob as object), url: null } } : slug;
}
