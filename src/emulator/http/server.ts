import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ResponseValidator, type SchemaViolation } from '../schema/response-validator.js';
import { definitionProperties, findLink } from '../schema/platform-schema.js';
import type { Json } from '../representations/context.js';
import { ROUTES } from '../routes/index.js';
import type { RouteContext, RouteResult, RouteSpec } from '../routes/route.js';
import { Access } from '../world/access.js';
import type { Token, World } from '../world/types.js';
import { acceptsVersion3 } from './accept.js';
import { ACCEPTED_SCOPES, authenticate, checkScope } from './auth.js';
import { controlRoutes } from './control.js';
import { errors, HerokuError } from './errors.js';
import { FaultInjector, type FaultOptions, type FaultPlan } from './faults.js';
import { paginate, parseRange, sortBy } from './range.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { RequestLog } from './request-log.js';
import type { LivingWorld } from '../world/living.js';
import { etagMatches, etagOf, listJson, malformed } from './response.js';

export interface ServerOptions {
  rateLimit: RateLimitOptions;
  faults?: FaultOptions;
  /** Check every response against the official schema and record violations (tests turn this on). */
  validateResponses: boolean;
  requestLogLimit?: number;
  /** A world that changes as its clock runs (its clock then drives the rate limit too). */
  living?: LivingWorld;
}

/** How a route answers lists: which fields it sorts by and which the header advertises. */
interface RouteMeta {
  spec: RouteSpec;
  advertised: string[];
  sortable: string[];
}

/** A response being prepared: status, headers and body text. */
interface Outgoing {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The parsed body, for schema validation. */
  value: unknown;
}

const LIST_CACHE_SIZE = 256;

/**
 * The emulator's HTTP server. Every Platform API request goes through one
 * pipeline, in the order Heroku applies its rules: API version, route,
 * credentials, OAuth scope, rate limit, then the route itself; pagination,
 * ETags and the request log apply to every answer.
 */
export class EmulatorServer {
  readonly app: FastifyInstance;
  readonly limiter: RateLimiter;
  readonly requestLog: RequestLog;
  readonly violations: SchemaViolation[] = [];
  faults: FaultInjector;
  baseUrl = '';
  private world!: World;
  private access!: Access;
  private version = 0;
  private readonly validator: ResponseValidator | null;
  private readonly listCache = new Map<string, { items: Json[]; sorted: Map<string, Json[]> }>();

  readonly living: LivingWorld | null;

  constructor(world: World, options: ServerOptions) {
    this.setWorld(world);
    this.living = options.living ?? null;
    const clock = this.living?.clock;
    // A living world's pool refills on its clock, which already runs at its own scale.
    this.limiter = clock ? new RateLimiter({ ...options.rateLimit, timeScale: 1 }, () => clock.now()) : new RateLimiter(options.rateLimit);
    this.faults = new FaultInjector(options.faults);
    this.requestLog = new RequestLog(options.requestLogLimit);
    this.validator = options.validateResponses ? new ResponseValidator() : null;
    this.app = Fastify({
      logger: false,
      routerOptions: { maxParamLength: 2000, ignoreTrailingSlash: true },
      // HEAD is answered like GET, without the body.
      exposeHeadRoutes: true,
      // The framework's own refusals come back in Heroku's error shape, with Heroku's headers.
      frameworkErrors: (error, request, reply) => {
        void this.send(request, reply, this.errorOutgoing(frameworkError(error), randomUUID()), {
          account: null,
          cost: 0,
          remaining: null,
          fault: null,
          started: performance.now(),
        });
      },
      clientErrorHandler: (error, socket) => rawClientError(error, socket),
    });
    // Bodies are read as text and parsed here: an empty body with a JSON content type is no body (heroku-client sends
    // one on DELETE), and any other content type is taken as it comes.
    this.app.removeContentTypeParser('application/json');
    this.app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
      const text = String(body);
      if (!/json/i.test(request.headers['content-type'] ?? '')) return done(null, text);
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(errors.badRequest('Request body is not valid JSON.'), undefined);
      }
    });
    this.app.setErrorHandler((error, request, reply) => {
      void this.send(request, reply, this.errorOutgoing(frameworkError(error), randomUUID()), {
        account: null,
        cost: 0,
        remaining: null,
        fault: null,
        started: performance.now(),
      });
    });
    for (const route of controlRoutes(this)) this.app.route(route);
    for (const spec of ROUTES) {
      const meta = routeMeta(spec);
      this.app.route({ method: spec.method, url: spec.path, handler: (request, reply) => this.handle(request, reply, meta) });
    }
    this.app.setNotFoundHandler((request, reply) => this.handle(request, reply, null));
  }

  get currentWorld(): World {
    return this.world;
  }

  /** Serves a new world from the next request on (a changed scenario). */
  setWorld(world: World): void {
    this.world = world;
    this.access = new Access(world);
    this.changed();
  }

  /** Forgets cached answers; call after changing the world in place. */
  changed(): void {
    this.version++;
    this.listCache.clear();
    this.access = new Access(this.world);
  }

  /** A living world catches up with its clock before a request is served. */
  catchUp(): void {
    if (!this.living) return;
    this.living.catchUp(this.limiter);
    if (this.living.version !== this.livingVersion) {
      this.livingVersion = this.living.version;
      this.changed();
    }
  }

  private livingVersion = 0;

  private async handle(request: FastifyRequest, reply: FastifyReply, meta: RouteMeta | null): Promise<void> {
    const started = performance.now();
    const requestId = [request.headers['request-id'], randomUUID()].filter(Boolean).join(',');
    const audit = { account: null as string | null, cost: 0, remaining: null as number | null, fault: null as string | null, started };
    this.catchUp();
    let token: Token | null = null;
    try {
      if (!acceptsVersion3(request.headers.accept)) throw errors.missingVersion();
      if (!meta) throw errors.noEndpoint();
      token = authenticate(this.world, request.headers.authorization);
      audit.account = token.user.email;
      if (meta.spec.method !== 'GET' && meta.spec.access !== 'read' && token.user.delinquentAt) throw errors.delinquent();
      checkScope(token, meta.spec.access);
    } catch (error) {
      return this.send(request, reply, this.errorOutgoing(error, requestId, token), audit);
    }

    const account = token.user.id;
    const plan = this.faults.plan(request.method, request.url, `${request.url}|${request.headers.range ?? ''}`, account);
    let outgoing: Outgoing;
    if (plan.before === 'rate-limit-burst') {
      audit.fault = plan.before;
      audit.remaining = 0;
      outgoing = this.errorOutgoing(errors.rateLimit(), requestId, token);
      outgoing.headers['RateLimit-Remaining'] = '0';
      return this.finish(request, reply, outgoing, audit, plan);
    }
    const costs = meta.spec.costs !== false;
    if (costs) {
      const decision = this.limiter.take(account);
      audit.remaining = decision.remaining;
      if (!decision.allowed) {
        outgoing = this.errorOutgoing(errors.rateLimit(), requestId, token);
        if (this.limiter.options.retryAfter) outgoing.headers['Retry-After'] = String(decision.retryAfterSeconds);
        return this.finish(request, reply, outgoing, audit, plan);
      }
      audit.cost = 1;
    } else {
      audit.remaining = this.limiter.remaining(account);
    }
    if (plan.before === 'reset') {
      audit.fault = 'reset';
      await delay(plan.latencyMs);
      return this.reset(request, reply, audit);
    }
    if (plan.before === 'error') {
      audit.fault = `error ${plan.errorStatus}`;
      const error = plan.errorStatus === 503 ? errors.unavailable() : new HerokuError(plan.errorStatus, 'internal_server_error', 'Internal server error.');
      return this.finish(request, reply, this.errorOutgoing(error, requestId, token, audit.remaining), audit, plan);
    }

    try {
      outgoing = this.respond(request, meta, token, requestId, audit.remaining ?? 0);
    } catch (error) {
      outgoing = this.errorOutgoing(error, requestId, token, audit.remaining);
    }
    if (etagMatches(request.headers['if-none-match'] as string | undefined, outgoing.headers.ETag!) && outgoing.status < 300) {
      if (costs && !this.limiter.options.count304) {
        this.limiter.refund(account);
        audit.cost = 0;
        audit.remaining = this.limiter.remaining(account);
        outgoing.headers['RateLimit-Remaining'] = String(audit.remaining);
      }
      outgoing = { ...outgoing, status: 304, body: '', value: undefined };
      delete outgoing.headers['Content-Type'];
    } else if (request.headers['if-match'] && outgoing.status < 300 && !etagMatches(request.headers['if-match'] as string, outgoing.headers.ETag!)) {
      outgoing = this.errorOutgoing(errors.preconditionFailed(), requestId, token, audit.remaining);
    }
    return this.finish(request, reply, outgoing, audit, plan);
  }

  /** Runs the route and shapes its result: lists sorted and cut by the Range header. */
  private respond(request: FastifyRequest, meta: RouteMeta, token: Token, requestId: string, remaining: number): Outgoing {
    const headers = this.baseHeaders(requestId, token, remaining, meta.spec);
    const ctx = this.routeContext(request, token, headerList(request, 'accept-expansion'), headerList(request, 'accept-inclusion'));
    const result = this.run(meta, request, ctx);
    if ('sortedBy' in result) {
      const range = parseRange(request.headers.range, meta.sortable);
      const page = paginate(result.sortedBy(range.field), range);
      headers['Accept-Ranges'] = meta.advertised.join(', ');
      if (page.contentRange) headers['Content-Range'] = page.contentRange;
      if (page.nextRange) headers['Next-Range'] = page.nextRange;
      const body = listJson(page.items);
      headers.ETag = etagOf(body);
      return { status: page.nextRange ? 206 : 200, headers, body, value: page.items };
    }
    const body = Array.isArray(result.json) ? listJson(result.json) : JSON.stringify(result.json);
    headers.ETag = etagOf(body);
    const updatedAt = !Array.isArray(result.json) && typeof result.json.updated_at === 'string' ? result.json.updated_at : null;
    if (updatedAt) headers['Last-Modified'] = new Date(updatedAt).toUTCString();
    return { status: result.status ?? 200, headers, body, value: result.json };
  }

  /**
   * The route's answer. A list comes back as a function giving it sorted by
   * a field; lists and their sorted forms are cached per viewer and request
   * until the world changes (lists of 10,000 apps are walked page by page).
   */
  private run(meta: RouteMeta, request: FastifyRequest, ctx: RouteContext): Exclude<RouteResult, { list: Json[] }> | { sortedBy(field: string): Json[] } {
    const cacheable = meta.spec.cacheable !== false && meta.spec.method === 'GET';
    const key = `${ctx.viewer.id}|${request.url}|${ctx.expansions.join(',')}|${ctx.inclusions.join(',')}`;
    let entry = cacheable ? this.listCache.get(key) : undefined;
    if (entry) {
      this.listCache.delete(key);
      this.listCache.set(key, entry);
    } else {
      const result = meta.spec.handler(ctx);
      if (!('list' in result)) return result;
      if (meta.sortable.length === 0) throw new Error(`route ${meta.spec.path} returned a list but has no sortable fields`);
      entry = { items: result.list, sorted: new Map() };
      if (cacheable) {
        this.listCache.set(key, entry);
        if (this.listCache.size > LIST_CACHE_SIZE) this.listCache.delete(this.listCache.keys().next().value!);
      }
    }
    const list = entry;
    return {
      sortedBy: (field) => {
        let sorted = list.sorted.get(field);
        if (!sorted) {
          sorted = sortBy(list.items, field);
          list.sorted.set(field, sorted);
        }
        return sorted;
      },
    };
  }

  private routeContext(request: FastifyRequest, token: Token, expansions: string[], inclusions: string[]): RouteContext {
    return {
      world: this.world,
      access: this.access,
      viewer: token.user,
      baseUrl: this.baseUrl,
      token,
      params: request.params as Record<string, string>,
      query: request.query as Record<string, string | undefined>,
      body: request.body,
      expansions,
      inclusions,
      rateLimitRemaining: () => this.limiter.remaining(token.user.id),
      changed: () => this.changed(),
    };
  }

  private baseHeaders(requestId: string, token: Token | null, remaining: number | null, spec?: RouteSpec): Record<string, string> {
    const headers: Record<string, string> = {
      'Cache-Control': 'private, no-cache',
      'Content-Type': 'application/json',
      'RateLimit-Multiplier': '1',
      'RateLimit-Remaining': String(remaining ?? (token ? this.limiter.remaining(token.user.id) : this.limiter.options.poolSize)),
      'Request-Id': requestId,
      Vary: 'Accept-Encoding',
    };
    if (token) {
      headers['Oauth-Scope'] = token.scope.join(' ');
      if (spec) headers['Oauth-Scope-Accepted'] = ACCEPTED_SCOPES[spec.access].join(' ');
    }
    return headers;
  }

  private errorOutgoing(error: unknown, requestId: string, token: Token | null = null, remaining: number | null = null): Outgoing {
    const heroku = error instanceof HerokuError ? error : errors.internal();
    if (!(error instanceof HerokuError)) this.app.log.error(error);
    const value = heroku.body();
    const body = JSON.stringify(value);
    const headers = this.baseHeaders(requestId, token, remaining);
    headers.ETag = etagOf(body);
    return { status: heroku.status, headers, body, value };
  }

  private async finish(request: FastifyRequest, reply: FastifyReply, outgoing: Outgoing, audit: Audit, plan: FaultPlan): Promise<void> {
    await delay(plan.latencyMs);
    if (plan.after && outgoing.status < 300 && outgoing.body.length > 0) {
      audit.fault = plan.after;
      if (plan.after === 'malformed') return this.send(request, reply, { ...outgoing, body: malformed(outgoing.body) }, audit);
      return this.truncate(request, reply, outgoing, audit);
    }
    return this.send(request, reply, outgoing, audit);
  }

  private async send(request: FastifyRequest, reply: FastifyReply, outgoing: Outgoing, audit: Audit): Promise<void> {
    this.check(request, outgoing);
    this.record(request, outgoing.status, audit);
    await reply
      .code(outgoing.status)
      .headers(outgoing.headers)
      .send(outgoing.status === 304 ? undefined : outgoing.body);
  }

  /** Declares the full length, sends part of the body, then drops the connection. */
  private truncate(request: FastifyRequest, reply: FastifyReply, outgoing: Outgoing, audit: Audit): void {
    this.record(request, outgoing.status, audit);
    reply.hijack();
    const raw = reply.raw;
    const bytes = Buffer.from(outgoing.body);
    raw.writeHead(outgoing.status, { ...outgoing.headers, 'Content-Length': String(bytes.length) });
    raw.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => raw.socket?.destroy());
  }

  private reset(request: FastifyRequest, reply: FastifyReply, audit: Audit): void {
    this.record(request, 0, audit);
    reply.hijack();
    const socket = request.raw.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  private check(request: FastifyRequest, outgoing: Outgoing): void {
    if (!this.validator || outgoing.status === 304) return;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const problems = this.validator.check(
      method,
      request.url,
      outgoing.status,
      outgoing.value,
      headerList(request, 'accept-expansion'),
      headerList(request, 'accept-inclusion'),
    );
    if (problems.length > 0) this.violations.push({ method: request.method, path: request.url, status: outgoing.status, problems });
  }

  private record(request: FastifyRequest, status: number, audit: Audit): void {
    this.requestLog.add({
      at: new Date().toISOString(),
      method: request.method,
      path: request.url,
      status,
      account: audit.account,
      cost: audit.cost,
      remaining: audit.remaining,
      range: (request.headers.range as string | undefined) ?? null,
      fault: audit.fault,
      durationMs: Math.round((performance.now() - audit.started) * 100) / 100,
    });
  }
}

interface Audit {
  account: string | null;
  cost: number;
  remaining: number | null;
  fault: string | null;
  started: number;
}

/** A comma-separated request header as its items. */
function headerList(request: FastifyRequest, name: string): string[] {
  return String(request.headers[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** What the HTTP framework refused, as Heroku words it. */
function frameworkError(error: unknown): HerokuError {
  if (error instanceof HerokuError) return error;
  const { code, statusCode } = error as { code?: string; statusCode?: number };
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return errors.badRequest('The request URL is not valid: a %-escape in it does not decode.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badRequest("The request's Content-Type or Content-Length header is not valid.");
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HerokuError(413, 'request_entity_too_large', 'The request body is too large.');
    default:
      return statusCode === 400 ? errors.badRequest('Request body is not valid JSON.') : errors.internal();
  }
}

/** Requests the HTTP parser refuses before any route sees them (oversized or malformed headers): Heroku's error shape, then the connection closes. */
function rawClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, heroku] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', new HerokuError(431, 'request_header_fields_too_large', "The request's headers are too large.")]
      : [400, 'Bad Request', errors.badRequest('The request is not valid HTTP.')];
  const body = JSON.stringify(heroku.body());
  const headers = [
    `HTTP/1.1 ${status} ${reason}`,
    'Cache-Control: private, no-cache',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Request-Id: ${randomUUID()}`,
    'Connection: close',
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Sortable fields of a list route: the schema link's `ranges` when it names
 * them (advertised as they are, with `id` also accepted), otherwise the
 * route's own, otherwise `id` and `name` where the resource has a name.
 */
function routeMeta(spec: RouteSpec): RouteMeta {
  // Writes answer objects; a POST that lists (`/filters/apps`) pages like a GET.
  if (spec.method !== 'GET' && spec.method !== 'POST') return { spec, advertised: [], sortable: [] };
  const sample = spec.path.replace(/:[a-z]+/g, 'x');
  const link = findLink(spec.method, sample);
  if (spec.method === 'POST' && !link?.link.ranges) return { spec, advertised: [], sortable: [] };
  const isList = link ? link.link.rel === 'instances' || (link.link.targetSchema as { items?: unknown } | undefined)?.items !== undefined : true;
  if (!isList && !spec.ranges) return { spec, advertised: [], sortable: [] };
  const advertised = link?.link.ranges ?? spec.ranges ?? (link && definitionProperties(link.definition).includes('name') ? ['id', 'name'] : ['id']);
  return { spec, advertised, sortable: advertised.includes('id') ? advertised : [...advertised, 'id'] };
}
