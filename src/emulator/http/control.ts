import type { RouteOptions } from 'fastify';
import { archiveBlob, monthlyArchives } from '../blobs/archive-blob.js';
import { buildId, buildOutput, builtReleases } from '../representations/builds.js';
import { slugBlob } from '../blobs/slug-blob.js';
import { logLines } from '../representations/logs.js';
import { auditEventJson } from '../representations/people.js';
import type { SchemaViolation } from '../schema/response-validator.js';
import type { World } from '../world/types.js';
import type { RequestLog } from './request-log.js';
import { ChangeSkipped, CHANGE_KINDS, type ChangeKind } from '../world/changes.js';
import type { LivingWorld } from '../world/living.js';
import { durationMs, isoSeconds } from '../world/time.js';

/** What the control endpoints read of the server that mounts them. */
export interface ControlSource {
  readonly currentWorld: World;
  readonly requestLog: RequestLog;
  readonly violations: SchemaViolation[];
  readonly living: LivingWorld | null;
  /** Applies what a living world's clock has reached. */
  catchUp(): void;
  /** Forgets cached answers after the world changed in place. */
  changed(): void;
}

/**
 * Endpoints that are the emulator's own, under `/__emulator/`: blob downloads
 * (which Heroku serves from object storage, without API credentials), health,
 * the request log and recorded schema violations. None of them counts against
 * the rate limit.
 */
export function controlRoutes(server: ControlSource): RouteOptions[] {
  const living = (reply: { code(status: number): unknown }): LivingWorld | null => {
    if (server.living) return server.living;
    reply.code(409);
    return null;
  };
  const notLiving = { id: 'not_living', message: 'This world does not change over time: start the emulator with a living world (see docs/emulator.md).' };
  return [
    {
      method: 'GET',
      url: '/__emulator/clock',
      handler: async (_request, reply) => {
        const world = living(reply);
        return world ? { now: isoSeconds(world.clock.now()), time_scale: world.clock.timeScale } : notLiving;
      },
    },
    {
      // Moves a living world's clock forward (`advance`: a duration, or `to`: a time), applying what happens on the way.
      method: 'POST',
      url: '/__emulator/clock',
      handler: async (request, reply) => {
        const world = living(reply);
        if (!world) return notLiving;
        const body = parseBody(request.body);
        const advance = body.advance === undefined ? null : durationMs(body.advance);
        const to = typeof body.to === 'string' ? Date.parse(body.to) : NaN;
        if (
          (body.advance !== undefined && advance === null) ||
          (body.to !== undefined && !Number.isFinite(to)) ||
          (body.advance === undefined && body.to === undefined)
        ) {
          reply.code(400);
          return { id: 'bad_request', message: 'Give "advance" (a duration such as 90s, 15m, 6h, 1d, or milliseconds) or "to" (an ISO 8601 time).' };
        }
        world.clock.advance({ ms: advance ?? undefined, to: Number.isFinite(to) ? to : undefined });
        server.catchUp();
        return { now: isoSeconds(world.clock.now()) };
      },
    },
    {
      // What has happened: the changes applied (after sequence `since`) and what the other clients spent.
      method: 'GET',
      url: '/__emulator/changes',
      handler: async (request, reply) => {
        const world = living(reply);
        if (!world) return notLiving;
        server.catchUp();
        const since = Number((request.query as { since?: string }).since ?? 0);
        return {
          now: isoSeconds(world.clock.now()),
          skipped: world.skipped,
          clients: world.clientStats(),
          changes: world.applied.filter((c) => c.seq > since),
        };
      },
    },
    {
      // Applies one change now: {"kind": "deploy", "app": "acme-api"}.
      method: 'POST',
      url: '/__emulator/changes',
      handler: async (request, reply) => {
        const world = living(reply);
        if (!world) return notLiving;
        server.catchUp();
        const body = parseBody(request.body);
        if (typeof body.kind !== 'string' || !(CHANGE_KINDS as readonly string[]).includes(body.kind)) {
          reply.code(400);
          return { id: 'bad_request', message: `"kind" must be one of ${CHANGE_KINDS.join(', ')}.` };
        }
        try {
          const applied = world.applyNow({ kind: body.kind as ChangeKind, app: stringOr(body.app), team: stringOr(body.team), actor: stringOr(body.actor) });
          server.changed();
          return applied;
        } catch (error) {
          if (!(error instanceof ChangeSkipped)) throw error;
          reply.code(422);
          return { id: 'change_skipped', message: error.message };
        }
      },
    },
    {
      method: 'GET',
      url: '/__emulator/health',
      handler: async () => ({ ok: true, stats: server.currentWorld.stats }),
    },
    {
      method: 'GET',
      url: '/__emulator/requests',
      handler: async (request) => {
        const since = Number((request.query as { since?: string }).since ?? 0);
        return { totals: server.requestLog.totals, last_seq: server.requestLog.lastSeq, requests: server.requestLog.list(since) };
      },
    },
    {
      method: 'DELETE',
      url: '/__emulator/requests',
      handler: async () => {
        server.requestLog.clear();
        return { ok: true };
      },
    },
    {
      method: 'GET',
      url: '/__emulator/schema-violations',
      handler: async () => server.violations,
    },
    {
      method: 'GET',
      url: '/__emulator/blobs/slugs/:file',
      handler: async (request, reply) => {
        const id = (request.params as { file: string }).file.replace(/\.tar\.gz$/, '');
        const slug = server.currentWorld.slugs.get(id);
        if (!slug || slug.release.status === 'expired') return reply.code(404).type('text/plain').send('NoSuchKey');
        const blob = slugBlob(slug);
        logBlob(server, request.url, 200);
        return reply
          .type('application/gzip')
          .header('ETag', `"${blob.checksum.slice(7, 39)}"`)
          .send(blob.bytes);
      },
    },
    {
      method: 'GET',
      url: '/__emulator/streams/builds/:build',
      handler: async (request, reply) => {
        const id = (request.params as { build: string }).build.toLowerCase();
        const release = [...server.currentWorld.apps.values()].flatMap((app) => builtReleases(app)).find((r) => buildId(r) === id);
        if (!release) return reply.code(404).type('text/plain').send('No such stream');
        logBlob(server, request.url, 200);
        return reply.type('text/plain; charset=utf-8').send(buildOutput(release));
      },
    },
    {
      method: 'GET',
      url: '/__emulator/streams/logs/:app',
      handler: async (request, reply) => {
        const app = server.currentWorld.apps.find((request.params as { app: string }).app);
        if (!app) return reply.code(404).type('text/plain').send('No such log session');
        const query = request.query as { lines?: string; dyno?: string; source?: string };
        const lines = Math.min(1500, Math.max(1, Number(query.lines) || 100));
        logBlob(server, request.url, 200);
        // The recorded lines, then the end of the stream (a tailing session ends here too).
        const found = logLines(app, server.currentWorld.now(), { lines, dyno: query.dyno, source: query.source });
        // The CLI (11 and later) reads the session as server-sent events, one line per event; other clients get text.
        if (/\btext\/event-stream\b/.test(request.headers.accept ?? '')) {
          return reply.type('text/event-stream; charset=utf-8').send(found.map((line, i) => `id: ${i + 1}\ndata: ${line}\n\n`).join(''));
        }
        return reply.type('text/plain; charset=utf-8').send(found.length === 0 ? '' : `${found.join('\n')}\n`);
      },
    },
    {
      method: 'GET',
      url: '/__emulator/blobs/archives/:enterprise/:year/:file',
      handler: async (request, reply) => {
        const { enterprise: id, year, file } = request.params as { enterprise: string; year: string; file: string };
        const enterprise = server.currentWorld.enterprises.find(id);
        const month = file.replace(/\.zip$/, '');
        const archive = enterprise && monthlyArchives(enterprise, server.currentWorld.now()).find((a) => String(a.year) === year && a.month === month);
        if (!enterprise || !archive) return reply.code(404).type('text/plain').send('NoSuchKey');
        logBlob(server, request.url, 200);
        return reply.type('application/zip').send(archiveBlob(enterprise, archive, auditEventJson).bytes);
      },
    },
  ];
}

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body || '{}');
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function logBlob(server: ControlSource, path: string, status: number): void {
  server.requestLog.add({
    at: new Date().toISOString(),
    method: 'GET',
    path,
    status,
    account: null,
    cost: 0,
    remaining: null,
    range: null,
    fault: null,
    durationMs: 0,
  });
}
