import { deriveFraction, deriveId } from '../world/ids.js';
import type { App } from '../world/types.js';
import { dynosJson } from './apps.js';

export interface LogQuery {
  lines: number;
  /** A dyno (`web.1`) or process type (`web`) to keep. */
  dyno?: string;
  /** `app` or `heroku`. */
  source?: string;
}

const PATHS = ['/', '/health', '/api/v1/items', '/api/v1/orders', '/login', '/assets/app.js'];

/**
 * An app's recent log lines, as Logplex formats them: router lines for its
 * web dynos, its dynos' own lines, the platform's notes on its last release.
 * Deterministic for an app and a moment, one line a few seconds apart,
 * ending at `now`.
 */
export function logLines(app: App, now: Date, query: LogQuery): string[] {
  const dynos = dynosJson(app, now).map((d) => String(d.name));
  const lines: string[] = [];
  const release = app.currentRelease;
  const keep = (source: 'app' | 'heroku', dyno: string): boolean =>
    (!query.source || query.source === source) && (!query.dyno || dyno === query.dyno || dyno.split('.')[0] === query.dyno);
  for (let i = 0; lines.length < query.lines && i < query.lines * 4; i++) {
    const at = new Date(now.getTime() - (query.lines * 4 - i) * 3_000).toISOString().replace('Z', '000+00:00');
    const dyno = dynos[i % Math.max(1, dynos.length)] ?? 'web.1';
    const roll = deriveFraction('log', app.id, i);
    if (i === 0 && release && keep('app', 'api')) {
      lines.push(`${at} app[api]: Release v${release.version} created by user ${release.user.email}`);
    } else if (dyno.startsWith('web') && roll < 0.6 && keep('heroku', 'router')) {
      const path = PATHS[Math.floor(roll * 10) % PATHS.length]!;
      const status = roll < 0.03 ? 503 : roll < 0.08 ? 404 : 200;
      lines.push(
        `${at} heroku[router]: at=info method=GET path="${path}" host=${app.name}.herokuapp.com request_id=${deriveId('request', app.id, i)} ` +
          `fwd="203.0.113.${Math.floor(roll * 250)}" dyno=${dyno} connect=0ms service=${Math.floor(roll * 90) + 3}ms status=${status} bytes=${Math.floor(roll * 9000) + 200} protocol=https`,
      );
    } else if (keep('app', dyno)) {
      lines.push(
        `${at} app[${dyno}]: ${roll < 0.9 ? `processed job ${Math.floor(roll * 100_000)} in ${Math.floor(roll * 400)}ms` : 'warning: slow query (1.2s)'}`,
      );
    }
  }
  return lines;
}
