import type { RouteOptions } from 'fastify';
import { archiveBlob, monthlyArchives } from '../blobs/archive-blob.js';
import { slugBlob } from '../blobs/slug-blob.js';
import { auditEventJson } from '../representations/people.js';
import type { SchemaViolation } from '../schema/response-validator.js';
import type { World } from '../world/types.js';
import type { RequestLog } from './request-log.js';

/** What the control endpoints read of the server that mounts them. */
export interface ControlSource {
  readonly currentWorld: World;
  readonly requestLog: RequestLog;
  readonly violations: SchemaViolation[];
}

/**
 * Endpoints that are the emulator's own, under `/__emulator/`: blob downloads
 * (which Heroku serves from object storage, without API credentials), health,
 * the request log and recorded schema violations. None of them counts against
 * the rate limit.
 */
export function controlRoutes(server: ControlSource): RouteOptions[] {
  return [
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
        return reply.type('application/gzip').header('ETag', `"${blob.checksum.slice(7, 39)}"`).send(blob.bytes);
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

function logBlob(server: ControlSource, path: string, status: number): void {
  server.requestLog.add({ at: new Date().toISOString(), method: 'GET', path, status, account: null, cost: 0, remaining: null, range: null, fault: null, durationMs: 0 });
}
