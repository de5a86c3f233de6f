import { afterEach, describe, expect, it } from 'vitest';
import { NotionApiError } from './errors.js';
import { notionError, sendJson } from './testing/http-test-server.js';
import { clientHarness, closeClientHarnesses, ME, me, ok, script } from './testing/notion-client-harness.js';

afterEach(closeClientHarnesses);

describe('Notion client retries: 429 and 529', () => {
  it('pauses every concurrent request for Retry-After: 7 after a 429', async () => {
    let first = true;
    const h = await clientHarness((_request, response) => {
      if (first) {
        first = false;
        sendJson(response, 429, notionError(429, 'rate_limited', 'Slow down.'), { 'retry-after': '7' });
        return;
      }
      sendJson(response, 200, ME);
    });
    const t0 = h.clock.now();
    const firstCall = me(h.client);
    // Wait (in real time, fake time frozen) until the 429 has paused the limiter.
    while (h.client.limiter.stats().rateLimited === 0) await new Promise((r) => setTimeout(r, 1));
    const others = [1, 2, 3, 4].map(() => me(h.client));
    await h.run(Promise.all([firstCall, ...others]));
    expect(h.server.requests).toHaveLength(6);
    expect(h.server.requests[0]!.at).toBe(t0);
    for (const request of h.server.requests.slice(1)) expect(request.at).toBe(t0 + 7_000);
    expect(h.client.limiter.stats()).toMatchObject({ rateLimited: 1, retries: 1, pausedMs: 7_000 });
    const retryLine = h.lines.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('retrying '));
    expect(retryLine.fields).toMatchObject({
      operation: 'users.me',
      method: 'GET',
      path: '/v1/users/me',
      status: 429,
      attempt: 1,
      retryAfterMs: 7_000,
      requestId: 'req-429-rate_limited',
    });
  });

  it('waits additional_data.retry_after when there is no header, with no low cap', async () => {
    const h = await clientHarness(
      script(
        (_, res) =>
          sendJson(
            res,
            429,
            notionError(429, 'rate_limited', 'Workspace limit.', {
              additional_data: { rate_limit_reason: 'public_api_space_request_rate_limit', retry_after: 450 },
            }),
          ),
        ok,
      ),
    );
    const t0 = h.clock.now();
    await h.run(me(h.client));
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 450_000]);
  });

  it('treats 529 like 429', async () => {
    const h = await clientHarness(
      script(
        (_, res) => sendJson(res, 529, notionError(529, 'service_overload', 'Busy.'), { 'retry-after': '3' }),
        ok,
      ),
    );
    const t0 = h.clock.now();
    await h.run(me(h.client));
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 3_000]);
    expect(h.client.limiter.stats()).toMatchObject({ overloaded: 1, rateLimited: 0 });
  });

  it('fails at once on public_api_request_blocked', async () => {
    const h = await clientHarness((_, res) =>
      sendJson(
        res,
        429,
        notionError(429, 'rate_limited', 'Blocked.', {
          additional_data: { rate_limit_reason: 'public_api_request_blocked' },
        }),
        { 'retry-after': '60' },
      ),
    );
    const error = await h.run(me(h.client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotionApiError);
    expect((error as NotionApiError).isRetryable).toBe(false);
    expect((error as NotionApiError).message).toContain('public_api_request_blocked');
    expect((error as NotionApiError).message).toContain('retrying will not help');
    expect(h.server.requests).toHaveLength(1);
  });
});

describe('Notion client retries: other failures', () => {
  it.each([
    [409, 'conflict_error'],
    [500, 'internal_server_error'],
    [503, 'service_unavailable'],
    [504, 'gateway_timeout'],
  ])('retries %i %s', async (status, code) => {
    const h = await clientHarness(
      script((_, res) => sendJson(res, status, notionError(status, code, 'Try again.')), ok),
    );
    await expect(h.run(me(h.client))).resolves.toMatchObject({ id: 'bot-1' });
    expect(h.server.requests).toHaveLength(2);
    expect(h.client.limiter.stats()).toMatchObject({ retries: 1, serverErrors: 1 });
  });

  it('retries POST search and data source queries (they are reads)', async () => {
    const h = await clientHarness(
      script(
        (_, res) => sendJson(res, 500, notionError(500, 'internal_server_error', 'Oops.')),
        (_, res) => sendJson(res, 200, { object: 'list', results: [], has_more: false, next_cursor: null }),
      ),
    );
    const result = await h.run(h.client.call('search', (sdk) => sdk.search({ query: 'x', page_size: 10 })));
    expect(result.results).toEqual([]);
    expect(h.server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(h.server.requests[1]!.body)).toMatchObject({ query: 'x', page_size: 10 });
  });

  it.each([
    [400, 'validation_error'],
    [401, 'unauthorized'],
    [403, 'restricted_resource'],
    [404, 'object_not_found'],
  ] as const)('does not retry %i %s and types the error', async (status, code) => {
    const h = await clientHarness((_, res) =>
      sendJson(res, status, notionError(status, code, `Nope ${status}.`)),
    );
    const error = (await h.run(me(h.client)).catch((e: unknown) => e)) as NotionApiError;
    expect(error).toBeInstanceOf(NotionApiError);
    expect(error).toMatchObject({ status, code, requestId: `req-${status}-${code}`, operation: 'users.me' });
    expect(error.isRetryable).toBe(false);
    expect(h.server.requests).toHaveLength(1);
    expect(h.client.limiter.stats().retries).toBe(0);
  });

  it('gives up after maxAttempts with exponential backoff', async () => {
    const h = await clientHarness(
      (_, res) => sendJson(res, 503, notionError(503, 'service_unavailable', 'Down.')),
      {
        retry: { maxAttempts: 4, baseDelayMs: 1_000, random: () => 0.999 },
      },
    );
    const t0 = h.clock.now();
    const error = await h.run(me(h.client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotionApiError);
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 999, 999 + 1_998, 999 + 1_998 + 3_996]);
  });

  it('honours Retry-After on a 503 for that request only', async () => {
    const h = await clientHarness(
      script(
        (_, res) =>
          sendJson(res, 503, notionError(503, 'service_unavailable', 'Later.'), { 'retry-after': '12' }),
        ok,
      ),
    );
    const t0 = h.clock.now();
    await h.run(me(h.client));
    expect(h.server.requests.map((r) => r.at - t0)).toEqual([0, 12_000]);
    expect(h.client.limiter.stats().pausedMs).toBe(0);
  });

  it('surfaces an HTML error body as a readable NotionApiError when retries run out', async () => {
    const h = await clientHarness(
      (_, res) => {
        res.writeHead(504, { 'content-type': 'text/html', 'x-notion-request-id': 'edge-1' });
        res.end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
      },
      { retry: { maxAttempts: 3, random: () => 0 } },
    );
    const error = (await h.run(me(h.client)).catch((e: unknown) => e)) as NotionApiError;
    expect(error).toBeInstanceOf(NotionApiError);
    expect(error.status).toBe(504);
    expect(error.code).toBeUndefined();
    expect(error.requestId).toBe('edge-1');
    expect(error.message).toContain('504 Gateway Time-out');
    expect(error.message).not.toContain('<h1>');
    expect(h.server.requests).toHaveLength(3);
  });

  it('stops waiting when the signal aborts', async () => {
    const h = await clientHarness((_, res) =>
      sendJson(res, 429, notionError(429, 'rate_limited', 'Slow.'), { 'retry-after': '600' }),
    );
    const controller = new AbortController();
    const call = h.client.call('users.me', (sdk) => sdk.users.me({}), { signal: controller.signal });
    while (h.client.limiter.stats().rateLimited === 0) await new Promise((r) => setTimeout(r, 1));
    controller.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
    expect(h.server.requests).toHaveLength(1);
  });
});
