import { createHmac } from 'node:crypto';
import { changeCounts, type FindingChange } from '../compliance/findings.js';
import type { Vulnerability } from '../vulns/match.js';
import { SettingsError, type Settings } from '../settings.js';

export type WebhookSettings = NonNullable<Settings['notifications']['webhook']>;

export interface FindingsNotice {
  connection: string;
  evaluatedAt: string;
  changes: FindingChange[];
  /** Vulnerabilities of monitored apps opened, reopened or resolved by the same job. */
  vulnerabilities?: VulnerabilityNotice[];
}

/** A vulnerability change of one app, as a notification tells it. */
export type VulnerabilityNotice = { event: FindingChange['event']; app: string } & Pick<
  Vulnerability,
  'id' | 'ecosystem' | 'package' | 'version' | 'severity' | 'fixed'
>;

const VERB: Record<FindingChange['event'], string> = { opened: 'New', reopened: 'Reopened', resolved: 'Resolved' };

/** The body sent: herowatch's JSON, or a Slack-compatible message (incoming webhooks take `text` and `blocks`). */
export function webhookBody(format: WebhookSettings['format'], notice: FindingsNotice): unknown {
  const vulnerabilities = notice.vulnerabilities ?? [];
  if (format === 'json') {
    return {
      type: 'herowatch.findings.changed',
      connection: notice.connection,
      evaluated_at: notice.evaluatedAt,
      changes: notice.changes.map((c) => ({
        event: c.event,
        finding_id: c.findingId,
        check_id: c.checkId,
        severity: c.severity,
        resource_key: c.resourceKey,
        resource_name: c.resourceName,
        message: c.message,
      })),
      vulnerability_changes: vulnerabilities.map((v) => ({
        event: v.event,
        app: v.app,
        id: v.id,
        ecosystem: v.ecosystem,
        package: v.package,
        version: v.version,
        severity: v.severity,
        fixed: v.fixed,
      })),
    };
  }
  const { opened, resolved } = changeCounts(notice.changes);
  const vulnerable = changeCounts(vulnerabilities).opened;
  const text = `herowatch: ${notice.connection}: ${opened} new or reopened finding${opened === 1 ? '' : 's'}, ${resolved} resolved${vulnerabilities.length > 0 ? `; ${vulnerable} new or reopened vulnerabilit${vulnerable === 1 ? 'y' : 'ies'}, ${vulnerabilities.length - vulnerable} resolved` : ''}`;
  const lines = [
    ...notice.changes.map((c) => `*${VERB[c.event]}* (${c.severity}) \`${c.checkId}\` ${c.resourceName}: ${c.message}`),
    ...vulnerabilities.map(
      (v) =>
        `*${VERB[v.event]}* (${v.severity}) \`${v.id}\` ${v.package} ${v.version} in ${v.app}${v.event === 'resolved' ? '' : v.fixed ? `: fixed in ${v.fixed}` : ': no fix yet'}`,
    ),
  ];
  const total = lines.length;
  lines.splice(40);
  if (total > 40)
    lines.push(`... and ${total - 40} more: herowatch findings --connection ${notice.connection}, herowatch vulns --connection ${notice.connection}`);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...lines.map((line) => ({ type: 'section', text: { type: 'mrkdwn', text: line.slice(0, 2900) } })),
    ],
  };
}

export interface Delivery {
  delivered: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

/**
 * The webhook's signing secret, from the environment variable the settings
 * name (null when none is named). A named variable that is unset is an
 * error: notifications would otherwise go out unsigned without anyone knowing.
 */
export function webhookSecret(settings: WebhookSettings | undefined, env: NodeJS.ProcessEnv): string | null {
  if (!settings?.secret_env) return null;
  const secret = env[settings.secret_env];
  if (!secret)
    throw new SettingsError(
      `notifications.webhook.secret_env names ${settings.secret_env}, which is not set: set it to the secret the receiver checks signatures with.`,
    );
  return secret;
}

/**
 * `Herowatch-Signature: v1=HEX`, the HMAC-SHA256 of `TIMESTAMP.BODY` under the
 * secret, with TIMESTAMP (Unix seconds) in `Herowatch-Timestamp`: a receiver
 * recomputes it to know the request came from herowatch, and rejects old
 * timestamps to refuse replays.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Where a webhook goes, without its path (Slack and others put the secret there). */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the configured webhook';
  }
}

/**
 * Posts the notice, retrying with exponential backoff on network errors,
 * 429 and 5xx; a 4xx other than 429 will not get better and is not retried.
 */
export async function sendWebhook(
  settings: WebhookSettings,
  notice: FindingsNotice,
  options: {
    secret?: string | null;
    baseDelayMs?: number;
    timeoutMs?: number;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    deliveryId?: string;
  } = {},
): Promise<Delivery> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const body = JSON.stringify(webhookBody(settings.format, notice));
  let status: number | null = null;
  let error: string | null = null;
  for (let attempt = 1; attempt <= settings.retries + 1; attempt++) {
    try {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'herowatch' };
      // The same delivery sent again (its process died before recording it) carries the same id: receivers drop the second.
      if (options.deliveryId) headers['Herowatch-Delivery'] = options.deliveryId;
      if (options.secret) {
        const timestamp = Math.floor((options.now ?? Date.now)() / 1000);
        headers['Herowatch-Timestamp'] = String(timestamp);
        headers['Herowatch-Signature'] = webhookSignature(options.secret, timestamp, body);
      }
      const response = await fetch(settings.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        // A redirect could carry the findings (and the signature) to another host: it is an answer, not a direction.
        redirect: 'manual',
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { delivered: true, attempts: attempt, status, error: null };
      error = `${webhookOrigin(settings.url)} answered ${response.status}`;
      if (response.status < 500 && response.status !== 429) return { delivered: false, attempts: attempt, status, error };
    } catch (caught) {
      error = `${webhookOrigin(settings.url)} could not be reached: ${(caught as Error).message}`;
    }
    if (attempt <= settings.retries) await sleep((options.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
  }
  return { delivered: false, attempts: settings.retries + 1, status, error };
}
