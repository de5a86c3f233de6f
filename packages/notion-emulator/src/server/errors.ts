export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request_url'
  | 'invalid_request'
  | 'validation_error'
  | 'missing_version'
  | 'unauthorized'
  | 'restricted_resource'
  | 'object_not_found'
  | 'conflict_error'
  | 'rate_limited'
  | 'internal_server_error'
  | 'bad_gateway'
  | 'service_unavailable'
  | 'database_connection_unavailable'
  | 'gateway_timeout'
  | 'service_overload';

/** An error answered with Notion's envelope {object:'error', status, code, message, request_id, additional_data?}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly additionalData?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ObjectKind = 'page' | 'block' | 'database' | 'data_source' | 'user' | 'comment' | 'property';

export function notFound(kind: ObjectKind, id: string): ApiError {
  return new ApiError(
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
}

export function validationError(message: string): ApiError {
  return new ApiError(400, 'validation_error', message);
}

export function invalidCursor(cursor: string): ApiError {
  return validationError(`The start_cursor provided is invalid: ${cursor}`);
}

export function restricted(capability: string): ApiError {
  return new ApiError(
    403,
    'restricted_resource',
    `Insufficient permissions for this endpoint: the integration lacks the "${capability}" capability.`,
  );
}

export function rateLimited(retryAfterS: number, reason: string): ApiError {
  return new ApiError(
    429,
    'rate_limited',
    'You have been rate limited. Please try again in a few minutes.',
    { rate_limit_reason: reason, retry_after: retryAfterS },
    { 'retry-after': String(retryAfterS) },
  );
}
