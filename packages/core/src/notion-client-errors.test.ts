import { APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { describe, expect, it } from 'vitest';
import { ConnectorError, NetworkError, NotionApiError } from './errors.js';
import { describeNetworkError, toConnectorError } from './notion-client-errors.js';

const apiError = (status: number, code: string, extra: { additional_data?: Record<string, string> } = {}) =>
  new APIResponseError({
    code: code as never,
    status,
    message: 'Something went wrong.',
    headers: new Headers(),
    rawBodyText: '{}',
    additional_data: extra.additional_data,
    request_id: 'req-1',
  });

describe('toConnectorError', () => {
  it('types an API error body as a NotionApiError, keeping the SDK error as its cause', () => {
    const cause = apiError(404, 'object_not_found');
    const error = toConnectorError(cause, 'pages.retrieve') as NotionApiError;
    expect(error).toBeInstanceOf(NotionApiError);
    expect(error).toMatchObject({
      status: 404,
      code: 'object_not_found',
      requestId: 'req-1',
      isRetryable: false,
    });
    expect(error.operation).toBe('pages.retrieve');
    expect(error.cause).toBe(cause);
  });

  it('drops a code Notion does not document, and marks public_api_request_blocked final', () => {
    expect(toConnectorError(apiError(500, 'brand_new_code'), 'search')).toMatchObject({
      code: undefined,
      isRetryable: true,
    });
    const blocked = toConnectorError(
      apiError(429, 'rate_limited', { additional_data: { rate_limit_reason: 'public_api_request_blocked' } }),
      'search',
    );
    expect(blocked.isRetryable).toBe(false);
    expect(blocked.message).toContain('retrying will not help');
  });

  it('describes a non-Notion body in one short line without its tags', () => {
    const cause = new UnknownHTTPResponseError({
      status: 502,
      message: undefined,
      headers: new Headers({ 'content-type': 'text/html', 'x-notion-request-id': 'edge-9' }),
      rawBodyText: `<html><style>p{}</style><body><h1>Bad   Gateway</h1>${'x'.repeat(300)}</body></html>`,
    });
    const error = toConnectorError(cause, 'users.me') as NotionApiError;
    expect(error).toMatchObject({ status: 502, requestId: 'edge-9', isRetryable: true });
    expect(error.message).toContain('not a Notion error body (text/html): Bad Gateway x');
    expect(error.message).not.toMatch(/<|p\{\}/);
    expect(error.message).toContain('…');
  });

  it('makes timeouts and cut JSON retryable network errors, anything else a final ConnectorError', () => {
    expect(toConnectorError(new RequestTimeoutError(), 'op')).toBeInstanceOf(NetworkError);
    const cut = toConnectorError(new SyntaxError('Unexpected end of JSON input'), 'op');
    expect(cut).toBeInstanceOf(NetworkError);
    expect(cut.isRetryable).toBe(true);
    const bug = toConnectorError(new TypeError('x is not a function'), 'op');
    expect(bug.constructor).toBe(ConnectorError);
    expect(bug).toMatchObject({ message: 'op: x is not a function', isRetryable: false });
    const same = new NetworkError('already ours');
    expect(toConnectorError(same, 'op')).toBe(same);
  });
});

describe('describeNetworkError', () => {
  it('follows the causes and names their codes', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeNetworkError(new Error('fetch failed', { cause: inner }))).toBe(
      'fetch failed: connect ECONNREFUSED 127.0.0.1:9 [ECONNREFUSED]',
    );
    expect(describeNetworkError('plain')).toBe('plain');
  });
});
