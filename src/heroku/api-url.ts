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
