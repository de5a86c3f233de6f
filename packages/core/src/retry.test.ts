import { describe, expect, it } from 'vitest';
import { ConnectorError, NetworkError, NotionApiError } from './errors.js';
import { backoffDelay, isRetryableError, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry.js';

describe('backoffDelay', () => {
  it('grows exponentially under full jitter and respects the cap', () => {
    const top = { random: () => 0.999999, baseDelayMs: 500, maxDelayMs: 60_000 };
    expect(backoffDelay(1, top)).toBe(499);
    expect(backoffDelay(2, top)).toBe(999);
    expect(backoffDelay(4, top)).toBe(3_999);
    expect(backoffDelay(20, top)).toBe(59_999);
  });

  it('jitters down to a floor of a tenth of the base', () => {
    expect(backoffDelay(3, { random: () => 0, baseDelayMs: 500 })).toBe(50);
    expect(backoffDelay(3, { random: () => 0.5, baseDelayMs: 500 })).toBe(1_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('7')).toBe(7_000);
    expect(parseRetryAfter(' 0.5 ')).toBe(500);
    expect(parseRetryAfter('450')).toBe(450_000);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', undefined, now)).toBe(90_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', undefined, now)).toBe(0);
  });

  it('falls back to additional_data.retry_after of the body', () => {
    const body = { object: 'error', additional_data: { rate_limit_reason: 'x', retry_after: 421 } };
    expect(parseRetryAfter(undefined, body)).toBe(421_000);
    expect(parseRetryAfter(null, JSON.stringify(body))).toBe(421_000);
    expect(parseRetryAfter('garbage', body)).toBe(421_000);
    expect(parseRetryAfter('3', body)).toBe(3_000);
  });

  it('is undefined when nothing says', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('', '<html>')).toBeUndefined();
    expect(parseRetryAfter(null, { additional_data: { retry_after: 'soon' } })).toBeUndefined();
  });
});

describe('isRetryableError', () => {
  it('retries transient statuses and network errors only', () => {
    const api = (status: number) => new NotionApiError({ status, operation: 'op' });
    for (const status of [409, 429, 500, 502, 503, 504, 529])
      expect(isRetryableError(api(status))).toBe(true);
    for (const status of [400, 401, 403, 404]) expect(isRetryableError(api(status))).toBe(false);
    expect(isRetryableError(new NetworkError('reset'))).toBe(true);
    expect(isRetryableError(new ConnectorError('bug'))).toBe(false);
    expect(isRetryableError(new Error('plain'))).toBe(false);
    expect(isRetryableError(new NotionApiError({ status: 429, operation: 'op', isRetryable: false }))).toBe(
      false,
    );
  });
});

describe('parseRetryAfter bounds', () => {
  it('caps an absurd Retry-After at one hour instead of stalling forever', () => {
    expect(parseRetryAfter('9'.repeat(400))).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter(null, { additional_data: { retry_after: 1e12 } })).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('450')).toBe(450_000);
  });
});
