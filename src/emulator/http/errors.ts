/**
 * Heroku's error responses: `{id, message, url?}` plus a few extra keys
 * (`resource` on not_found). Route code throws HerokuError; the server turns
 * it into the response.
 */
export class HerokuError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HerokuError';
  }

  body(): Record<string, unknown> {
    return { ...this.extra, id: this.id, message: this.message };
  }
}

/** The one error Heroku words under `error` rather than `message`: a request without the API version. */
class MissingVersionError extends HerokuError {
  override body(): Record<string, unknown> {
    return { id: this.id, error: this.message };
  }
}

const RATE_LIMIT_URL = 'https://devcenter.heroku.com/articles/platform-api-reference#rate-limits';

export const errors = {
  badRange: (detail?: string) =>
    new HerokuError(
      400,
      'bad_request',
      detail ? `Invalid \`Range\` header: ${detail}` : 'Invalid `Range` header. Please use format like `id ..; max=10, order=desc`. ',
    ),
  badRequest: (message: string) => new HerokuError(400, 'bad_request', message),
  unauthorized: () => new HerokuError(401, 'unauthorized', 'Invalid credentials provided.'),
  delinquent: () => new HerokuError(402, 'delinquent', 'This account is delinquent. Please update your billing information.'),
  forbidden: (message = 'You do not have access to this resource.') => new HerokuError(403, 'forbidden', message),
  scope: () => new HerokuError(403, 'forbidden', 'The scope of this OAuth authorization does not allow access to this resource.'),
  suspended: () => new HerokuError(403, 'suspended', 'This account has been suspended.'),
  /** `resource` is Heroku's machine name (`app`, `addon`...); `noun` what the message calls it. */
  notFound: (resource: string, noun = resource.replace(/_/g, ' ')) => new HerokuError(404, 'not_found', `Couldn't find that ${noun}.`, { resource }),
  noEndpoint: () =>
    new HerokuError(
      404,
      'not_found',
      'The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you specify your intent to use the V3 API by specifying `Accept: application/vnd.heroku+json; version=3` in your request headers?',
    ),
  missingVersion: () =>
    new MissingVersionError(
      400,
      'missing_version',
      "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.\n",
    ),
  conflict: (message: string) => new HerokuError(409, 'conflict', message),
  gone: (message: string) => new HerokuError(410, 'gone', message),
  rangeNotSatisfiable: (message = 'Requested range order is not allowed, please try `id` or another specified in `Accept-Ranges`.') =>
    new HerokuError(416, 'requested_range_not_satisfiable', message),
  preconditionFailed: () => new HerokuError(412, 'precondition_failed', 'The resource has changed since the ETag given in `If-Match`.'),
  invalidParams: (message: string) => new HerokuError(422, 'invalid_params', message),
  rateLimit: () =>
    new HerokuError(429, 'rate_limit', 'Your account reached the API rate limit\nPlease wait a few minutes before making new requests', {
      url: RATE_LIMIT_URL,
    }),
  internal: () => new HerokuError(500, 'internal_server_error', 'Internal server error.'),
  unavailable: () => new HerokuError(503, 'service_unavailable', 'API is temporarily unavailable. Please try again later.'),
};
