import type { FastifyInstance } from 'fastify';
import type { Herowatch } from '../../service/herowatch.js';
import { EVERYTHING } from '../../service/scope.js';
import { jobQueueAvailable, queueView, schedulerJobs } from '../../service/jobs.js';
import { SyncNow, type LiveEvent } from '../../service/sync-now.js';
import { runsView } from '../../service/views.js';
import { field } from './form.js';
import { page } from './render.js';
import { connectionNamed, connectionNames } from '../../service/connections.js';

export async function registerRuns(web: FastifyInstance, hw: Herowatch): Promise<void> {
  // Where a sync asked for here runs (the queue, or a process of its own) is the service's choice; the server runs none itself.
  const syncNow = new SyncNow(hw);
  web.addHook('onClose', async () => syncNow.close());

  web.get('/runs', { config: { access: 'viewer' } }, async (request, reply) => {
    const { runs } = await runsView(hw, EVERYTHING, { limit: 30 });
    const connections = await connectionNames(hw, 'active');
    // What the scheduler (or the workers) ran, failures with their reason; with a job queue, the queue and its workers too.
    const jobs = await schedulerJobs(hw, 20);
    const queue = jobQueueAvailable(hw) ? await queueView(hw, 20) : null;
    return page(request, reply, 'runs', { title: 'Runs', runs, connections, jobs, queue });
  });

  web.post('/runs/sync', { config: { access: 'admin' } }, async (request, reply) => {
    const connection = field(request, 'connection');
    await syncNow.start(connection, { full: field(request, 'full') === 'on' });
    return reply.redirect(`/runs/live?connection=${encodeURIComponent(connection)}`, 303);
  });

  web.get<{ Querystring: { connection?: string } }>('/runs/live', { config: { access: 'viewer' } }, async (request, reply) => {
    const connection = (await connectionNamed(hw, request.query.connection ?? '')).name;
    return page(request, reply, 'run-live', { title: `Sync of ${connection}`, connection });
  });

  // Server-sent events: the live progress of the connection's sync.
  web.get<{ Querystring: { connection?: string } }>('/runs/events', { config: { access: 'viewer' } }, async (request, reply) => {
    const connection = (await connectionNamed(hw, request.query.connection ?? '')).name;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = (event: LiveEvent): void => {
      raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      if (event.type === 'done') raw.end();
    };
    const stop = await syncNow.follow(connection, send, (what) => raw.write(`: ${what}\n\n`));
    request.raw.on('close', stop);
  });
}
