import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  ConnectorError,
  CursorRejectedError,
  IncompleteListError,
  isNotionApiError,
  isObjectScopedError,
  NetworkError,
  NotionApiError,
  ResponseValidationError,
  requestIdOfError,
} from './errors.js';
import { registerSecret } from './logger.js';

describe('errors', () => {
  it('NotionApiError carries status, code, request id and a readable message', () => {
    const error = new NotionApiError({
      status: 404,
      code: 'object_not_found',
      requestId: 'req-1',
      operation: 'pages.retrieve',
      detail: 'Could not find page',
    });
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.name).toBe('NotionApiError');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toBe(
      'pages.retrieve: Notion answered 404 object_not_found: Could not find page (request id req-1)',
    );
    expect(isNotionApiError(error)).toBe(true);
    expect(isNotionApiError(error, 'object_not_found')).toBe(true);
    expect(isNotionApiError(error, 'unauthorized')).toBe(false);
    expect(isNotionApiError(new Error('x'))).toBe(false);
  });

  it('chains causes and defaults retryability per class', () => {
    const cause = new Error('socket hang up');
    const network = new NetworkError('reset', { cause });
    expect(network.cause).toBe(cause);
    expect(network.isRetryable).toBe(true);
    expect(new ConfigError('bad', { field: 'start_date' }).field).toBe('start_date');
    expect(new NotionApiError({ status: 503, operation: 'x' }).isRetryable).toBe(true);
  });

  it('redacts registered secrets from messages and stacks', () => {
    const secret = 'errors-test-secret-3f9a1c';
    registerSecret(secret);
    const error = new ConnectorError(`failed with ${secret}`);
    expect(error.message).not.toContain(secret);
    expect(error.stack ?? '').not.toContain(secret);
    expect(error.message).toContain('[REDACTED]');
  });

  it('ResponseValidationError explains the zod failure', () => {
    const parsed = z.object({ results: z.array(z.unknown()) }).safeParse({ results: 'nope' });
    expect(parsed.success).toBe(false);
    const error = ResponseValidationError.fromZodError(parsed.error!, {
      operation: 'users.list',
      requestId: 'r9',
    });
    expect(error.message).toContain('users.list');
    expect(error.message).toContain('results');
    expect(error.message).toContain('r9');
    expect(error.cause).toBe(parsed.error);
  });

  it('tells object-scoped errors (skip the object) from capture-ending ones', () => {
    const api = (status: number, code?: NotionApiError['code'], extra: Record<string, unknown> = {}) =>
      new NotionApiError({ status, code, operation: 'query data source', requestId: 'req-9', ...extra });
    expect(isObjectScopedError(api(400, 'validation_error'))).toBe(true);
    expect(isObjectScopedError(api(403, 'restricted_resource'))).toBe(true);
    expect(isObjectScopedError(api(404, 'object_not_found'))).toBe(true);
    expect(isObjectScopedError(new ResponseValidationError('bad', { operation: 'x' }))).toBe(true);
    expect(isObjectScopedError(new IncompleteListError('crowded minute'))).toBe(true);
    expect(isObjectScopedError(new CursorRejectedError('stale', { restarts: 0 }))).toBe(true);
    // Bugs in the request, authentication, a blocked integration, exhausted retries, aborts: not.
    expect(isObjectScopedError(api(400, 'missing_version'))).toBe(false);
    expect(isObjectScopedError(api(400, 'invalid_request_url'))).toBe(false);
    expect(isObjectScopedError(api(401, 'unauthorized'))).toBe(false);
    expect(
      isObjectScopedError(
        api(429, 'rate_limited', { additionalData: { rate_limit_reason: 'public_api_request_blocked' } }),
      ),
    ).toBe(false);
    expect(isObjectScopedError(api(503, 'service_unavailable'))).toBe(false);
    expect(isObjectScopedError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(requestIdOfError(api(403, 'restricted_resource'))).toBe('req-9');
  });
});
