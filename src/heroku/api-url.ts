export const DEFAULT_API_URL = 'https://api.heroku.com';

/**
 * The API URL as the official Heroku CLI derives it from `HEROKU_HOST`: a
 * value starting with `http` is the whole URL (`http://127.0.0.1:5055`),
 * anything else is a domain (`heroku.com` -> `https://api.heroku.com`).
 */
export function apiUrlFromHost(host: string | undefined): string {
  const value = host?.trim();
  if (!value) return DEFAULT_API_URL;
  return value.startsWith('http') ? value.replace(/\/+$/, '') : `https://api.${value}`;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether herowatch may send a token to `apiUrl` without being told to:
 * Heroku's own API over HTTPS, or a server on this machine (the emulator).
 * Anything else, plain HTTP to another host included, needs the origin
 * listed in `allowed` (HEROWATCH_ALLOW_API_ORIGIN).
 */
export function apiUrlProblem(apiUrl: string, allowed: readonly string[] = []): string | null {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return `"${apiUrl}" is not a URL; give the whole URL with its scheme, e.g. https://api.heroku.com or http://127.0.0.1:5055`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${apiUrl}" is not an http(s) URL`;
  if (allowed.includes(url.origin)) return null;
  if (LOOPBACK.test(url.hostname)) return null;
  if (url.protocol === 'https:' && (url.hostname === 'api.heroku.com' || url.hostname.endsWith('.heroku.com'))) return null;
  return `${url.origin} is not Heroku's API${url.protocol === 'http:' ? ' and is not encrypted (http)' : ''}, so herowatch will not send a Heroku token there. If you mean it (a proxy of your own), allow it with HEROWATCH_ALLOW_API_ORIGIN=${url.origin}`;
}
