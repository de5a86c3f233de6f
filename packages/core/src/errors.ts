import type { z } from 'zod';
import { prettifyError } from 'zod';
import { redactSecrets } from './logger.js';

/** Base of every error the connector raises; messages are redacted of registered secrets. */
export class ConnectorError extends Error {
  override name = 'ConnectorError';
  readonly isRetryable: boolean;

  constructor(message: string, options: { cause?: unknown; isRetryable?: boolean } = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** Notion's error codes (the `code` of an error body). */
export const NOTION_ERROR_CODES = [
  'invalid_json',
  'invalid_request_url',
  'invalid_request',
  'validation_error',
  'missing_version',
  'unauthorized',
  'restricted_resource',
  'object_not_found',
  'conflict_error',
  'rate_limited',
  'internal_server_error',
  'bad_gateway',
  'service_unavailable',
  'database_connection_unavailable',
  'gateway_timeout',
  'service_overload',
] as const;
export type NotionErrorCode = (typeof NOTION_ERROR_CODES)[number];

export function isNotionErrorCode(value: unknown): value is NotionErrorCode {
  return typeof value === 'string' && (NOTION_ERROR_CODES as readonly string[]).includes(value);
}

/** HTTP statuses worth retrying (reads only, which is all a capture does). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([409, 429, 500, 502, 503, 504, 529]);

export interface NotionApiErrorOptions {
  status: number;
  code?: NotionErrorCode | undefined;
  requestId?: string | undefined;
  operation: string;
  additionalData?: Record<string, unknown> | undefined;
  /** Notion's `message`, or a description of a non-JSON body. */
  detail?: string | undefined;
  isRetryable?: boolean;
  cause?: unknown;
}

/** An error answer from the Notion API (or its edge), typed so a stream can act on it. */
export class NotionApiError extends ConnectorError {
  override name = 'NotionApiError';
  readonly status: number;
  readonly code: NotionErrorCode | undefined;
  readonly requestId: string | undefined;
  readonly operation: string;
  readonly additionalData: Record<string, unknown> | undefined;

  constructor(options: NotionApiErrorOptions) {
    const { status, code, requestId, operation, detail } = options;
    const what = code === undefined ? `HTTP ${status}` : `${status} ${code}`;
    const message = `${operation}: Notion answered ${what}${detail ? `: ${detail}` : ''}${
      requestId ? ` (request id ${requestId})` : ''
    }`;
    super(message, {
      cause: options.cause,
      isRetryable: options.isRetryable ?? RETRYABLE_STATUSES.has(status),
    });
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.operation = operation;
    this.additionalData = options.additionalData;
  }

  /** `additional_data.rate_limit_reason` of a 429, when present. */
  get rateLimitReason(): string | undefined {
    const reason = this.additionalData?.rate_limit_reason;
    return typeof reason === 'string' ? reason : undefined;
  }
}

/** A transport failure: connection reset or refused, timeout, truncated body. Retryable. */
export class NetworkError extends ConnectorError {
  override name = 'NetworkError';
  constructor(message: string, options: { cause?: unknown; isRetryable?: boolean } = {}) {
    super(message, { cause: options.cause, isRetryable: options.isRetryable ?? true });
  }
}

/** A response that does not have the shape we rely on. */
export class ResponseValidationError extends ConnectorError {
  override name = 'ResponseValidationError';
  readonly operation: string;
  readonly requestId: string | undefined;

  constructor(
    message: string,
    options: { operation: string; requestId?: string | undefined; cause?: unknown; isRetryable?: boolean },
  ) {
    super(
      `${options.operation}: ${message}${options.requestId ? ` (request id ${options.requestId})` : ''}`,
      options,
    );
    this.operation = options.operation;
    this.requestId = options.requestId;
  }

  static fromZodError(
    error: z.core.$ZodError,
    options: { operation: string; requestId?: string | undefined },
  ): ResponseValidationError {
    return new ResponseValidationError(`unexpected response shape:\n${prettifyError(error)}`, {
      ...options,
      cause: error,
    });
  }
}

/** An invalid endpoint or resource configuration. */
export class ConfigError extends ConnectorError {
  override name = 'ConfigError';
  readonly field: string | undefined;

  constructor(message: string, options: { cause?: unknown; field?: string | undefined } = {}) {
    super(message, { cause: options.cause, isRetryable: false });
    this.field = options.field;
  }
}

/** A listing ended with `request_status: incomplete` and the caller did not handle it. */
export class IncompleteListError extends ConnectorError {
  override name = 'IncompleteListError';
}

/**
 * Notion rejected a listing's cursor (400 "The start_cursor provided is invalid": expired, or past
 * a positional cap) and the listing did not restart: its restarts were used up (`restarts`), or the
 * caller resumes on its own (`maxRestarts: 0`).
 */
export class CursorRejectedError extends ConnectorError {
  override name = 'CursorRejectedError';
  readonly requestId: string | undefined;
  readonly restarts: number;

  constructor(
    message: string,
    options: { cause?: unknown; requestId?: string | undefined; restarts: number },
  ) {
    super(message, { cause: options.cause });
    this.requestId = options.requestId;
    this.restarts = options.restarts;
  }
}

/**
 * An error that concerns one object (a data source, a database), not the capture: a 400 (other
 * than a bug in the request itself), 403 or 404 answer, a response that does not parse, or a
 * listing that cannot be completed. Such an object is skipped for this sweep and retried the next.
 * Authentication (401), a blocked integration, exhausted retries and aborts are not.
 */
export function isObjectScopedError(error: unknown): boolean {
  if (error instanceof ResponseValidationError || error instanceof IncompleteListError) return true;
  if (error instanceof CursorRejectedError) return true;
  if (!(error instanceof NotionApiError) || error.isRetryable) return false;
  if (error.status === 403 || error.status === 404) return true;
  return error.status === 400 && error.code !== 'missing_version' && error.code !== 'invalid_request_url';
}

/** The request id an error carries, when it has one (for a warning naming what was skipped). */
export function requestIdOfError(error: unknown): string | undefined {
  if (error instanceof NotionApiError || error instanceof ResponseValidationError) return error.requestId;
  if (error instanceof CursorRejectedError) return error.requestId;
  return undefined;
}

export function isNotionApiError(error: unknown, code?: NotionErrorCode): error is NotionApiError {
  return error instanceof NotionApiError && (code === undefined || error.code === code);
}
