import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { createLogger } from '../../log.js';
import { webhookOrigin, webhookSecret } from '../../notify/webhook.js';
import { InputError } from '../../errors.js';
import { QueuePlanner, type PlannerEvent } from '../../scheduler/planner.js';
import { Scheduler, type SchedulerEvent } from '../../scheduler/scheduler.js';
import { runWorker } from '../../worker/worker.js';
import { queueView, schedulerJobs } from '../../service/jobs.js';
import { withHerowatch } from '../context.js';
import { wholeNumber } from '../parse.js';
import { table } from '../table.js';
import { EXIT, type Output } from '../output.js';

const hours = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)}m`);

export function registerRun(program: Command, output: Output, setExitCode: (code: number) => void): void {
  registerJobs(program, output);
  program
    .command('run')
    .description(
      'Keep every connection fresh: an inventory cycle (incremental after the first full sync) and the checks every hour, the audit trail every 6h (settings.yaml: schedule), findings to a webhook; stops cleanly on SIGTERM',
    )
    .option('--once', 'run what is due now, then exit (for cron): exit status 1 when a job or its notification failed')
    .option('--queue', 'plan only (PostgreSQL): enqueue what is due for herowatch worker processes; one of any number of planners plans at a time')
    .option('--json', 'print events as JSON lines')
    .option('--verbose', 'log to standard error')
    .action(async (flags: { once?: boolean; queue?: boolean; json?: boolean; verbose?: boolean }) => {
      if (flags.queue && flags.once) throw new InputError('HW_USAGE', '--queue plans continuously; --once runs the due jobs in this process. Use one of them.');
      await untilSignalled(async (controller) => {
        await withHerowatch({}, async (hw) => {
          const { schedule, notifications } = hw.config.settings;
          const secret = webhookSecret(notifications.webhook, process.env);
          if (!flags.json) {
            const audit = schedule.audit_every < schedule.inventory_every ? `audit trail every ${hours(schedule.audit_every)}` : 'audit trail with each';
            const mode = hw.config.settings.sync.incremental
              ? ` (incremental, within ${Math.round(hw.config.settings.sync.budget * 100)}% of each account's rate limit)`
              : '';
            output.out(
              `herowatch run: inventory every ${hours(schedule.inventory_every)}${mode}, ${audit} (jitter ${Math.round(schedule.jitter * 100)}%)${notifications.webhook ? `, findings to ${webhookOrigin(notifications.webhook.url)}${secret ? ' (signed)' : ''}` : ''}.`,
            );
          }
          if (flags.queue) {
            const planner = new QueuePlanner({
              hw,
              schedule,
              log: createLogger(flags.verbose ? 'info' : hw.config.logLevel),
              onEvent: (event) => (flags.json ? output.json(event) : describePlanner(output, event)),
            });
            await planner.run(controller.signal);
            return;
          }
          const scheduler = new Scheduler({
            hw,
            schedule,
            webhook: notifications.webhook,
            webhookSecret: secret,
            log: createLogger(flags.verbose ? 'info' : hw.config.logLevel),
            onEvent: (event) => (flags.json ? output.json(event) : describe(output, event)),
          });
          const { jobs, failed, next } = await scheduler.run(controller.signal, { once: flags.once });
          if (flags.once && jobs === 0 && !flags.json) {
            output.out(
              next
                ? `Nothing is due; next: ${next.kind} of ${next.connection} at ${new Date(next.due).toISOString()}.`
                : 'No connection to keep fresh: connect one first (herowatch connect), or reconnect a disconnected one.',
            );
          }
          if (flags.once && failed > 0) {
            output.err(`herowatch: ${failed} of ${jobs} job${jobs === 1 ? '' : 's'} failed or could not notify; herowatch jobs shows why.`);
            setExitCode(EXIT.failed);
          }
        });
        if (controller.signal.aborted && !flags.json) output.out('Stopped.');
      });
    });
  registerWorker(program, output);
}

function registerWorker(program: Command, output: Output): void {
  program
    .command('worker')
    .description(
      'Run jobs from the queue (PostgreSQL: DATABASE_URL) that herowatch run --queue plans; any number of workers, one job per Heroku account at a time; stops cleanly on SIGTERM',
    )
    .option('--concurrency <n>', 'jobs at once in this process (each on a different account)', wholeNumber(1, 64), 4)
    .option('--metrics-port <n>', 'serve /metrics (Prometheus) and /healthz on this port', wholeNumber(0, 65_535))
    .option('--metrics-host <address>', 'the address for --metrics-port', '127.0.0.1')
    .option('--json', 'print events as JSON lines')
    .option('--verbose', 'log to standard error')
    .action(async (flags: { concurrency: number; metricsPort?: number; metricsHost: string; json?: boolean; verbose?: boolean }) => {
      await untilSignalled(async (controller) => {
        await withHerowatch({}, async (hw) => {
          const { notifications } = hw.config.settings;
          if (!flags.json) output.out(`herowatch worker: up to ${flags.concurrency} jobs at once, from the queue in ${hw.database.description}.`);
          await runWorker(
            {
              hw,
              concurrency: flags.concurrency,
              log: createLogger(flags.verbose ? 'info' : hw.config.logLevel),
              webhook: notifications.webhook,
              webhookSecret: webhookSecret(notifications.webhook, process.env),
              onEvent: (event) => (flags.json ? output.json(event) : describe(output, event)),
              metrics:
                flags.metricsPort === undefined
                  ? undefined
                  : {
                      host: flags.metricsHost,
                      port: flags.metricsPort,
                      onListening: (url) => output.err(`metrics at ${url}/metrics, health at ${url}/healthz`),
                    },
            },
            controller.signal,
          );
        });
        if (!flags.json) output.out('Stopped.');
      });
    });
}

/** Runs `work` with a controller that SIGINT or SIGTERM aborts: the job in progress stops cleanly. */
async function untilSignalled(work: (controller: AbortController) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  // Every request waiting for the rate limit listens for the stop, more than Node's default warning threshold.
  setMaxListeners(0, controller.signal);
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await work(controller);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function describePlanner(output: Output, event: PlannerEvent): void {
  if (event.type === 'leading') output.out(`${event.at} planning (this planner holds the lead)`);
  else if (event.type === 'enqueued') output.out(`${event.at} ${event.connection}: ${event.kind} queued`);
  else output.out(`${event.at} workers stopped answering, their jobs go back to the queue: ${event.workers.join(', ')}`);
}

function registerJobs(program: Command, output: Output): void {
  program
    .command('jobs')
    .description('What herowatch run did lately: each job (inventory or audit trail) with how it ended, newest first')
    .option('--limit <n>', 'how many', wholeNumber(1, 10_000), 50)
    .option('--queue', 'the job queue instead (PostgreSQL): jobs waiting, running and failed, and the live workers')
    .option('--json', 'print JSON')
    .action(async (flags: { limit: number; queue?: boolean; json?: boolean }) => {
      if (flags.queue) {
        const queue = await withHerowatch({}, (hw) => queueView(hw, flags.limit));
        if (flags.json) return output.json(queue);
        output.out(
          queue.depth.length === 0
            ? 'The queue is empty.'
            : table(
                ['task', 'waiting', 'running', 'failed'],
                queue.depth.map((d) => [d.task, d.waiting, d.running, d.failed]),
              ),
        );
        if (queue.jobs.length > 0)
          output.out(
            `\n${table(
              ['id', 'task', 'connection', 'queue', 'run at', 'attempts', 'worker', 'last error'],
              queue.jobs.map((j) => [j.id, j.task, j.connection, j.queue, j.run_at, `${j.attempts}/${j.max_attempts}`, j.locked_by, j.last_error]),
            )}`,
          );
        output.out(
          `\n${queue.workers.length} worker process${queue.workers.length === 1 ? '' : 'es'} alive${queue.workers.length > 0 ? `: ${queue.workers.map((w) => `${w.host} pid ${w.pid}`).join(', ')}` : ''}.`,
        );
        return;
      }
      const jobs = await withHerowatch({}, (hw) => schedulerJobs(hw, flags.limit));
      if (flags.json) return output.json(jobs);
      if (jobs.length === 0) return output.out('herowatch run has run no job here yet.');
      output.out(
        table(
          ['id', 'connection', 'kind', 'started', 'status', 'error'],
          jobs.map((j) => [j.id, j.connection, j.kind, j.started_at, j.status, j.error]),
        ),
      );
    });
}

function describe(output: Output, event: SchedulerEvent): void {
  if (event.type === 'job-start') output.out(`${event.at} ${event.connection}: ${event.kind} started`);
  else if (event.type === 'job-done') {
    const findings = event.findings ? `, findings: ${event.findings.opened} new or reopened, ${event.findings.resolved} resolved` : '';
    output.out(
      `${event.at} ${event.connection}: ${event.kind} ${event.status} in ${(event.durationMs / 1000).toFixed(1)}s${findings}${event.error ? `: ${event.error}` : ''}`,
    );
  } else if (event.type === 'notified')
    output.out(
      `${event.at} ${event.connection}: webhook ${event.delivered ? `delivered (attempt ${event.attempts})` : `NOT delivered after ${event.attempts} attempts: ${event.error}`}`,
    );
  else output.out(`${event.at} waiting until ${event.until}`);
}
