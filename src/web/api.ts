import { REASON_LENGTH } from '../service/policy.js';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SEVERITIES } from '../severity.js';
import { FINDING_STATUSES } from '../compliance/finding-view.js';
import { ERROR_CODES, HerowatchError, InputError, NotFoundError, TRANSPORT, type ErrorCode, type Remedy } from '../errors.js';
import { apiRemedyText } from './api-remedy.js';
import { authenticate, bearerToken, InsufficientScope, type AccessScope } from '../service/access.js';
import { suppressFinding, unsuppressFinding, findingDetail, unknownFinding } from '../service/compliance.js';
import { addMonitoredApps, monitoredApps, removeMonitoredApps } from '../service/monitored-apps.js';
import { appDetail, listApps } from '../service/apps.js';
import type { Herowatch } from '../service/herowatch.js';
import { appInScope, scopedConnections, scopeFreshness, type Scope } from '../service/scope.js';
import { runReadOnlySql } from '../service/datasets.js';
import { importSbom, type SbomImport } from '../service/sbom-import.js';
import { importVex, listVex } from '../service/vex.js';
import { MAX_SBOM_BYTES } from '../vulns/sbom-import.js';
import { parseDay } from '../time.js';
import { auditEventsView, connectionsView, datasetsView, findingsView, runsView, vulnerabilitiesView } from '../service/views.js';
import { VERSION } from '../version.js';

/**
 * The REST API under /api/v1: the same scoped service views the MCP server
 * and the dashboard read, as JSON. Every route needs a bearer access token
 * (`herowatch access-tokens create`): reads the `read` scope, the few writes
 * (suppressing a finding, choosing monitored apps) the `write` scope; what
 * it sees and changes is the token's connections. Errors are
 * `{"error": {"code", "kind", "message", "remedy", "fix"}}` (docs/errors.md lists the
 * codes) with the status of their kind; anything unexpected is a 500 that says nothing of
 * herowatch's insides. The OpenAPI document is generated from the route
 * schemas, at /api/v1/openapi.json.
 */
/** ajv-formats is CommonJS: its function is the default of the default. */
const addFormats = addFormatsModule.default;

/** An error as the API answers it: a stable code, its kind, what is wrong, and what fixes it (as data, and said). */
function errorJson(code: ErrorCode, message: string, remedy: Remedy | null = null) {
  return { error: { code, kind: ERROR_CODES[code].kind, message, remedy, fix: remedy ? apiRemedyText(remedy) : null } };
}

declare module 'fastify' {
  interface FastifyRequest {
    herowatchScope?: Scope;
    herowatchTokenId?: number;
  }
  interface FastifyContextConfig {
    /** The access token scope an API route needs (default read). */
    tokenScope?: AccessScope;
  }
}

const object = { type: 'object', additionalProperties: true } as const;
/** A VEX document is read on the event loop (JSON, then one pass): kept small enough to take a few tens of milliseconds. */
const API_VEX_BYTES = 4 * 1024 * 1024;
/** What one SQL answer may hold and take. */
const API_SQL_LIMITS = { maxCellChars: 65_536, maxResultBytes: 8 * 1024 * 1024, timeoutMs: 30_000 };
const list = { type: 'array', items: object } as const;
const asOf = { type: 'array', items: object, description: 'As of which sync, per connection: {connection, run, synced_at}' } as const;
const paged = {
  type: 'object',
  properties: { items: list, total: { type: 'integer' }, next_cursor: { type: ['string', 'null'] }, as_of: asOf },
  required: ['items', 'total', 'next_cursor', 'as_of'],
} as const;
const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'stable; docs/errors.md lists them' },
        kind: { type: 'string' },
        message: { type: 'string' },
        remedy: { type: ['object', 'null'], additionalProperties: true, description: 'what fixes it, as data: {"do": ..., ...}' },
        fix: { type: ['string', 'null'], description: 'the remedy, said' },
      },
    },
  },
} as const;
const pageQuery = { limit: { type: 'integer', minimum: 1, maximum: 100, default: 25 }, cursor: { type: 'string' } } as const;
const responses = (ok: object) => ({ 200: ok, 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody });

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** What is wrong with a request, naming the field: "must NOT have additional properties" says neither which nor what is taken. */
function validationMessage(issues: ValidationIssue[], context = 'request', fallback = 'invalid request'): string {
  const issue = issues[0];
  if (!issue) return fallback;
  const where = `${context}${issue.instancePath.replace(/\//g, '.')}`;
  if (issue.keyword === 'additionalProperties')
    return `${where} has "${String(issue.params.additionalProperty)}", which this route does not take: remove it (the OpenAPI document at /api/v1/openapi.json lists what each route takes).`;
  if (issue.keyword === 'required') return `${where} needs "${String(issue.params.missingProperty)}".`;
  return `${where} ${issue.message ?? 'is not valid'}.`;
}

/** An SBOM import as the API answers it. */
function sbomImportBody(result: SbomImport) {
  const test = result.test;
  return {
    connection: result.connection,
    app: result.app,
    format: result.format,
    tool: result.tool,
    commit: result.commit,
    release: result.release,
    attribution: result.attribution,
    components: result.components,
    packages: result.packages,
    skipped: result.skipped,
    used: result.used,
    test: test && {
      outcome: test.outcome,
      release: test.release,
      packages: test.packages,
      open: test.open,
      reason: test.reason,
      unjudged: test.unjudged,
    },
  };
}

/** A page as the API answers it (snake_case, as every body). */
const pagedBody = <T>(page: { items: T[]; total: number; nextCursor: string | null; asOf: unknown }) => ({
  items: page.items,
  total: page.total,
  next_cursor: page.nextCursor,
  as_of: page.asOf,
});

export async function registerApi(app: FastifyInstance, hw: Herowatch): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'herowatch',
        version: VERSION,
        description:
          'Inventory, compliance and vulnerabilities of Heroku accounts. Reads need a token with the read scope; the few writes (suppressions, monitored apps) the write scope.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'herowatch access token (herowatch access-tokens create)' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(
    async (api) => {
      api.addHook('onRequest', async (request: FastifyRequest) => {
        if (request.url.startsWith('/api/v1/openapi.json')) return;
        const needed = request.routeOptions.config?.tokenScope ?? 'read';
        const { scope, tokenId } = await authenticate(hw, bearerToken(request.headers.authorization), needed);
        request.herowatchScope = scope;
        request.herowatchTokenId = tokenId;
      });
      api.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
        if (error instanceof HerowatchError) {
          if (error.kind === 'unauthenticated')
            reply.header('WWW-Authenticate', `Bearer realm="herowatch", scope="${request.routeOptions.config?.tokenScope ?? 'read'}"`);
          // RFC 6750: a valid token without the scope is 403, and says which scope it lacks.
          if (error instanceof InsufficientScope)
            reply.header('WWW-Authenticate', `Bearer realm="herowatch", error="insufficient_scope", scope="${error.scope}"`);
          return reply.code(TRANSPORT[error.kind].http).send(errorJson(error.code, error.message, error.remedy));
        }
        const validation = error as { validation?: ValidationIssue[]; validationContext?: string; message?: string; statusCode?: number };
        if (validation.validation)
          return reply
            .code(400)
            .send(errorJson('HW_INVALID_INPUT', validationMessage(validation.validation, validation.validationContext, validation.message)));
        request.log.error({ err: error }, 'API request failed');
        return reply.code(500).send(errorJson('HW_INTERNAL', 'herowatch failed to answer; its log says why.'));
      });
      api.setNotFoundHandler(async (_request, reply) =>
        reply.code(404).send(errorJson('HW_NOT_FOUND', 'There is no such API route: /api/v1/openapi.json lists them.')),
      );
      // Requests are checked by an Ajv of the API's own: an unknown parameter is refused, never silently dropped (Fastify's default).
      const ajv = new Ajv({ removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false, strict: false });
      addFormats(ajv, ['date']);
      api.setValidatorCompiler(({ schema }) => ajv.compile(schema));
      const scopeOf = (request: FastifyRequest): Scope => request.herowatchScope!;

      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

      api.get(
        '/connections',
        {
          schema: {
            summary: 'Connections, their status as last tested, and their last sync',
            response: responses({ type: 'object', properties: { connections: list, as_of: asOf } }),
          },
        },
        async (request) => {
          const { connections, asOf: fresh } = await connectionsView(hw, scopeOf(request));
          return { connections, as_of: fresh };
        },
      );

      api.get<{
        Querystring: {
          connection?: string;
          team?: string;
          region?: string;
          stack?: string;
          stage?: string;
          monitored?: boolean;
          search?: string;
          limit: number;
          cursor?: string;
        };
      }>(
        '/apps',
        {
          schema: {
            summary: 'Apps with region, stack, generation, team, pipeline stage, monitoring, last release and update',
            querystring: {
              type: 'object',
              properties: {
                connection: { type: 'string' },
                team: { type: 'string' },
                region: { type: 'string' },
                stack: { type: 'string' },
                stage: { type: 'string' },
                monitored: { type: 'boolean' },
                search: { type: 'string' },
                ...pageQuery,
              },
              additionalProperties: false,
            },
            response: responses(paged),
          },
        },
        async (request) => {
          const { limit, cursor, ...filter } = request.query;
          const page = await listApps(hw, scopeOf(request), filter, { limit, cursor });
          return pagedBody(page);
        },
      );

      api.get<{ Params: { connection: string; app: string } }>(
        '/apps/:connection/:app',
        {
          schema: {
            summary: 'One app in depth (config var names, never values)',
            params: { type: 'object', properties: { connection: { type: 'string' }, app: { type: 'string' } }, required: ['connection', 'app'] },
            response: responses(object),
          },
        },
        async (request) => {
          const { asOf: fresh, ...detail } = await appDetail(hw, scopeOf(request), request.params.app, { connection: request.params.connection });
          return { ...detail, as_of: fresh };
        },
      );

      api.get<{
        Querystring: {
          connection?: string;
          status?: string;
          severity?: string;
          check?: string;
          app?: string;
          framework?: string;
          limit: number;
          cursor?: string;
        };
      }>(
        '/findings',
        {
          schema: {
            summary: 'Compliance findings, most severe first',
            querystring: {
              type: 'object',
              properties: {
                connection: { type: 'string' },
                status: { type: 'string', description: `comma-separated: ${FINDING_STATUSES.join(', ')}` },
                severity: { type: 'string', enum: SEVERITIES },
                check: { type: 'string' },
                app: { type: 'string' },
                framework: { type: 'string' },
                ...pageQuery,
              },
              additionalProperties: false,
            },
            response: responses(paged),
          },
        },
        async (request) => {
          const { limit, cursor, status, severity, ...filter } = request.query;
          const statuses = status?.split(',').map((s) => s.trim()) as Parameters<typeof findingsView>[2]['status'];
          const page = await findingsView(
            hw,
            scopeOf(request),
            { ...filter, status: statuses, severity: severity as Parameters<typeof findingsView>[2]['severity'] },
            { limit, cursor },
          );
          return pagedBody(page);
        },
      );

      api.get<{ Querystring: { connection?: string; limit: number; cursor?: string } }>(
        '/vulnerabilities',
        {
          schema: {
            summary: 'Monitored apps with their open vulnerabilities by severity and last test',
            querystring: { type: 'object', properties: { connection: { type: 'string' }, ...pageQuery }, additionalProperties: false },
            response: responses(paged),
          },
        },
        async (request) => {
          const page = await vulnerabilitiesView(
            hw,
            scopeOf(request),
            { connection: request.query.connection },
            { limit: request.query.limit, cursor: request.query.cursor },
          );
          return pagedBody(page);
        },
      );

      api.get<{
        Querystring: {
          connection?: string;
          actor?: string;
          action?: string;
          type?: string;
          app?: string;
          since?: string;
          until?: string;
          limit: number;
          cursor?: string;
        };
      }>(
        '/audit-events',
        {
          schema: {
            summary: 'Audit trail events, newest first',
            querystring: {
              type: 'object',
              properties: {
                connection: { type: 'string' },
                actor: { type: 'string' },
                action: { type: 'string' },
                type: { type: 'string' },
                app: { type: 'string' },
                since: { type: 'string' },
                until: { type: 'string' },
                ...pageQuery,
              },
              additionalProperties: false,
            },
            response: responses(paged),
          },
        },
        async (request) => {
          const { limit, cursor, ...filter } = request.query;
          const page = await auditEventsView(hw, scopeOf(request), filter, { limit, cursor });
          return pagedBody(page);
        },
      );

      api.get<{ Querystring: { connection?: string; limit: number } }>(
        '/runs',
        {
          schema: {
            summary: 'Recent syncs with their coverage gaps and fixes',
            querystring: {
              type: 'object',
              properties: { connection: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
              additionalProperties: false,
            },
            response: responses({ type: 'object', properties: { runs: list, as_of: asOf } }),
          },
        },
        async (request) => {
          const { runs, asOf: fresh } = await runsView(hw, scopeOf(request), request.query);
          return { runs, as_of: fresh };
        },
      );

      // Writes: tokens with the write scope, within their connections.
      const findingParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;
      /** The finding, if its connection is in the token's scope (otherwise it does not exist for this client). */
      const scopedFinding = async (request: FastifyRequest, id: number) => {
        // One answer whether the finding does not exist or is outside the scope: a client learns nothing of others' findings.
        const hidden = unknownFinding(id);
        const finding = await findingDetail(hw, id).catch((error: unknown) => {
          throw error instanceof NotFoundError ? hidden : error;
        });
        const scope = scopeOf(request);
        if (scope.apps !== null || (scope.connections !== null && !scope.connections.includes(finding.connection))) throw hidden;
        return finding;
      };
      const by = (request: FastifyRequest): string => `access token ${request.herowatchTokenId}`;

      api.post<{ Params: { id: number }; Body: { reason: string; expires_at: string } }>(
        '/findings/:id/suppression',
        {
          config: { tokenScope: 'write' },
          schema: {
            summary: 'Suppress an open finding (accept the risk) until a day, with a reason',
            params: findingParams,
            body: {
              type: 'object',
              properties: {
                reason: { type: 'string', minLength: REASON_LENGTH.min, maxLength: REASON_LENGTH.max },
                expires_at: { type: 'string', format: 'date', description: 'YYYY-MM-DD, at most a year away' },
              },
              required: ['reason', 'expires_at'],
              additionalProperties: false,
            },
            response: responses(object),
          },
        },
        async (request) => {
          await scopedFinding(request, request.params.id);
          const expires = parseDay(request.body.expires_at);
          if (!expires) throw new InputError('HW_RISK_ACCEPTANCE_INVALID', 'expires_at is a day, YYYY-MM-DD.', { remedy: { do: 'give', input: 'expiry' } });
          return suppressFinding(hw, request.params.id, { reason: request.body.reason, by: by(request), expiresAt: expires });
        },
      );

      api.delete<{ Params: { id: number } }>(
        '/findings/:id/suppression',
        { config: { tokenScope: 'write' }, schema: { summary: 'Lift the suppression of a finding', params: findingParams, response: responses(object) } },
        async (request) => {
          await scopedFinding(request, request.params.id);
          await unsuppressFinding(hw, request.params.id, by(request));
          return { lifted: true };
        },
      );

      const connectionParams = { type: 'object', properties: { connection: { type: 'string' } }, required: ['connection'] } as const;
      api.post<{ Params: { connection: string }; Body: { add?: string[]; remove?: string[] } }>(
        '/connections/:connection/monitored-apps',
        {
          config: { tokenScope: 'write' },
          schema: {
            summary: 'Monitor apps (their deployed code is tested for vulnerabilities after each sync), or stop monitoring them',
            params: connectionParams,
            body: {
              type: 'object',
              properties: {
                add: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
                remove: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
              },
              additionalProperties: false,
            },
            response: responses({ type: 'object', properties: { monitored: { type: 'array', items: { type: 'string' } } } }),
          },
        },
        async (request) => {
          const [connection] = await scopedConnections(hw, scopeOf(request), request.params.connection);
          const apps = [...(request.body.add ?? []), ...(request.body.remove ?? [])];
          const outside = apps.find((app) => !appInScope(scopeOf(request), app));
          if (outside !== undefined)
            throw new NotFoundError('HW_APP_UNKNOWN', `There is no app "${outside.slice(0, 100)}" that this client may change.`, {
              remedy: { do: 'list', what: 'apps', connection: connection!.name },
            });
          if ((request.body.add ?? []).length > 0) await addMonitoredApps(hw, connection!.name, request.body.add!);
          if ((request.body.remove ?? []).length > 0) await removeMonitoredApps(hw, connection!.name, request.body.remove!);
          return { monitored: (await monitoredApps(hw, connection!.name)).filter((a) => a.active).map((a) => a.app_name) };
        },
      );

      // A VEX document's statements: for every connection with a token for all of them, else for one connection (and app) of its own.
      await api.register(async (vexApi) => {
        vexApi.removeAllContentTypeParsers();
        vexApi.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: API_VEX_BYTES }, (_request, body, done) => done(null, body));
        vexApi.post<{ Querystring: { connection?: string; app?: string }; Body: Buffer }>(
          '/vex',
          {
            config: { tokenScope: 'write' },
            bodyLimit: API_VEX_BYTES,
            schema: {
              summary:
                'Import a VEX document (OpenVEX 0.2 or CycloneDX VEX JSON, as the body): not_affected statements take the findings they name out of the counts',
              description: `At most ${API_VEX_BYTES / 1024 ** 2} MiB. Without \`connection\` the statements hold for every connection (a token for all of them only).`,
              querystring: {
                type: 'object',
                properties: { connection: { type: 'string', maxLength: 200 }, app: { type: 'string', maxLength: 200 } },
                additionalProperties: false,
              },
              response: { 201: object, ...responses(object) },
            },
          },
          async (request, reply) => {
            const scope = scopeOf(request);
            if (request.query.connection === undefined && (scope.connections !== null || scope.apps !== null))
              throw new InputError(
                'HW_INVALID_INPUT',
                'This token may change some connections only: say which with ?connection=NAME (and ?app=NAME when it is limited to apps).',
              );
            if (request.query.connection !== undefined) await scopedConnections(hw, scope, request.query.connection);
            if (scope.apps !== null && (request.query.app === undefined || !appInScope(scope, request.query.app)))
              throw new NotFoundError('HW_APP_UNKNOWN', `There is no app "${(request.query.app ?? '').slice(0, 100)}" that this client may change.`, {
                remedy: { do: 'list', what: 'apps', connection: request.query.connection },
              });
            if (!Buffer.isBuffer(request.body) || request.body.length === 0)
              throw new InputError('HW_VEX_INVALID', 'The request has no body: send the VEX document (OpenVEX or CycloneDX JSON) as it.');
            const result = await importVex(hw, {
              document: request.body.toString('utf8'),
              connection: request.query.connection,
              app: request.query.app,
              by: by(request),
            });
            return reply.code(201).send(result);
          },
        );
      });
      api.get(
        '/vex',
        {
          schema: {
            summary: 'The VEX statements kept that hold for the connections this client may see',
            response: responses({ type: 'object', properties: { statements: list } }),
          },
        },
        async (request) => {
          const scope = scopeOf(request);
          const statements = (await listVex(hw)).filter((s) =>
            s.connection === null
              ? scope.connections === null && scope.apps === null
              : (scope.connections === null || scope.connections.includes(s.connection)) &&
                (scope.apps === null || (s.app !== null && scope.apps.includes(s.app))),
          );
          return { statements };
        },
      );

      // An SBOM is untrusted and can be large: its bytes are taken as they are (bounded), and read off the event loop.
      await api.register(async (sbomApi) => {
        sbomApi.removeAllContentTypeParsers();
        sbomApi.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_SBOM_BYTES }, (_request, body, done) => done(null, body));
        sbomApi.post<{ Params: { connection: string; app: string }; Querystring: { commit?: string }; Body: Buffer }>(
          '/connections/:connection/apps/:app/sboms',
          {
            config: { tokenScope: 'write' },
            bodyLimit: MAX_SBOM_BYTES,
            schema: {
              summary:
                "Import the SBOM a build produced (CycloneDX 1.4-1.6 or SPDX 2.3 JSON, as the body) for a monitored app herowatch cannot read itself (a Fir app's OCI image)",
              description: `Attributed to the release of the commit it names (or \`commit\`), matched like a slug's packages. At most ${MAX_SBOM_BYTES / 1024 ** 2} MiB.`,
              params: { type: 'object', properties: { connection: { type: 'string' }, app: { type: 'string' } }, required: ['connection', 'app'] },
              querystring: {
                type: 'object',
                properties: {
                  commit: { type: 'string', pattern: '^[0-9a-fA-F]{7,64}$', description: 'The commit the build was made from, when the SBOM does not name it' },
                },
                additionalProperties: false,
              },
              response: { 201: object, ...responses(object) },
            },
          },
          async (request, reply) => {
            const [connection] = await scopedConnections(hw, scopeOf(request), request.params.connection);
            if (!appInScope(scopeOf(request), request.params.app))
              throw new NotFoundError('HW_APP_UNKNOWN', `There is no app "${request.params.app.slice(0, 100)}" that this client may change.`, {
                remedy: { do: 'list', what: 'apps', connection: connection!.name },
              });
            if (!Buffer.isBuffer(request.body) || request.body.length === 0)
              throw new InputError('HW_SBOM_INVALID', 'The request has no body: send the SBOM (CycloneDX or SPDX JSON) as it.');
            const result = await importSbom(hw, {
              connection: connection!.name,
              app: request.params.app,
              document: request.body.toString('utf8'),
              commit: request.query.commit,
              by: by(request),
            });
            return reply.code(201).send(sbomImportBody(result));
          },
        );
      });

      api.post<{ Body: { query: string; limit: number } }>(
        '/sql',
        {
          config: { tokenScope: 'read' },
          schema: {
            summary: "One read-only SELECT over the dataset views, confined to the token's connections",
            description: `At most \`limit\` rows and ${API_SQL_LIMITS.maxResultBytes} bytes; longer values are cut to ${API_SQL_LIMITS.maxCellChars} characters. \`truncated_by\` says why rows were left out (rows or bytes), \`cut_cells\` how many values were cut.`,
            body: {
              type: 'object',
              properties: {
                query: { type: 'string', minLength: 1, maxLength: 20_000 },
                limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 },
              },
              required: ['query'],
              additionalProperties: false,
            },
            response: responses({
              type: 'object',
              properties: {
                columns: { type: 'array', items: { type: 'string' } },
                rows: list,
                truncated: { type: 'boolean' },
                truncated_by: { type: ['string', 'null'], enum: ['rows', 'bytes', null] },
                cut_cells: { type: 'integer' },
                as_of: asOf,
              },
            }),
          },
        },
        async (request) => {
          const answer = await runReadOnlySql(hw, request.body.query, { ...API_SQL_LIMITS, maxRows: request.body.limit }, scopeOf(request));
          return {
            columns: answer.columns,
            rows: answer.rows,
            truncated: answer.truncated,
            truncated_by: answer.truncatedBy,
            cut_cells: answer.cutCells,
            as_of: await scopeFreshness(hw, scopeOf(request)),
          };
        },
      );

      api.get<{ Querystring: { connection?: string } }>(
        '/datasets',
        {
          schema: {
            summary: 'Datasets and their row counts',
            querystring: { type: 'object', properties: { connection: { type: 'string' } }, additionalProperties: false },
            response: responses({ type: 'object', properties: { datasets: list } }),
          },
        },
        async (request) => ({ datasets: await datasetsView(hw, scopeOf(request), request.query.connection) }),
      );
    },
    { prefix: '/api/v1' },
  );
}
