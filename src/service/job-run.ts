import { InputError } from '../errors.js';
import type { HerokuClientOptions } from '../heroku/client.js';
import { SyncAlreadyRunning } from '../inventory/sync.js';
import type { Logger } from '../log.js';
import { sendWebhook, webhookOrigin, type Delivery, type VulnerabilityNotice, type WebhookSettings } from '../notify/webhook.js';
import { notificationDelivered, pendingNotifications, type EvaluationSummary } from './compliance.js';
import type { Herowatch } from './herowatch.js';
import { syncAuditTrailOnly, syncConnection } from './sync.js';
import { finishJob, startJob } from '../store/jobs.js';
import type { JobKind } from '../store/schema.js';

export type { JobKind } from '../store/schema.js';

export type SchedulerEvent =
  | { type: 'job-start'; connection: string; kind: JobKind; at: string }
  | {
      type: 'job-done';
      connection: string;
      kind: JobKind;
      at: string;
      status: string;
      error: string | null;
      durationMs: number;
      findings: { opened: number; resolved: number } | null;
    }
  | { type: 'notified'; connection: string; at: string; delivered: boolean; attempts: number; error: string | null }
  | { type: 'waiting'; at: string; until: string };

/** What running a job needs, whoever runs it: the scheduler of one process, or a worker taking it from the queue. */
export interface JobContext {
  hw: Herowatch;
  log: Logger;
  now: () => Date;
  emit: (event: SchedulerEvent) => void;
  webhook?: WebhookSettings;
  webhookSecret?: string | null;
  webhookDelayMs?: number;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl' | 'etagCache'>;
}

export interface JobToRun {
  connection: string;
  connectionId: number;
  kind: JobKind;
  /** An inventory sync that reads everything, rather than what is due. */
  full?: boolean;
}

/** How a job ended: `skipped` when another process held the connection's run. */
export interface JobOutcome {
  status: 'complete' | 'failed' | 'interrupted' | 'skipped';
  error: string | null;
  /** False when the job or its notification failed. */
  ok: boolean;
}

/**
 * Runs one job (an inventory sync with its checks, or an audit trail
 * collection), records it among the jobs, and notifies its findings.
 */
export async function runJob(context: JobContext, job: JobToRun, signal: AbortSignal): Promise<JobOutcome> {
  const { hw, log } = context;
  const started = context.now();
  const jobId = await startJob(hw.store, job.connectionId, job.kind, started);
  context.emit({ type: 'job-start', connection: job.connection, kind: job.kind, at: started.toISOString() });
  let status: JobOutcome['status'];
  let error: string | null;
  let compliance: EvaluationSummary | null = null;
  let vulnerabilities: VulnerabilityNotice[] = [];
  try {
    if (job.kind === 'inventory') {
      const result = await syncConnection(hw, {
        connection: job.connection,
        full: job.full,
        client: context.client,
        now: context.now(),
        notify: Boolean(context.webhook),
        sync: { signal, now: context.now, logger: log },
      });
      // An incomplete run is a job that failed: its error says how much could not be read.
      status = result.status === 'incomplete' ? 'failed' : result.status;
      error = result.error;
      compliance = result.compliance;
      vulnerabilities = (result.vulnerabilities?.changes ?? []).map((c) => ({ event: c.event, app: c.app, ...c.vulnerability }));
    } else {
      const result = await syncAuditTrailOnly(hw, {
        connection: job.connection,
        client: context.client,
        now: context.now(),
        signal,
        notify: Boolean(context.webhook),
      });
      status = result.status;
      error = result.error;
      compliance = result.compliance;
    }
  } catch (caught) {
    status = caught instanceof SyncAlreadyRunning ? 'skipped' : 'failed';
    error = (caught as Error).message;
    if (!(caught instanceof InputError) && !(caught instanceof SyncAlreadyRunning))
      log.error({ connection: job.connection, kind: job.kind, error }, 'scheduled job failed');
  }
  const finished = context.now();
  await finishJob(hw.store, jobId, status === 'skipped' ? 'failed' : status, finished, error);
  const findings = compliance
    ? { opened: compliance.changeCounts.opened + compliance.changeCounts.reopened, resolved: compliance.changeCounts.resolved }
    : null;
  context.emit({
    type: 'job-done',
    connection: job.connection,
    kind: job.kind,
    at: finished.toISOString(),
    status,
    error,
    durationMs: finished.getTime() - started.getTime(),
    findings,
  });
  // What the webhook is owed is read back from the outbox: this evaluation's changes, and any a process that died left pending.
  const notified = compliance || vulnerabilities.length > 0 ? await notify(context, job, vulnerabilities) : true;
  return { status, error, ok: status === 'complete' && notified };
}

/**
 * Delivers what the webhook is owed for the connection, oldest first: each
 * pending evaluation's changes (the vulnerability changes of this job ride
 * with the newest), marked sent once delivered. Stops at the first failure,
 * leaving the rest pending for the next job. False when something could not
 * be delivered.
 */
async function notify(context: JobContext, job: JobToRun, vulnerabilityChanges: VulnerabilityNotice[]): Promise<boolean> {
  const webhook = context.webhook;
  if (!webhook) return true;
  const pending = await pendingNotifications(context.hw, job.connectionId, context.now());
  const vulnerabilities = vulnerabilityChanges.filter((c) => webhook.events.includes(c.event));
  if (pending.length === 0 && vulnerabilities.length > 0) pending.push({ evaluationId: 0, evaluatedAt: context.now().toISOString(), changes: [] });
  for (const [i, notice] of pending.entries()) {
    const changes = notice.changes.filter((c) => webhook.events.includes(c.event));
    const riding = i === pending.length - 1 ? vulnerabilities : [];
    if (changes.length > 0 || riding.length > 0) {
      const delivery: Delivery = await sendWebhook(
        webhook,
        { connection: job.connection, evaluatedAt: notice.evaluatedAt, changes, vulnerabilities: riding },
        {
          secret: context.webhookSecret,
          baseDelayMs: context.webhookDelayMs,
          deliveryId: notice.evaluationId > 0 ? `evaluation-${notice.evaluationId}` : undefined,
        },
      );
      context.emit({
        type: 'notified',
        connection: job.connection,
        at: context.now().toISOString(),
        delivered: delivery.delivered,
        attempts: delivery.attempts,
        error: delivery.error,
      });
      if (!delivery.delivered) {
        context.log.warn(
          { connection: job.connection, webhook: webhookOrigin(webhook.url), error: delivery.error, attempts: delivery.attempts },
          'notification not delivered',
        );
        return false;
      }
    }
    if (notice.evaluationId > 0) await notificationDelivered(context.hw, notice.evaluationId, context.now());
  }
  return true;
}
