import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HerokuClientOptions } from '../heroku/client.js';
import type { Logger } from '../log.js';
import type { WebhookSettings } from '../notify/webhook.js';
import { takeQueuedWork } from '../service/dispatch.js';
import type { Herowatch } from '../service/herowatch.js';
import type { SchedulerEvent } from '../service/job-run.js';
import { health, metricsRefusal, metricsText } from '../service/metrics.js';

export interface WorkerOptions {
  hw: Herowatch;
  /** Jobs this process runs at once (each on a different rate-limit pool). */
  concurrency: number;
  log: Logger;
  onEvent?: (event: SchedulerEvent) => void;
  webhook?: WebhookSettings;
  webhookSecret?: string | null;
  client?: Omit<HerokuClientOptions, 'token' | 'apiUrl' | 'etagCache'>;
  /** How often it says it is alive (a third of the run lease by default). */
  heartbeatMs?: number;
  /** How often it looks for jobs when no notification wakes it. */
  pollMs?: number;
  /** Where to serve /metrics and /healthz (none by default). */
  metrics?: { host: string; port: number; onListening?: (url: string) => void };
}

/**
 * A worker process: takes jobs from the queue (PostgreSQL only) and runs
 * them with the same service functions as every other door, serving its
 * /metrics and /healthz when asked. On `signal` (SIGTERM) the job in
 * progress is interrupted cleanly and handed back to the queue.
 */
export async function runWorker(options: WorkerOptions, signal: AbortSignal): Promise<void> {
  const { hw, log } = options;
  const context = {
    hw,
    log,
    now: () => new Date(),
    emit: (event: SchedulerEvent) => options.onEvent?.(event),
    webhook: options.webhook,
    webhookSecret: options.webhookSecret,
    client: options.client,
  };
  const metrics = options.metrics ? await serveMetrics(hw, options.metrics) : null;
  try {
    await takeQueuedWork(hw, { context, concurrency: options.concurrency, log, heartbeatMs: options.heartbeatMs, pollMs: options.pollMs }, signal);
  } finally {
    metrics?.close();
  }
}

/** /metrics and /healthz of a worker process, as the server answers them. */
async function serveMetrics(hw: Herowatch, where: NonNullable<WorkerOptions['metrics']>): Promise<HttpServer> {
  const server = createServer((request, response) => {
    const send = (status: number, type: string, body: string): void => void response.writeHead(status, { 'content-type': type }).end(body);
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send(405, 'application/json', JSON.stringify({ error: 'GET only' }));
    if (path === '/healthz') {
      void health(hw).then((state) => send(state.ok ? 200 : 503, 'application/json', JSON.stringify(state)));
      return;
    }
    if (path !== '/metrics') return send(404, 'application/json', JSON.stringify({ error: 'GET /metrics or /healthz' }));
    const refusal = metricsRefusal(hw.config.metricsToken, request.socket.remoteAddress, request.headers.authorization);
    if (refusal) return send(refusal.status, 'application/json', JSON.stringify({ error: refusal.message }));
    metricsText(hw).then(
      (metrics) => send(200, metrics.contentType, metrics.body),
      () => send(503, 'application/json', JSON.stringify({ error: 'the database could not be read' })),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(where.port, where.host, resolve));
  const address = server.address() as AddressInfo;
  where.onListening?.(`http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${address.port}`);
  return server;
}
