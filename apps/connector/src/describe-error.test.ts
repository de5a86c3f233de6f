import {
  ConfigError,
  isRetryableError,
  NetworkError,
  NotionApiError,
  registerSecret,
} from '@source-notion/core';
import { IntervalError, ProtocolError } from '@source-notion/flow-capture';
import { describe, expect, it } from 'vitest';
import { DescribedError, describeError, errorFields } from './describe-error.js';

describe('describeError', () => {
  it('says what to fix for a revoked token', () => {
    const error = new NotionApiError({ status: 401, code: 'unauthorized', operation: 'users.me' });
    expect(describeError(error)).toMatch(
      /^Notion rejected the token \(401 unauthorized\).*Fix: set credentials\.token/,
    );
  });

  it('says retrying will not help when Notion blocks the integration', () => {
    const error = new NotionApiError({
      status: 429,
      code: 'rate_limited',
      operation: 'search',
      additionalData: { rate_limit_reason: 'public_api_request_blocked' },
    });
    expect(describeError(error, 'pages')).toMatch(/public_api_request_blocked.*retrying will not help/);
  });

  it('names the capability a stream needs', () => {
    const error = new NotionApiError({ status: 403, code: 'restricted_resource', operation: 'users.list' });
    expect(describeError(error, 'users')).toMatch(
      /^users: Notion refused users\.list .*"Read user information"/,
    );
    expect(describeError(error, 'pages')).toMatch(/"Read content"/);
  });

  it('finds the Notion error through a cause chain', () => {
    const inner = new NotionApiError({ status: 401, code: 'unauthorized', operation: 'search' });
    expect(describeError(new Error('sweep failed', { cause: inner }))).toMatch(/^Notion rejected the token/);
  });

  it('keeps config errors and described errors as they are', () => {
    expect(describeError(new ConfigError('config field start_date is in the future'))).toBe(
      'config field start_date is in the future',
    );
    expect(describeError(new DescribedError('already final'), 'pages')).toBe('already final');
  });

  it("keeps flow-capture's protocol and interval errors as they are, without the stream, never retried", () => {
    const protocol = new ProtocolError('received acknowledge before open');
    expect(describeError(protocol, 'pages')).toBe('received acknowledge before open');
    const interval = new IntervalError('interval "soon" is not a duration');
    expect(describeError(interval, 'pages')).toBe('interval "soon" is not a duration');
    expect(isRetryableError(protocol)).toBe(false);
    expect(isRetryableError(interval)).toBe(false);
    registerSecret('protocol-secret-value-456');
    const leaky = new ProtocolError('a line with protocol-secret-value-456');
    expect(describeError(leaky)).not.toContain('protocol-secret-value-456');
    expect(errorFields(leaky)).toEqual({ error: ['ProtocolError: a line with [REDACTED]'] });
  });

  it('explains unreachable APIs', () => {
    expect(describeError(new NetworkError('GET /v1/users/me: connect ECONNREFUSED'))).toMatch(
      /could not reach the Notion API/,
    );
  });

  it('never shows a secret', () => {
    registerSecret('super-secret-value-123');
    const error = new Error('failed with super-secret-value-123 in it');
    expect(describeError(error)).not.toContain('super-secret-value-123');
    expect(JSON.stringify(errorFields(error))).not.toContain('super-secret-value-123');
  });
});
